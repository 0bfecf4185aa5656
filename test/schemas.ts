// Validation of what the program declares against real, external definitions: custom resources
// against the upstream CRDs in ../shared/crds, built-in Kubernetes objects with kubernetes-models.
import { CRD_ROOT, crdProblems } from "../lib/crds";

export { CRD_ROOT, crdProblems };

/** The problems of a spec alone (e.g. Helm values that are an `Installation` spec). */
export function specProblems(folder: string, apiVersion: string, kind: string, spec: unknown): string[] {
    return crdProblems(folder, { apiVersion, kind, spec });
}

/** The problems of a built-in Kubernetes object, per kubernetes-models (ESM-only, hence the dynamic import). */
export async function k8sProblems(object: { apiVersion: string; kind: string; [key: string]: unknown }): Promise<string[]> {
    const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
    const modulePath = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
    const models = (await import(modulePath)) as Record<string, new (o: object) => { validate(): void }>;
    const Model = models[object.kind] ?? assertNever(`kubernetes-models has no ${object.apiVersion} ${object.kind}`);
    try {
        new Model(object).validate();
        return [];
    } catch (err) {
        return [(err as Error).message];
    }
}

function assertNever(message: string): never {
    throw new Error(message);
}
