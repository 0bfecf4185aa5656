// Custom resources checked against their upstream CRDs (../shared/crds/<folder>/*.yaml): the
// schema of the object's version, as the API server would validate it. Used by the tests and the
// chart-truth play (a chart's values that are a custom resource's spec).
import Ajv, { type ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./layers";
import { readYamlFile } from "./yamlFile";

const SHARED_CRDS = path.resolve(REPO_ROOT, "..", "shared", "crds");

/** ../shared/crds beside the repository (as in CI), else what scripts/crds.sh fetched into .fixtures/crds (a user's own clone). */
export const CRD_ROOT = fs.existsSync(SHARED_CRDS) ? SHARED_CRDS : path.resolve(REPO_ROOT, ".fixtures", "crds");

interface Crd {
    spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: object } }[] };
}

/** CRD patterns are Go (RE2) expressions: an inline `(?i)` is JavaScript's `i` flag. */
const goRegExp = (pattern: string, flags?: string): RegExp =>
    pattern.includes("(?i)") ? new RegExp(pattern.replace(/\(\?i\)/g, ""), `${flags ?? ""}i`) : new RegExp(pattern, flags);
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, code: { regExp: Object.assign(goRegExp, { code: "new RegExp" }) } });
/** Compiled schemas, by the (pruned) schema's text. */
const validators = new Map<string, ValidateFunction>();

type Schema = Record<string, unknown>;
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Each folder's schemas by `<group>/<version>/<kind>`, read once. */
const folders = new Map<string, Map<string, Schema>>();

function schemasOf(dir: string): Map<string, Schema> {
    let schemas = folders.get(dir);
    if (schemas) return schemas;
    if (!fs.existsSync(dir)) throw new Error(`the upstream CRDs are expected in ${dir} (../shared/crds beside this repository; scripts/test-fixtures.sh fetches them)`);
    schemas = new Map();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
        const crd = readYamlFile(path.join(dir, file)) as Crd;
        for (const v of crd.spec.versions) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema as Schema);
    }
    folders.set(dir, schemas);
    return schemas;
}

/**
 * The part of a schema that the given values reach: `properties` only for the keys some value has,
 * `items` and `additionalProperties` for the elements and entries they hold; every other keyword
 * (type, required, enum, pattern, x-kubernetes-*, ...) is kept as it is. Validating the values
 * against it finds exactly what the whole schema would, and compiles in milliseconds where the whole
 * of Calico's Installation (1.4 MB of schema) takes a second and 70 MiB.
 */
export function reachedSchema(schema: unknown, values: unknown[]): unknown {
    if (!isMap(schema)) return schema;
    const out: Schema = { ...schema };
    const maps = values.filter(isMap);
    if (isMap(schema.properties)) {
        const properties = schema.properties;
        out.properties = Object.fromEntries(
            Object.keys(properties)
                .filter((key) => maps.some((m) => key in m))
                .map((key) => [key, reachedSchema(properties[key], maps.filter((m) => key in m).map((m) => m[key]))]),
        );
    }
    if (isMap(schema.additionalProperties)) {
        const known = new Set(Object.keys(isMap(schema.properties) ? schema.properties : {}));
        out.additionalProperties = reachedSchema(schema.additionalProperties, maps.flatMap((m) => Object.entries(m).filter(([k]) => !known.has(k)).map(([, v]) => v)));
    }
    if (schema.items !== undefined) out.items = reachedSchema(schema.items, values.filter(Array.isArray).flat());
    for (const combinator of ["allOf", "anyOf", "oneOf"]) {
        const branches = schema[combinator];
        if (Array.isArray(branches)) out[combinator] = branches.map((b) => reachedSchema(b, values));
    }
    if (schema.not !== undefined) out.not = reachedSchema(schema.not, values);
    return out;
}

function validatorOf(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (!validate) validators.set(key, (validate = ajv.compile(schema as Schema)));
    return validate;
}

/**
 * The problems of a custom resource (`{ apiVersion, kind, metadata, spec }`) against its upstream
 * CRD in `folder` (e.g. "karpenter-1.14.1"); an empty list when it is valid.
 */
export function crdProblems(folder: string, object: { apiVersion: string; kind: string; [k: string]: unknown }, root = CRD_ROOT): string[] {
    const schema = schemasOf(path.join(root, folder)).get(`${object.apiVersion}/${object.kind}`);
    if (!schema) throw new Error(`no CRD for ${object.apiVersion} ${object.kind} in ${folder}`);
    // The CRD's schema describes the whole object, whose metadata the API server fills in.
    const { metadata: _, ...rest } = object;
    const validate = validatorOf(reachedSchema(schema, [rest]));
    return validate(rest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
