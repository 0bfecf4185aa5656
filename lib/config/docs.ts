// The config reference (docs/config-reference.md), generated from the schema.
// `npm run docs` rewrites it; a test fails when it is stale.
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { configSchema } from "./schema";
import { keyName } from "./load";
import { REPO_ROOT } from "../layers";

interface JsonSchema {
    type?: string | string[];
    enum?: unknown[];
    items?: JsonSchema;
    properties?: Record<string, JsonSchema>;
    required?: string[];
    additionalProperties?: JsonSchema | boolean;
    default?: unknown;
    description?: string;
    minimum?: number;
    maximum?: number;
    minItems?: number;
    maxItems?: number;
    anyOf?: JsonSchema[];
}

export const REFERENCE_FILE = path.join(REPO_ROOT, "docs", "config-reference.md");

function typeOf(s: JsonSchema): string {
    if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
    if (s.anyOf) return s.anyOf.map(typeOf).join(" \\| ");
    if (s.type === "array") return `list of ${s.items ? typeOf(s.items) : "any"}`;
    if (s.type === "object" && !s.properties && typeof s.additionalProperties === "object") return `map of ${typeOf(s.additionalProperties)}`;
    const range = s.minimum !== undefined || s.maximum !== undefined ? ` (${s.minimum ?? ""}..${s.maximum ?? ""})` : "";
    return `${String(s.type ?? "any")}${range}`;
}

function rows(s: JsonSchema, at: (string | number)[], required: boolean): string[] {
    const fmtDefault = s.default === undefined ? (required ? "**required**" : "") : `\`${JSON.stringify(s.default)}\``;
    const key = keyName(at).replace(/\.\[\]/g, "[]");
    if (s.type === "object" && s.properties) {
        const nested = Object.entries(s.properties).flatMap(([k, v]) => rows(v, [...at, k], (s.required ?? []).includes(k) && v.default === undefined));
        return [`| \`${key}\` | object | ${required && s.default === undefined ? "**required**" : ""} | ${s.description ?? ""} |`, ...nested];
    }
    if (s.type === "array" && s.items?.properties) {
        const item = s.items;
        const nested = Object.entries(item.properties ?? {}).flatMap(([k, v]) => rows(v, [...at, "[]", k], (item.required ?? []).includes(k) && v.default === undefined));
        return [`| \`${key}\` | list of objects | ${fmtDefault} | ${s.description ?? ""} |`, ...nested];
    }
    return [`| \`${key}\` | ${typeOf(s)} | ${fmtDefault} | ${(s.description ?? "").replace(/\|/g, "\\|")} |`];
}

export function configReference(): string {
    // Output mode carries the defaults; input mode says which keys a user must write.
    const schema = z.toJSONSchema(configSchema, { io: "output", unrepresentable: "any" }) as JsonSchema;
    const required = (z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema).required ?? [];
    const body = Object.entries(schema.properties ?? {}).flatMap(([k, v]) => rows(v, [k], required.includes(k)));
    return [
        "# Config reference",
        "",
        "Every setting of an environment, in the root `Pulumi.<env>.yaml` (all layers of an environment read the same file).",
        "Generated from `lib/config/schema.ts` by `npm run docs`; do not edit by hand.",
        "",
        "| key | type | default | description |",
        "| --- | --- | --- | --- |",
        ...body,
        "",
    ].join("\n");
}

if (require.main === module) {
    if (process.argv.includes("--write")) {
        fs.mkdirSync(path.dirname(REFERENCE_FILE), { recursive: true });
        fs.writeFileSync(REFERENCE_FILE, configReference());
        console.log(`wrote ${path.relative(process.cwd(), REFERENCE_FILE)}`);
    } else {
        process.stdout.write(configReference());
    }
}
