// Where add-on pods run: core services on Fargate, third-party add-ons and monitoring on the
// tainted `addons` node pool, and (in calico-overlay mode) pods the API server calls on the
// host network, each on its own host port.
import { DEDICATED_TAINT_KEY } from "./config/addons";
import type { PodNetworkMode } from "./config/schema";

/** The Karpenter node pool of third-party add-ons and monitoring. */
export const ADDONS_POOL = "addons";

/** Karpenter labels every node with its pool. */
export const NODE_POOL_LABEL = "karpenter.sh/nodepool";

export interface Toleration { key: string; operator: "Equal" | "Exists"; value?: string; effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule" }

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

/** DaemonSets (CSI node plugins, node exporters, DNS caches) run on every node, whatever its taints. */
export const everyNode = (): Placement => ({ nodeSelector: {}, tolerations: [{ key: "", operator: "Exists", effect: "NoSchedule" }, { key: "", operator: "Exists", effect: "NoExecute" }] });

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
