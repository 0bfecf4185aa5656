// The Vertical Pod Autoscaler in recommendation mode: the recommender fills in each
// VerticalPodAutoscaler's recommendations; the updater (evicts pods) and the admission controller
// (rewrites pod requests, a webhook) are off unless `values` turn them on. The admission
// controller's networking is set either way, so turning it on works in calico-overlay mode too.
import type { Addon } from "../addon";
import { apiReachable, onAddonsPool } from "../../lib/placement";
import { vpa as declaration } from "../../lib/addons/vpa";
import { addonRelease, isProduction, replicasFor, type ValuesContext } from "./common";

/** The admission controller's default listen port (`--port`). */
const ADMISSION_PORT = 8000;

export function vpaValues(replicas: number, production: boolean, up: ValuesContext) {
    const pool = onAddonsPool();
    const api = apiReachable(up.podNetworkMode, declaration.hostPorts.admission, ADMISSION_PORT);
    // A budget of one available pod would block node drains with a single replica.
    const podDisruptionBudget = { enabled: production, minAvailable: 1 };
    return {
        recommender: { enabled: true, replicas, ...pool, podDisruptionBudget },
        updater: { enabled: false, replicas, ...pool, podDisruptionBudget },
        admissionController: {
            enabled: false,
            replicas,
            ...pool,
            podDisruptionBudget,
            hostNetwork: api.hostNetwork,
            ...(api.hostNetwork ? { extraArgs: [`--port=${api.port}`] } : {}),
            service: { ports: [{ port: 443, protocol: "TCP", targetPort: api.port }] },
            certGen: { ...pool },
        },
    };
}

export const vpa: Addon = {
    declaration,
    install: (ctx, opts) =>
        addonRelease(ctx, `${ctx.clusterName}-vpa`, {
            key: "vpa",
            pin: declaration.charts.vpa,
            releaseName: "vpa",
            namespace: "kube-system",
            values: (up) => vpaValues(replicasFor(ctx), isProduction(ctx), up),
        }, opts),
};
