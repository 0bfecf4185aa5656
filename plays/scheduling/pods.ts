// The pod model the scheduling play places: what a pod needs of a node, and the helpers that read
// it from a pod spec or a chart's values. Who builds the pods: `chartPods.ts` (each Helm chart's
// pods from its values), `calicoPods.ts` (what the Calico operator renders), `managedAddonPods.ts`
// (the EKS managed add-ons), `manifestPods.ts` (the workloads' own manifests).
import type { RequiredNodeAffinity, Toleration } from "./match";

/**
 * Off Fargate by required node affinity: what the Calico operator sets on calico-node and
 * csi-node-driver when `kubernetesProvider: EKS` (tigera/operator v1.42.3 pkg/render/node.go,
 * csi.go), and what the node agents of charts and EKS add-ons carry by default.
 */
export const NOT_ON_FARGATE: RequiredNodeAffinity = {
    nodeSelectorTerms: [{ matchExpressions: [{ key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] }] }],
};

export type PodKind = "Deployment" | "DaemonSet" | "StatefulSet" | "Job";

export interface HostPort { port: number; protocol?: "TCP" | "UDP"; /** Bound to this address only (link-local agents); all addresses when absent. */ ip?: string }

export interface PodModel {
    /** The resource that creates it (URN). */
    resource: string;
    /** Readable: `kube-system/node-local-dns (DaemonSet of release node-local-dns)`. */
    name: string;
    kind: PodKind;
    namespace: string;
    labels: Record<string, string>;
    replicas: number;
    tolerations: Toleration[];
    nodeSelector: Record<string, string>;
    affinity?: RequiredNodeAffinity;
    hostNetwork: boolean;
    hostPorts: HostPort[];
    /** Replicas must sit on different nodes (host ports, required anti-affinity per hostname). */
    oneNodeEach: boolean;
    /**
     * The Calico operator scales Typha with the number of nodes (every node, Fargate's included:
     * pkg/common/autoscale.go GetExpectedTyphaScale); the play computes the replicas.
     */
    scalesWithNodes?: boolean;
    /** Like a DaemonSet, it must be able to run on every EC2 node kind. */
    everyEc2Node?: boolean;
}

export type Values = Record<string, unknown>;

export const isObject = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

/** A nested value: `at(values, "controller", "nodeSelector")`. */
export function at(values: unknown, ...path: string[]): unknown {
    let v: unknown = values;
    for (const p of path) v = isObject(v) ? v[p] : undefined;
    return v;
}

export const objectAt = (values: unknown, ...path: string[]): Values => {
    const v = at(values, ...path);
    return isObject(v) ? v : {};
};
export const listAt = <T>(values: unknown, ...path: string[]): T[] => {
    const v = at(values, ...path);
    return Array.isArray(v) ? (v as T[]) : [];
};
export const numberAt = (values: unknown, fallback: number, ...path: string[]): number => {
    const v = at(values, ...path);
    return typeof v === "number" ? v : fallback;
};
export const enabled = (values: unknown, fallback: boolean, ...path: string[]): boolean => {
    const v = at(values, ...path, "enabled");
    return typeof v === "boolean" ? v : fallback;
};

/** The scheduling part of a pod spec (a manifest's `spec.template.spec`, or a chart component's values). */
export interface Placement {
    tolerations: Toleration[];
    nodeSelector: Record<string, string>;
    affinity?: RequiredNodeAffinity;
    oneNodeEach: boolean;
}

export function placementOf(spec: unknown): Placement {
    const required = at(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution") as RequiredNodeAffinity | undefined;
    const antiAffinity = listAt<{ topologyKey?: string }>(spec, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution");
    return {
        tolerations: listAt<Toleration>(spec, "tolerations"),
        nodeSelector: objectAt(spec, "nodeSelector") as Record<string, string>,
        affinity: required && Array.isArray(required.nodeSelectorTerms) ? required : undefined,
        oneNodeEach: antiAffinity.some((t) => t.topologyKey === "kubernetes.io/hostname"),
    };
}

/** Host ports of a pod spec: every container port on the host network, else those with a `hostPort`. */
export function hostPortsOf(spec: unknown): HostPort[] {
    const hostNetwork = at(spec, "hostNetwork") === true;
    return [...listAt<Values>(spec, "initContainers"), ...listAt<Values>(spec, "containers")].flatMap((c) =>
        listAt<{ containerPort?: number; hostPort?: number; protocol?: "TCP" | "UDP"; hostIP?: string }>(c, "ports").flatMap((p) => {
            const port = p.hostPort ?? (hostNetwork ? p.containerPort : undefined);
            return port ? [{ port, protocol: p.protocol, ip: p.hostIP }] : [];
        }));
}

export interface Release { resource: string; name: string; namespace: string; chart: string; version?: string; values: Values }

/** What every pod of a release shares; `component` names the pod within the release. */
export function podOf(r: Release, component: string, kind: PodKind, fields: Partial<PodModel> & { placement?: Placement }): PodModel {
    const { placement, ...rest } = fields;
    const p = placement ?? { tolerations: [], nodeSelector: {}, oneNodeEach: false };
    const hostPorts = rest.hostPorts ?? [];
    const namespace = rest.namespace ?? r.namespace;
    return {
        resource: r.resource,
        name: `${namespace}/${component} (${kind} of ${r.chart.startsWith("EKS add-on") ? r.chart : `release ${r.name}, chart ${r.chart}`})`,
        kind,
        namespace,
        labels: { "app.kubernetes.io/instance": r.name },
        replicas: 1,
        hostNetwork: false,
        ...rest,
        hostPorts,
        tolerations: p.tolerations,
        nodeSelector: p.nodeSelector,
        affinity: p.affinity,
        oneNodeEach: p.oneNodeEach || hostPorts.length > 0,
    };
}

/** A chart component configured by `<path>.replicas|nodeSelector|tolerations|affinity`. */
export function component(r: Release, name: string, kind: PodKind, path: string[], extra: Partial<PodModel> = {}): PodModel {
    const v = at(r.values, ...path);
    return podOf(r, name, kind, { replicas: kind === "DaemonSet" ? 1 : numberAt(v, 1, "replicas"), placement: placementOf(v), ...extra });
}

/** The port of an address such as ":8080" or "0.0.0.0:8080". */
export const portOf = (address: unknown, fallback: number): number => {
    const m = typeof address === "string" ? /:(\d+)$/.exec(address) : null;
    return m ? Number(m[1]) : fallback;
};
