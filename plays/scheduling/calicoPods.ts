// The pods the Calico operator renders from its Installation (tigera/operator v1.42.3, pkg/render):
// calico-node, the CSI node driver, Typha, kube-controllers, and the API server and webhooks.
import type { Toleration } from "./match";
import { at, enabled, isObject, listAt, NOT_ON_FARGATE, numberAt, objectAt, placementOf, podOf, type Placement, type PodModel, type Release } from "./pods";

/** rmeta.TolerateAll (pkg/render/common/meta/meta.go): what Typha, calico-node and the CSI driver tolerate by default. */
export const TOLERATE_ALL: Toleration[] = [
    { key: "CriticalAddonsOnly", operator: "Exists" },
    { operator: "Exists", effect: "NoSchedule" },
    { operator: "Exists", effect: "NoExecute" },
];
const TOLERATE_CONTROL_PLANE: Toleration[] = [
    { key: "node-role.kubernetes.io/master", effect: "NoSchedule" },
    { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
];
/** Typha's port and health port (felix's 9099 minus one) on the host network (pkg/render/typha.go). */
export const TYPHA_PORTS = [5473, 9098];

/** A `*Deployment` override of the Installation or APIServer: `spec.template.spec` fields replace the rendered ones (nodeSelector merges). */
function withOverride(base: Placement & { hostNetwork: boolean }, override: unknown): Placement & { hostNetwork: boolean } {
    const spec = at(override, "spec", "template", "spec");
    if (!isObject(spec)) return base;
    const o = placementOf(spec);
    return {
        tolerations: "tolerations" in spec ? o.tolerations : base.tolerations,
        nodeSelector: { ...base.nodeSelector, ...o.nodeSelector },
        affinity: "affinity" in spec ? o.affinity : base.affinity,
        oneNodeEach: base.oneNodeEach,
        hostNetwork: typeof spec.hostNetwork === "boolean" ? spec.hostNetwork : base.hostNetwork,
    };
}

export function calicoPods(r: Release): PodModel[] {
    const inst = objectAt(r.values, "installation");
    const eks = inst.kubernetesProvider === "EKS";
    const overlay = at(inst, "cni", "type") === "Calico";
    const cpTolerations = listAt<Toleration>(inst, "controlPlaneTolerations");
    const cpSelector = objectAt(inst, "controlPlaneNodeSelector") as Record<string, string>;
    const cpReplicas = numberAt(inst, 2, "controlPlaneReplicas");
    const linux = { "kubernetes.io/os": "linux" };
    const pods: PodModel[] = [
        podOf(r, "tigera-operator", "Deployment", { hostNetwork: true, placement: placementOf(r.values) }),
    ];
    if (inst.enabled === false) return pods;
    const everyNode = { tolerations: TOLERATE_ALL, nodeSelector: linux, affinity: eks ? NOT_ON_FARGATE : undefined, oneNodeEach: false };
    pods.push(podOf(r, "calico-node", "DaemonSet", { namespace: "calico-system", hostNetwork: true, hostPorts: [{ port: 9099, ip: "127.0.0.1" }], placement: withOverride({ ...everyNode, hostNetwork: true }, inst.calicoNodeDaemonSet) }));
    pods.push(podOf(r, "csi-node-driver", "DaemonSet", { namespace: "calico-system", placement: withOverride({ ...everyNode, hostNetwork: false }, inst.csiNodeDriverDaemonSet) }));
    // Typha: TolerateAll unless controlPlaneTolerations is set (then those alone); no node selector
    // but linux; the typhaDeployment override last.
    const typhaBase = { tolerations: cpTolerations.length > 0 ? cpTolerations : TOLERATE_ALL, nodeSelector: linux, affinity: undefined, oneNodeEach: true, hostNetwork: true };
    const typha = withOverride(typhaBase, inst.typhaDeployment);
    pods.push(podOf(r, "calico-typha", "Deployment", { namespace: "calico-system", hostNetwork: typha.hostNetwork, hostPorts: TYPHA_PORTS.map((port) => ({ port })), placement: typha, scalesWithNodes: true, everyEc2Node: true }));
    const kc = withOverride({ tolerations: [...cpTolerations, ...TOLERATE_CONTROL_PLANE, { key: "CriticalAddonsOnly", operator: "Exists" }], nodeSelector: { ...linux, ...cpSelector }, oneNodeEach: false, hostNetwork: false }, inst.calicoKubeControllersDeployment);
    pods.push(podOf(r, "calico-kube-controllers", "Deployment", { namespace: "calico-system", placement: kc }));
    if (enabled(r.values, true, "apiServer")) {
        const api = objectAt(r.values, "apiServer");
        // On EKS with the Calico CNI both run on the host network, tolerating everything (pkg/render/apiserver.go, webhooks/render.go).
        const base = (hostNetwork: boolean) => ({
            tolerations: hostNetwork ? TOLERATE_ALL : [...cpTolerations, ...TOLERATE_CONTROL_PLANE], nodeSelector: { ...linux, ...cpSelector }, oneNodeEach: false, hostNetwork,
        });
        const server = withOverride(base(eks && overlay), api.apiServerDeployment);
        pods.push(podOf(r, "calico-apiserver", "Deployment", { namespace: "calico-system", replicas: cpReplicas, hostNetwork: server.hostNetwork, hostPorts: server.hostNetwork ? [{ port: 5443 }] : [], placement: server }));
        const hooks = withOverride(base(eks && overlay), api.calicoWebhooksDeployment);
        pods.push(podOf(r, "calico-webhooks", "Deployment", { namespace: "calico-system", replicas: cpReplicas, hostNetwork: hooks.hostNetwork, hostPorts: hooks.hostNetwork ? [{ port: 6443 }] : [], placement: hooks }));
    }
    return pods;
}
