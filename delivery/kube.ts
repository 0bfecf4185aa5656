// ClusterApi through @kubernetes/client-node, from the cluster stack's kubeconfig output (which
// authenticates with `aws eks get-token`, so the caller's AWS credentials apply).
import * as k8s from "@kubernetes/client-node";
import { NODE_POOL_API, NODE_POOL_LABEL } from "../lib/karpenterNodes";
import type { BlockerKind, ClusterApi, KubeObject } from "./blockers";

const [KARPENTER_GROUP, KARPENTER_VERSION] = NODE_POOL_API.split("/");
const PLURALS = { NodePool: "nodepools", NodeClaim: "nodeclaims" } as const;

const notFound = (e: unknown): boolean => e instanceof k8s.ApiException && e.code === 404;

/** Karpenter's custom objects; none when its CRDs are not installed. */
async function listCustom(api: k8s.CustomObjectsApi, kind: keyof typeof PLURALS): Promise<KubeObject[]> {
    try {
        const list = (await api.listClusterCustomObject({ group: KARPENTER_GROUP, version: KARPENTER_VERSION, plural: PLURALS[kind] })) as { items?: { metadata?: { name?: string } }[] };
        return (list.items ?? []).map((item) => ({ kind, name: item.metadata?.name ?? "" }));
    } catch (e) {
        if (notFound(e)) return [];
        throw e;
    }
}

const named = (kind: BlockerKind, items: { metadata?: k8s.V1ObjectMeta }[]): KubeObject[] =>
    items.map((item) => ({ kind, name: item.metadata?.name ?? "", namespace: item.metadata?.namespace }));

export function kubeClusterApi(kubeconfig: string): ClusterApi {
    const config = new k8s.KubeConfig();
    config.loadFromString(kubeconfig);
    const core = config.makeApiClient(k8s.CoreV1Api);
    const networking = config.makeApiClient(k8s.NetworkingV1Api);
    const custom = config.makeApiClient(k8s.CustomObjectsApi);

    return {
        async list(kind) {
            switch (kind) {
                case "Service":
                    return named(kind, (await core.listServiceForAllNamespaces()).items.filter((s) => s.spec?.type === "LoadBalancer"));
                case "Ingress":
                    return named(kind, (await networking.listIngressForAllNamespaces()).items);
                case "Node":
                    return named(kind, (await core.listNode({ labelSelector: NODE_POOL_LABEL })).items);
                default:
                    return listCustom(custom, kind);
            }
        },
        async delete(object) {
            const { name, namespace = "" } = object;
            try {
                switch (object.kind) {
                    case "Service":
                        await core.deleteNamespacedService({ name, namespace });
                        break;
                    case "Ingress":
                        await networking.deleteNamespacedIngress({ name, namespace });
                        break;
                    case "Node":
                        throw new Error(`${name}: nodes are removed by Karpenter (delete their NodeClaims), not directly`);
                    default:
                        await custom.deleteClusterCustomObject({ group: KARPENTER_GROUP, version: KARPENTER_VERSION, plural: PLURALS[object.kind], name });
                }
            } catch (e) {
                if (!notFound(e)) throw e;
            }
        },
    };
}
