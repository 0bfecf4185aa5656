// metrics-server: the resource metrics API (metrics.k8s.io) for autoscalers and `kubectl top`. The
// API server calls it as an aggregated API, so in calico-overlay mode it runs on the host network
// on its own port (its default, 10250, is the kubelet's).
import type { Addon } from "../addon";
import { apiReachable, onAddonsPool } from "../../lib/placement";
import { metricsServer as declaration } from "../../lib/addons/metricsServer";
import { addonRelease, isProduction, replicasFor, type ValuesContext } from "./common";

const CONTAINER_PORT = 10250;

export function metricsServerValues(replicas: number, production: boolean, up: ValuesContext) {
    const api = apiReachable(up.podNetworkMode, declaration.hostPorts.api, CONTAINER_PORT);
    return {
        replicas,
        ...onAddonsPool(),
        podDisruptionBudget: { enabled: production, minAvailable: 1 },
        hostNetwork: { enabled: api.hostNetwork },
        containerPort: api.port,
    };
}

export const metricsServer: Addon = {
    declaration,
    install: (ctx, opts) =>
        addonRelease(ctx, `${ctx.clusterName}-metrics-server`, {
            key: "metricsServer",
            pin: declaration.charts.metricsServer,
            releaseName: "metrics-server",
            namespace: "kube-system",
            values: (up) => metricsServerValues(replicasFor(ctx), isProduction(ctx), up),
        }, opts),
};
