// Kubecost 3.x: cost allocation per namespace, workload and label. 3.x collects its own metrics
// (the finops-agent subchart) and needs no Prometheus; its aggregator and local store keep data
// on gp3 volumes.
import type { Addon } from "../addon";
import { onAddonsPool } from "../../lib/placement";
import { GP3_CLASS } from "../storage";
import { kubecost as declaration } from "../../lib/addons/kubecost";
import { addonRelease, replicasFor } from "./common";

/** The chart's components with their own scheduling keys. */
const COMPONENTS = ["frontend", "aggregator", "localStore", "cloudCost", "clusterController", "forecasting", "finopsagent"] as const;

export function kubecostValues(clusterName: string, replicas: number) {
    const components = Object.fromEntries(COMPONENTS.map((c) => [c, { ...onAddonsPool() }]));
    return {
        ...components,
        global: { clusterId: clusterName, defaultStorageClass: GP3_CLASS },
        frontend: { ...components.frontend, replicas },
        // A privileged DaemonSet on every node for network cost allocation: turn on through `values` when wanted.
        networkCosts: { enabled: false },
    };
}

export const kubecost: Addon = {
    declaration,
    install: (ctx, opts) =>
        addonRelease(ctx, `${ctx.clusterName}-kubecost`, {
            key: "kubecost",
            pin: declaration.charts.kubecost,
            releaseName: "kubecost",
            namespace: "kubecost",
            values: () => kubecostValues(ctx.clusterName, replicasFor(ctx)),
        }, opts),
};
