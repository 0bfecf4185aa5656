// Custom resources checked against their upstream CRDs (../shared/crds/<folder>/*.yaml): the
// schema of the object's version, as the API server would validate it. Used by the tests and the
// chart-truth play (a chart's values that are a custom resource's spec).
import Ajv, { type ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "./layers";

const SHARED_CRDS = path.resolve(REPO_ROOT, "..", "shared", "crds");

/** ../shared/crds beside the repository (as in CI), else what scripts/crds.sh fetched into .fixtures/crds (a user's own clone). */
export const CRD_ROOT = fs.existsSync(SHARED_CRDS) ? SHARED_CRDS : path.resolve(REPO_ROOT, ".fixtures", "crds");

interface Crd {
    spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: object } }[] };
}

/** CRD patterns are Go (RE2) expressions: an inline `(?i)` is JavaScript's `i` flag. */
const goRegExp = (pattern: string, flags?: string): RegExp =>
    pattern.includes("(?i)") ? new RegExp(pattern.replace(/\(\?i\)/g, ""), `${flags ?? ""}i`) : new RegExp(pattern, flags);
// No optimization passes over the generated code: they are most of compiling a schema as large as
// Calico's Installation (a third of a second per process), and validate nothing more.
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, code: { optimize: false, regExp: Object.assign(goRegExp, { code: "new RegExp" }) } });
const validators = new Map<string, ValidateFunction>();

/** Each folder's schemas by `<group>/<version>/<kind>`, read once; a schema is compiled on its first use. */
const folders = new Map<string, Map<string, object>>();

function schemasOf(dir: string): Map<string, object> {
    let schemas = folders.get(dir);
    if (schemas) return schemas;
    if (!fs.existsSync(dir)) throw new Error(`the upstream CRDs are expected in ${dir} (../shared/crds beside this repository; scripts/test-fixtures.sh fetches them)`);
    schemas = new Map();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
        const crd = YAML.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Crd;
        for (const v of crd.spec.versions) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
    folders.set(dir, schemas);
    return schemas;
}

function validatorOf(dir: string, apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${dir}|${apiVersion}/${kind}`;
    if (!validators.has(key)) {
        const schema = schemasOf(dir).get(`${apiVersion}/${kind}`);
        if (!schema) return undefined;
        validators.set(key, ajv.compile(schema));
    }
    return validators.get(key);
}

/**
 * The problems of a custom resource (`{ apiVersion, kind, metadata, spec }`) against its upstream
 * CRD in `folder` (e.g. "karpenter-1.14.1"); an empty list when it is valid.
 */
export function crdProblems(folder: string, object: { apiVersion: string; kind: string; [k: string]: unknown }, root = CRD_ROOT): string[] {
    const validate = validatorOf(path.join(root, folder), object.apiVersion, object.kind);
    if (!validate) throw new Error(`no CRD for ${object.apiVersion} ${object.kind} in ${folder}`);
    // The CRD's schema describes the whole object, whose metadata the API server fills in.
    const { metadata: _, ...rest } = object;
    return validate(rest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
