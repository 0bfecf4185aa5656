// Reads an environment's config (from a Pulumi.<env>.yaml file or from the Pulumi runtime),
// validates it against the schema and the cross-field rules, and reports every problem at once.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { configSchema, tierDefaults, type PlatformConfig } from "./schema";
import { RULES, type PartialConfig, type Problem } from "./rules";
import { AWS_NAMESPACE, NAMESPACE, foreignKeyProblem } from "./namespaces";

export { NAMESPACE };

/** Settings of the AWS provider that the schema reads too (as `region`, `allowedAccountIds`). */
const AWS_SCHEMA_KEYS: readonly string[] = ["region", "allowedAccountIds"];

export class ConfigError extends Error {
    constructor(readonly source: string, readonly problems: string[]) {
        super(`invalid config in ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/** `platform:subnets.privatePrefixLength`, `platform:peerings[0].peerCidr`, `aws:region`. */
export function keyName(p: readonly PropertyKey[]): string {
    const [head, ...rest] = p;
    const root = `${AWS_SCHEMA_KEYS.includes(String(head)) ? AWS_NAMESPACE : NAMESPACE}:${String(head)}`;
    return root + rest.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("");
}

/** The name of a key of any namespace, with the path below it. */
function secretKeyName(key: string, at: (string | number)[]): string {
    if (key.startsWith(`${NAMESPACE}:`)) return keyName([key.slice(NAMESPACE.length + 1), ...at]);
    return key + keyName(["", ...at]).slice(`${NAMESPACE}:`.length);
}

function findSecrets(value: unknown, at: (string | number)[]): (string | number)[][] {
    if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, [...at, i]));
    if (value && typeof value === "object") {
        if ("secure" in value) return [at];
        return Object.entries(value).flatMap(([k, v]) => findSecrets(v, [...at, k]));
    }
    return [];
}

/**
 * Validates the `config:` map of a stack (keys such as `platform:vpcCidr` and `aws:region`).
 * Settings of the AWS provider are its own (`region` and `allowedAccountIds` the schema reads
 * too); a key of any other namespace would be ignored, so it is refused (lib/config/namespaces.ts).
 */
export function parseConfig(entries: Record<string, unknown>, env: string, source: string, today = new Date()): PlatformConfig {
    const problems: string[] = [];
    const raw: Record<string, unknown> = {};
    const awsSettings: Record<string, unknown> = {};
    const shape = configSchema.shape as Record<string, (typeof configSchema.shape)[keyof typeof configSchema.shape]>;
    for (const [key, value] of Object.entries(entries)) {
        for (const at of findSecrets(value, [])) {
            problems.push(`${secretKeyName(key, at)}: holds a secret, but environment files hold no secrets (several stacks read them); generate it or read it from AWS Secrets Manager`);
        }
        if (key.startsWith(`${NAMESPACE}:`)) {
            const name = key.slice(NAMESPACE.length + 1);
            if (AWS_SCHEMA_KEYS.includes(name) || !Object.hasOwn(shape, name)) problems.push(`${key}: is not a known setting (see the config reference in README.md)`);
            else raw[name] = value;
        } else if (key.startsWith(`${AWS_NAMESPACE}:`) && AWS_SCHEMA_KEYS.includes(key.slice(AWS_NAMESPACE.length + 1))) {
            raw[key.slice(AWS_NAMESPACE.length + 1)] = value;
        } else {
            const problem = foreignKeyProblem(key);
            if (problem) problems.push(`${key}: ${problem}`);
            else if (key.startsWith(`${AWS_NAMESPACE}:`)) awsSettings[key.slice(AWS_NAMESPACE.length + 1)] = value;
        }
    }

    const valid: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(shape)) {
        const result = schema.safeParse(raw[name]);
        if (result.success) valid[name] = result.data;
        else {
            for (const issue of result.error.issues) {
                if (issue.code === "unrecognized_keys") {
                    problems.push(...issue.keys.map((k) => `${keyName([name, ...issue.path, k])}: is not a known setting`));
                    continue;
                }
                const message = raw[name] === undefined && issue.path.length === 0 ? "is required" : issue.message;
                problems.push(`${keyName([name, ...issue.path])}: ${message}`);
            }
        }
    }
    const ruleProblems: Problem[] = RULES.flatMap((rule) => rule(valid as PartialConfig, { today, env }));
    problems.push(...ruleProblems.map((p) => `${keyName(p.path)}: ${p.message}`));
    if (problems.length > 0) throw new ConfigError(source, problems);
    const config = tierDefaults(configSchema.parse(raw), env);
    return Object.keys(awsSettings).length > 0 ? { ...config, awsSettings } : config;
}

/** The environment name of a `Pulumi.<env>.yaml` file. */
export function envOfFile(file: string): string {
    const match = /^Pulumi\.([^.]+)\.ya?ml$/.exec(path.basename(file));
    if (!match) throw new ConfigError(file, ["an environment file is named Pulumi.<env>.yaml"]);
    return match[1];
}

/** Aliases a file may expand (the yaml library's default): more is an alias bomb, not a config. */
const MAX_ALIAS_COUNT = 100;

/**
 * The `config:` map of an environment file. Whatever the YAML parser refuses (tab indentation, a
 * duplicate key, an alias bomb) is a config error naming the line, like every other problem.
 */
export function readConfigEntries(file: string, text: string): Record<string, unknown> {
    const lines = new YAML.LineCounter();
    const doc = YAML.parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const at = (offset: number) => {
        const { line, col } = lines.linePos(offset);
        return `line ${line}, column ${col}`;
    };
    if (doc.errors.length > 0) {
        throw new ConfigError(file, doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split("\n")[0]}`));
    }
    let value: unknown;
    try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
        let alias: number | undefined;
        YAML.visit(doc, { Alias: (_, node) => { alias ??= node.range?.[0]; return YAML.visit.BREAK; } });
        throw new ConfigError(file, [`${alias === undefined ? "" : `${at(alias)}: `}${(err as Error).message}`]);
    }
    if (value === null || value === undefined) return {};
    const config = (value as { config?: unknown }).config;
    if (typeof value !== "object" || Array.isArray(value) || (config !== undefined && (config === null || typeof config !== "object" || Array.isArray(config)))) {
        throw new ConfigError(file, ["an environment file is a map with a `config:` map of settings (platform:<key>: <value>)"]);
    }
    return (config ?? {}) as Record<string, unknown>;
}

export function loadConfigFile(file: string): PlatformConfig {
    const env = envOfFile(file);
    if (!fs.existsSync(file)) throw new ConfigError(file, ["no such environment file"]);
    return parseConfig(readConfigEntries(file, fs.readFileSync(file, "utf8")), env, file);
}

/** Under `pulumi up`/`preview`: the stack's config as the engine passes it (strings, objects as JSON). */
export function loadPulumiConfig(all: Record<string, string>, env: string, isSecret: (key: string) => boolean): PlatformConfig {
    const entries: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(all)) {
        if (isSecret(key)) entries[key] = { secure: "[secret]" };
        else entries[key] = /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
    }
    return parseConfig(entries, env, `stack ${env}`);
}
