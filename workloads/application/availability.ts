// How many pods run: the autoscaler's range and the disruption budget.
import type { ApplicationSpec } from "../../lib/config/applications";
import { metadataOf, selectorLabels, type HorizontalPodAutoscalerObject, type PodDisruptionBudgetObject } from "./manifest";

/** The autoscaler's range: replicas (or minReplicas) up to maxReplicas (default 3 × the floor). */
export function replicaRange(app: ApplicationSpec): { min: number; max: number } {
    const min = app.autoscaling.minReplicas ?? app.replicas;
    return { min, max: app.autoscaling.maxReplicas ?? 3 * min };
}

/** Pods that run at once: a PDB only protects more than one. */
export const steadyReplicas = (app: ApplicationSpec): number => (app.kind === "service" ? replicaRange(app).min : app.replicas);

/** At most one pod down at a time through voluntary disruptions (drains, consolidation). */
export function pdbManifest(app: ApplicationSpec): PodDisruptionBudgetObject {
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: metadataOf(app),
        spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(app) }, unhealthyPodEvictionPolicy: "AlwaysAllow" },
    };
}

export function hpaManifest(app: ApplicationSpec): HorizontalPodAutoscalerObject {
    const { min, max } = replicaRange(app);
    const utilization = (name: "cpu" | "memory", averageUtilization: number) => ({ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization } } });
    return {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: metadataOf(app),
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app.name },
            minReplicas: min,
            maxReplicas: max,
            metrics: [utilization("cpu", app.autoscaling.cpuUtilization), utilization("memory", app.autoscaling.memoryUtilization)],
            // Scale down slowly: a short dip does not drop capacity a spike needs again.
            behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] } },
        },
    };
}
