// The plan as the plays read it: every resource of every layer, indexed, with the questions the
// plays keep asking (which resource has this id, what are its children, does A come after B).
import type { Plan, PlannedResource } from "../synth/plan";

export interface ViewResource extends PlannedResource {
    /** The layer (plan entry) that registered it: `network`, ..., or `platform` in the one-stack project. */
    layer: string;
    /** Its layer's position in deployment order. */
    layerIndex: number;
}

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [key: string]: unknown;
}

export class PlanView {
    readonly resources: ViewResource[];
    readonly byUrn = new Map<string, ViewResource>();
    readonly byId = new Map<string, ViewResource>();
    private readonly children = new Map<string, ViewResource[]>();
    private readonly closure = new Map<string, Set<string>>();

    constructor(readonly plan: Plan) {
        this.resources = plan.layers.flatMap((layer, layerIndex) => layer.resources.map((r) => ({ ...r, layer: layer.name, layerIndex })));
        for (const r of this.resources) {
            this.byUrn.set(r.urn, r);
            // Reads (StackReferences, `.get`) carry the id of a resource another stack or the cloud owns.
            if (r.id && r.custom && r.type !== "pulumi:pulumi:StackReference" && !this.byId.has(r.id)) this.byId.set(r.id, r);
            if (r.parent) this.children.set(r.parent, [...(this.children.get(r.parent) ?? []), r]);
        }
    }

    get layered(): boolean {
        return this.plan.mode === "layered";
    }

    ofType(...types: string[]): ViewResource[] {
        return this.resources.filter((r) => types.includes(r.type));
    }

    childrenOf(urn: string): ViewResource[] {
        return this.children.get(urn) ?? [];
    }

    /** Every resource below a component (children, their children, ...). */
    descendantsOf(urn: string): ViewResource[] {
        return this.childrenOf(urn).flatMap((c) => [c, ...this.descendantsOf(c.urn)]);
    }

    /** An output as the engine answered it, else the input of that name. */
    value(r: PlannedResource, key: string): unknown {
        return r.outputs && key in r.outputs ? r.outputs[key] : r.inputs[key];
    }

    /** The resource a value (an id or a URN) refers to, if the plan has it. */
    resolve(ref: unknown): ViewResource | undefined {
        return typeof ref === "string" ? this.byUrn.get(ref) ?? this.byId.get(ref) : undefined;
    }

    /** URNs a resource waits for, directly or through what those wait for (parents included). */
    private waitsFor(urn: string): Set<string> {
        const known = this.closure.get(urn);
        if (known) return known;
        const seen = new Set<string>();
        this.closure.set(urn, seen);
        // (urn, reached through a parent edge): a child waits for what its parent waits for, not for its siblings.
        const stack: [string, boolean][] = [[urn, false]];
        const expanded = new Set<string>();
        while (stack.length) {
            const [at, viaParent] = stack.pop() as [string, boolean];
            const r = this.byUrn.get(at);
            if (!r) continue;
            // A component counts as done when all of its children are: waiting for it waits for them.
            const next: [string, boolean][] = [
                ...r.dependsOn.map((d): [string, boolean] => [d, false]),
                ...(r.parent ? [[r.parent, true] as [string, boolean]] : []),
                ...(r.custom || viaParent ? [] : this.descendantsOf(r.urn).map((d): [string, boolean] => [d.urn, false])),
            ];
            for (const [dep, parentEdge] of next) {
                if (dep === urn || (parentEdge ? seen.has(dep) : expanded.has(dep))) continue;
                seen.add(dep);
                if (!parentEdge) expanded.add(dep);
                stack.push([dep, parentEdge]);
            }
        }
        return seen;
    }

    /**
     * Whether `a` is created only after `b` exists: in the layered stacks a later layer comes after
     * every earlier one; within a stack only the dependency graph orders anything.
     */
    after(a: PlannedResource, b: PlannedResource): boolean {
        const va = this.byUrn.get(a.urn);
        const vb = this.byUrn.get(b.urn);
        if (va && vb && this.layered && va.layerIndex !== vb.layerIndex) return va.layerIndex > vb.layerIndex;
        return this.waitsFor(a.urn).has(b.urn);
    }

    /** The Kubernetes objects the program declares (not Helm releases' rendered objects), with their resource. */
    manifests(): { resource: ViewResource; manifest: Manifest }[] {
        return this.resources.flatMap((resource) => {
            if (!resource.custom || !resource.type.startsWith("kubernetes:") || resource.type === HELM_RELEASE) return [];
            const { apiVersion, kind } = resource.inputs;
            if (typeof apiVersion !== "string" || typeof kind !== "string") return [];
            return [{ resource, manifest: { metadata: {}, ...resource.inputs } as Manifest }];
        });
    }

    /** The Helm releases, with their chart, version, repository and values as planned. */
    releases(): { resource: ViewResource; name: string; namespace?: string; chart: string; version?: string; repository?: string; values: Record<string, unknown> }[] {
        return this.ofType(HELM_RELEASE).map((resource) => ({
            resource,
            name: String(resource.inputs.name ?? resource.name),
            namespace: resource.inputs.namespace as string | undefined,
            chart: String(resource.inputs.chart),
            version: resource.inputs.version as string | undefined,
            repository: (resource.inputs.repositoryOpts as { repo?: string } | undefined)?.repo,
            values: (resource.inputs.values ?? {}) as Record<string, unknown>,
        }));
    }
}
