// The synth plan as policy stacks: one per layer (or one for the single-stack project), with each
// StackReference carrying the outputs of the layer it reads, as it would in a real preview.
import type { Plan, PlannedResource } from "../synth/plan";
import type { PolicyResource, PolicyStack } from "./rule";

const UNKNOWN = "[unknown]";

/** Inputs without the values the synth could not know (the policy pack sees those as absent too). */
function known(value: unknown): unknown {
    if (Array.isArray(value)) return value.filter((v) => v !== UNKNOWN).map(known);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== UNKNOWN).map(([k, v]) => [k, known(v)]));
    }
    return value;
}

export function policyResource(r: PlannedResource, referenced?: Record<string, unknown>): PolicyResource {
    const props = known(r.inputs) as Record<string, unknown>;
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        props: referenced ? { ...props, outputs: referenced } : props,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        parent: r.parent,
        dependencies: r.dependsOn,
        modeled: r.modeled,
    };
}

export interface LayerStack {
    layer: string;
    stack: PolicyStack;
}

/**
 * `exceptions`: the reasons of `platform:productionExceptions`; `serviceLinkedRoles`: the environment's
 * `platform:serviceLinkedRoles` (the only service-linked roles a policy may name). Both default to the plan's.
 */
export function stacksOfPlan(
    plan: Plan,
    production: boolean,
    today = new Date(),
    exceptions: Record<string, string> = plan.exceptions ?? {},
    serviceLinkedRoles: readonly string[] = plan.serviceLinkedRoles ?? [],
): LayerStack[] {
    const outputsOf = new Map(plan.layers.map((l) => [l.project, l.outputs]));
    return plan.layers.map((layer) => ({
        layer: layer.name,
        stack: {
            environment: plan.environment,
            production,
            today,
            exceptions,
            serviceLinkedRoles,
            resources: layer.resources.map((r) => {
                if (r.type !== "pulumi:pulumi:StackReference") return policyResource(r);
                // `<organization>/<project>/<stack>`: an upstream layer, or this stack's own last deployment (none yet).
                const project = String(r.inputs.name).split("/")[1];
                return policyResource(r, project === layer.project ? {} : outputsOf.get(project) ?? {});
            }),
        },
    }));
}
