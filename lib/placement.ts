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
 * Host ports of the pods the API server must reach (admission webhooks, API extensions) when they
 * run on the host network in calico-overlay mode. All of them share the add-on nodes, so each has
 * its own port, away from the kubelet (10250), node exporter (9100) and Calico (5473, 9091, 9099).
 */
export const HOST_PORTS = {
    loadBalancerController: 9443,
    ingressNginx: 8443,
    /** Not called by the API server, but on the host with the webhook: away from NodeLocal DNSCache's health port (8080). */
    loadBalancerControllerMetrics: 10262,
    metricsServer: 10260,
    prometheusOperator: 10261,
    vpaAdmission: 10263,
    calicoApiServer: 5443,
} as const;

export type HostPortUser = keyof typeof HOST_PORTS;

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

export function apiReachable(mode: PodNetworkMode, user: HostPortUser, defaultPort: number): ApiReachable {
    return mode === "calico-overlay"
        ? { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet", port: HOST_PORTS[user] }
        : { hostNetwork: false, dnsPolicy: "ClusterFirst", port: defaultPort };
}
