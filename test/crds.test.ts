// Custom resources checked against the part of their CRD schema the object reaches (lib/crds.ts), and
// large YAML files read through the JSON cache (lib/yamlFile.ts): both must find exactly what the
// whole schema and the YAML parser find.
import { strict as assert } from "assert";
import Ajv from "ajv";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import * as YAML from "yaml";
import { CRD_ROOT, crdProblems, reachedSchema } from "../lib/crds";
import { readYamlFile } from "../lib/yamlFile";
import { PlanView } from "../plays/view";
import { synthEnv } from "./helpers";

const KARPENTER = path.join(CRD_ROOT, "karpenter-1.14.1");
const nodePoolSchema = () =>
    (YAML.parse(fs.readFileSync(path.join(KARPENTER, "karpenter.sh_nodepools.yaml"), "utf8")) as { spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] } })
        .spec.versions.find((v) => v.name === "v1")!.schema.openAPIV3Schema;

/** Values of every kind, including the wrong ones. */
const junk = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }));

/** A change at some path of an object: replaced by junk, removed, or given an unknown key. */
function mutated(object: Record<string, unknown>, pick: number, action: number, value: unknown): Record<string, unknown> {
    const copy = structuredClone(object);
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, at: (string | number)[]) => {
        paths.push(at);
        if (v && typeof v === "object") for (const [k, child] of Object.entries(v)) walk(child, [...at, Array.isArray(v) ? Number(k) : k]);
    };
    walk(copy.spec, ["spec"]);
    const at = paths[pick % paths.length];
    let holder = copy as Record<string | number, unknown>;
    for (const step of at.slice(0, -1)) holder = holder[step] as Record<string | number, unknown>;
    const last = at[at.length - 1];
    if (action === 0) holder[last] = value;
    else if (action === 1) delete holder[last];
    else if (holder[last] && typeof holder[last] === "object" && !Array.isArray(holder[last])) (holder[last] as Record<string, unknown>).unknownKey = value;
    else holder[last] = [holder[last]];
    return copy;
}

describe("CRD checks: the schema an object reaches (lib/crds.ts)", () => {
    it("finds exactly what the whole schema finds, for prod's NodePools and any change to them", async () => {
        const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
        const whole = ajv.compile(nodePoolSchema());
        const pools = new PlanView(await synthEnv("prod")).manifests().map((m) => m.manifest).filter((m) => m.kind === "NodePool");
        assert.ok(pools.length > 0);
        const errors = (validate: ReturnType<typeof ajv.compile>, o: unknown) => (validate(o) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).sort());
        let invalid = 0;
        fc.assert(
            fc.property(fc.constantFrom(...pools), fc.nat(), fc.integer({ min: 0, max: 3 }), junk, (pool, pick, action, value) => {
                const { metadata: _, ...object } = mutated(pool as Record<string, unknown>, pick, action, value);
                const expected = errors(whole, object);
                if (expected.length > 0) invalid++;
                assert.deepEqual(errors(ajv.compile(reachedSchema(nodePoolSchema(), [object]) as object), object), expected);
            }),
            { numRuns: 150, seed: 20261130 },
        );
        assert.ok(invalid > 30, `only ${invalid} of the changes were invalid: the check compares too little`);
    });

    it("keeps what applies to the values it has: required keys, types, enums, patterns", () => {
        const pruned = reachedSchema(nodePoolSchema(), [{ spec: { template: { spec: { expireAfter: "720h" } } } }]) as { properties: Record<string, unknown> };
        assert.deepEqual(Object.keys(pruned.properties), ["spec"]);
        assert.deepEqual(crdProblems("karpenter-1.14.1", { apiVersion: "karpenter.sh/v1", kind: "NodePool", spec: { template: { spec: { expireAfter: "soon" } } } }).length > 0, true);
    });
});

describe("large YAML files through the JSON cache (lib/yamlFile.ts)", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "yaml-file-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("gives what YAML.parse gives, again after a change to the file", () => {
        const file = path.join(dir, "values.yaml");
        fs.writeFileSync(file, "a: 1\nb: [x, {c: true}]\n");
        assert.deepEqual(readYamlFile(file), { a: 1, b: ["x", { c: true }] });
        assert.deepEqual(readYamlFile(file), { a: 1, b: ["x", { c: true }] });
        fs.writeFileSync(file, "a: 2\nb: changed and longer\n");
        assert.deepEqual(readYamlFile(file), { a: 2, b: "changed and longer" });
    });

    it("keeps what JSON cannot hold exactly (.inf, .nan) as the parser gives it", () => {
        const file = path.join(dir, "odd.yaml");
        fs.writeFileSync(file, "max: .inf\nnothing: .nan\n");
        for (let i = 0; i < 2; i++) {
            const parsed = readYamlFile(file) as { max: number; nothing: number };
            assert.equal(parsed.max, Infinity);
            assert.ok(Number.isNaN(parsed.nothing));
        }
    });
});
