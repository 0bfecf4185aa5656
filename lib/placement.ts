// Where add-on pods run: core services on Fargate, third-party add-ons and monitoring on the
// tainted `addons` node pool, and (in calico-overlay mode) pods the API server calls on the
// host network, each on its own host port.
import { DEDICATED_TAINT_KEY } from "./config/addons";
import type { PodNetworkMode } from "./config/schema";
import { NODE_POOL_LABEL } from "./karpenterNodes";

/** The Karpenter node pool of third-party add-ons and monitoring. */
export const ADDONS_POOL = "addons";

export { NODE_POOL_LABEL };

export interface Toleration { key?: string; operator: "Equal" | "Exists"; value?: string; effect?: "NoSchedule" | "NoExecute" | "PreferNoSchedule" }

export interface Placement {
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
}

/** Pods of one dedicated pool: its node selector and the toleration of its `dedicated=<pool>` taint. */
export function dedicatedPool(pool: string): Placement {
    return {
        nodeSelector: { [NODE_POOL_LABEL]: pool },
        tolerations: [{ key: DEDICATED_TAINT_KEY, operator: "Equal", value: pool, effect: "NoSchedule" }],
    };
}

/** Third-party add-ons and monitoring: the `addons` pool. */
export const onAddonsPool = (): Placement => dedicatedPool(ADDONS_POOL);

/** EKS labels (and taints) Fargate's nodes with their compute type. */
export const COMPUTE_TYPE_LABEL = "eks.amazonaws.com/compute-type";

/** A required node affinity: `key NotIn values`. */
export interface NodeAffinity {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: { matchExpressions: { key: string; operator: "NotIn"; values: string[] }[] }[] } };
}

/** Never on a Fargate node: each runs only the pod Fargate started it for, and no DaemonSet or host network. */
export const notOnFargate = (): NodeAffinity => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: COMPUTE_TYPE_LABEL, operator: "NotIn", values: ["fargate"] }] }] } },
});

export interface NodeAgentPlacement {
    tolerations: Toleration[];
    affinity: NodeAffinity;
}

/**
 * Node agents (CSI node plugins, node exporters, DNS caches, log collectors) and Calico's Typha run
 * on every EC2 node, whatever its taints, and never on Fargate: tolerating every taint includes
 * Fargate's `eks.amazonaws.com/compute-type=fargate:NoSchedule`, so the affinity must exclude it
 * (the DaemonSet controller would otherwise create a pod per Fargate node that stays Pending).
 */
export const everyNode = (): NodeAgentPlacement => ({
    tolerations: [
        { key: "CriticalAddonsOnly", operator: "Exists" },
        { operator: "Exists", effect: "NoSchedule" },
        { operator: "Exists", effect: "NoExecute" },
    ],
    affinity: notOnFargate(),
});

/**
 * How a pod the API server must reach is networked. In calico-overlay mode the control plane
 * cannot reach overlay addresses, so the pod uses the node's address on its own port; in vpc-cni
 * mode pods have VPC addresses and stay off the host network.
 */
export interface ApiReachable {
    hostNetwork: boolean;
    dnsPolicy: "ClusterFirst" | "ClusterFirstWithHostNet";
    /** The port the webhook (or API) listens on. */
    port: number;
}

/**
 * `hostPort` is the add-on's own port on the node (its declaration's `hostPorts`): all of them share
 * the add-on nodes, so each has its own, away from the kubelet (10250), node exporter (9100) and
 * Calico (5473, 9091, 9099).
 */
export function apiReachable(mode: PodNetworkMode, hostPort: number, defaultPort: number): ApiReachable {
    return mode === "calico-overlay"
        ? { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet", port: hostPort }
        : { hostNetwork: false, dnsPolicy: "ClusterFirst", port: defaultPort };
}
