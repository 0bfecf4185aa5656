// metrics-server: the resource metrics API (metrics.k8s.io) for autoscalers and `kubectl top`. The
// API server calls it as an aggregated API, so in calico-overlay mode it runs on the host network
// on its own port (its default, 10250, is the kubelet's).
import type { Addon } from "../catalog";
import { apiReachable, onAddonsPool } from "../../lib/placement";
import { CHARTS } from "../../lib/versions";
import { addonRelease, isProduction, replicasFor, type Upstream } from "./common";

const CONTAINER_PORT = 10250;

export function metricsServerValues(replicas: number, production: boolean, up: Upstream) {
    const api = apiReachable(up.podNetworkMode, "metricsServer", CONTAINER_PORT);
    return {
        replicas,
        ...onAddonsPool(),
        podDisruptionBudget: { enabled: production, minAvailable: 1 },
        hostNetwork: { enabled: api.hostNetwork },
        containerPort: api.port,
    };
}

export const metricsServer: Addon = {
    key: "metricsServer",
    after: ["karpenter", "calico"],
    install: (ctx, opts) =>
        addonRelease(ctx, `${ctx.clusterName}-metrics-server`, {
            key: "metricsServer",
            pin: CHARTS.metricsServer,
            releaseName: "metrics-server",
            namespace: "kube-system",
            values: (up) => metricsServerValues(replicasFor(ctx), isProduction(ctx), up),
        }, opts),
};
