// Validation of what the program declares against real, external definitions: custom resources
// against the upstream CRDs in ../shared/crds, built-in Kubernetes objects with kubernetes-models.
import Ajv, { type ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "./helpers";

export const CRD_ROOT = path.resolve(REPO_ROOT, "..", "shared", "crds");

interface Crd {
    spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: object } }[] };
}

/** CRD patterns are Go (RE2) expressions: an inline `(?i)` is JavaScript's `i` flag. */
const goRegExp = (pattern: string, flags?: string): RegExp =>
    pattern.includes("(?i)") ? new RegExp(pattern.replace(/\(\?i\)/g, ""), `${flags ?? ""}i`) : new RegExp(pattern, flags);
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, code: { regExp: Object.assign(goRegExp, { code: "new RegExp" }) } });
const validators = new Map<string, ValidateFunction>();
const loaded = new Set<string>();

/** Every CRD in a folder of ../shared/crds, by `group/version/Kind`. */
function loadCrds(folder: string): void {
    const dir = path.join(CRD_ROOT, folder);
    if (!fs.existsSync(dir)) throw new Error(`the upstream CRDs are expected in ${dir} (../shared/crds beside this repository)`);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
        const crd = YAML.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Crd;
        for (const v of crd.spec.versions) {
            validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
        }
    }
}

/**
 * The problems of a custom resource (`{ apiVersion, kind, metadata, spec }`) against its upstream
 * CRD in `folder` (e.g. "karpenter-1.14.1"); an empty list when it is valid.
 */
export function crdProblems(folder: string, object: { apiVersion: string; kind: string; [k: string]: unknown }): string[] {
    if (!loaded.has(folder)) {
        loadCrds(folder);
        loaded.add(folder);
    }
    const validate = validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) throw new Error(`no CRD for ${object.apiVersion} ${object.kind} in ${folder}`);
    // The CRD's schema describes the whole object, whose metadata the API server fills in.
    const { metadata: _, ...rest } = object;
    return validate(rest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}

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
