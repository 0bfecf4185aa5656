// Where and before whom an application's pods run: its PriorityClass and its own Karpenter pool.
import type * as pulumi from "@pulumi/pulumi";
import { dedicatedNodePool, nodePool } from "../../lib/karpenterNodes";
import type { ApplicationSpec } from "../../lib/config/applications";
import { labelsOf, type CustomObject, type PriorityClassObject } from "./manifest";

export function priorityClassManifest(app: ApplicationSpec): PriorityClassObject | undefined {
    const pc = app.priorityClass;
    if (typeof pc !== "object") return undefined;
    return {
        apiVersion: "scheduling.k8s.io/v1",
        kind: "PriorityClass",
        metadata: { name: pc.name, labels: labelsOf(app) },
        value: pc.value,
        preemptionPolicy: pc.preemptionPolicy,
        globalDefault: false,
        description: `Priority of ${app.namespace}/${app.name} (team ${app.team}).`,
    };
}

/** The application's own Karpenter pool: one instance type, tainted for it alone. */
export function dedicatedNodePoolManifest(app: ApplicationSpec, nodeClassName: pulumi.Input<string>): CustomObject<"NodePool"> | undefined {
    if (!app.dedicatedNode) return undefined;
    const pool = nodePool(dedicatedNodePool(app.name, { instanceType: app.dedicatedNode.instanceType, limits: app.dedicatedNode.limits }), nodeClassName);
    return { apiVersion: pool.apiVersion, kind: "NodePool", metadata: { ...pool.metadata, labels: labelsOf(app) }, spec: { ...pool.spec } };
}
