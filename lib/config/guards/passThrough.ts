// Every value the platform passes on is judged: add-on Helm values overrides meet the same
// Kubernetes rules as the platform's own pods (no privileged or root security context, no host
// namespaces, pinned images, in a private environment only from the account's ECR), and nothing
// that looks like a credential travels in config: that lives in AWS Secrets Manager.
import { ecrImageLocation } from "../../images";
import { defaultEgress } from "../schema";
import { imageCacheOn } from "../registries";
import type { PartialConfig, Problem } from "./types";

type Path = (string | number)[];

/** Keys whose string value is a credential (`adminPassword`, `AWS_SECRET_ACCESS_KEY`, `apiKey`, `token`). */
const CREDENTIAL_KEY = /(pass(word|wd|phrase)|secret(_?access)?_?key|access_?key(_?id)?|api_?key|private_?key|secret|token|bearer|credentials?|signing_?key|encryption_?key|master_?key)$/i;
/** Keys that name where a credential is, not the credential: `existingSecret`, `passwordSecretRef`, `tokenFile`. */
const REFERENCE_KEY = /^existing|(ref|file|path|name|arn)$/i;

/** Values that are credentials whatever their key: AWS access keys, private keys, well-known token formats, URLs with a password. */
const CREDENTIAL_VALUES: { what: string; pattern: RegExp }[] = [
    { what: "an AWS access key id", pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/ },
    { what: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { what: "a GitHub token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
    { what: "a Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
    // Bounded where a long value could make the search quadratic (a hostile multi-megabyte value).
    { what: "a URL with a password", pattern: /\b[a-z][a-z0-9+.-]{0,30}:\/\/[^/\s:@]{1,256}:[^/\s@]{1,256}@/i },
    { what: "a password argument", pattern: /--?(password|passwd|token|secret|api-?key)[=\s]\S+/i },
];

const SECRETS_MANAGER = "keep it in AWS Secrets Manager (applications: platform:applications[].secrets; add-ons: the chart's existingSecret-style setting)";

/** Why a key and string value look like a credential, or undefined. */
export function credentialProblem(key: string, value: string): string | undefined {
    if (!value.trim() || value.startsWith("arn:")) return undefined;
    const known = CREDENTIAL_VALUES.find((c) => c.pattern.test(value));
    if (known) return `holds ${known.what}: ${SECRETS_MANAGER}`;
    if (CREDENTIAL_KEY.test(key) && !REFERENCE_KEY.test(key)) return `looks like a credential (${key}): ${SECRETS_MANAGER}`;
    return undefined;
}

interface Leaf { path: Path; key: string; value: unknown; parent: Record<string, unknown> }

function leaves(value: unknown, path: Path, key = "", parent: Record<string, unknown> = {}): Leaf[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i], key, parent));
    if (value && typeof value === "object") return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, [...path, k], k, value as Record<string, unknown>));
    return [{ path, key, value, parent }];
}

const isTrue = (v: unknown) => v === true || v === "true";
const isZero = (v: unknown) => v === 0 || v === "0";
const isFalse = (v: unknown) => v === false || v === "false";
const DANGEROUS_CAPABILITIES = ["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH", "BPF", "PERFMON"];

/** The platform's Kubernetes rules (policy/rules/kubernetes.ts) as they read one values leaf. */
function securityProblem(leaf: Leaf): string | undefined {
    const { key, value, path } = leaf;
    if (key === "privileged" && isTrue(value)) return "a privileged container can take over the node (rule k8s-no-privileged)";
    if (key === "allowPrivilegeEscalation" && isTrue(value)) return "lets a process gain more privileges than its parent (rule k8s-no-privileged)";
    if (["hostNetwork", "hostPID", "hostIPC"].includes(key) && isTrue(value)) return `${key} shares the node's namespaces (rule k8s-no-host-namespaces)`;
    if ((key === "runAsUser" || key === "runAsGroup") && isZero(value)) return `${key} 0 runs as root (rule k8s-non-root)`;
    if (key === "runAsNonRoot" && isFalse(value)) return "lets containers run as root (rule k8s-non-root)";
    const inAdd = path.length >= 2 && path[path.length - 2] === "add" && typeof value === "string";
    if (inAdd && path.includes("capabilities") && DANGEROUS_CAPABILITIES.includes(value.toUpperCase().replace(/^CAP_/, ""))) return `adds the ${value} capability (rule k8s-no-privileged)`;
    return undefined;
}

const registryOf = (reference: string): string | undefined => {
    const first = reference.split("/")[0];
    return reference.includes("/") && /[.:]/.test(first) ? first : undefined;
};

/** An image a values object sets: `image: "<ref>"`, or `{ registry?, repository, tag?, digest? }`. */
function imageProblems(values: Record<string, unknown>, at: Path, privateRegion: string | undefined): Problem[] {
    const problems: Problem[] = [];
    const visit = (v: unknown, path: Path) => {
        if (Array.isArray(v)) return v.forEach((x, i) => visit(x, [...path, i]));
        if (!v || typeof v !== "object") return;
        const o = v as Record<string, unknown>;
        if (typeof o.repository === "string") {
            const registry = typeof o.registry === "string" ? o.registry : registryOf(o.repository);
            const tag = typeof o.tag === "string" ? o.tag : undefined;
            const reference = `${registry && !o.repository.startsWith(registry) ? `${registry}/` : ""}${o.repository}${tag ? `:${tag}` : ""}`;
            if (tag === "latest" || tag === "") problems.push({ path: [...at, ...path, "tag"], message: `"${tag}" is a mutable tag: pin a version or a digest (rule k8s-pinned-images)` });
            if (privateRegion && registry !== undefined && !ecrImageLocation(`${registry}/x`)) {
                problems.push({ path: [...at, ...path, typeof o.registry === "string" ? "registry" : "repository"], message: `"${reference}" comes from a public registry, which a private environment cannot reach and whose tags can change: use the account's ECR in ${privateRegion} (the pull-through cache already serves the chart's images)` });
            }
        }
        for (const [k, x] of Object.entries(o)) {
            if (k === "image" && typeof x === "string") {
                const last = x.split("/").pop() ?? x;
                if (!x.includes("@sha256:") && (!last.includes(":") || last.endsWith(":latest"))) problems.push({ path: [...at, ...path, k], message: `"${x}" is not pinned (no tag, or latest): pin a version or a digest (rule k8s-pinned-images)` });
                if (privateRegion && ecrImageLocation(x)?.region !== privateRegion) problems.push({ path: [...at, ...path, k], message: `"${x}" is not in the account's ECR in ${privateRegion}: a private environment cannot pull it` });
            } else visit(x, [...path, k]);
        }
    };
    visit(values, []);
    return problems;
}

/** Every Helm values override of the config, with its key path. */
function valuesOverrides(c: PartialConfig): { at: Path; values: Record<string, unknown> }[] {
    const found: { at: Path; values: Record<string, unknown> }[] = [];
    if (c.karpenter) found.push({ at: ["karpenter", "values"], values: c.karpenter.values });
    for (const [name, addon] of Object.entries(c.addons ?? {})) {
        const a = addon as Record<string, unknown>;
        for (const key of ["values", "providerValues"]) {
            if (a[key] && typeof a[key] === "object") found.push({ at: ["addons", name, key], values: a[key] as Record<string, unknown> });
        }
    }
    return found;
}

/** Add-on values overrides: the platform's Kubernetes rules, image rules and no credentials. */
const addonValues = (c: PartialConfig): Problem[] => {
    const egress = c.tier ? (c.egress ?? defaultEgress(c.tier)) : undefined;
    const privateRegion = c.imageCache && egress && c.region && imageCacheOn(c.imageCache, egress) ? c.region : undefined;
    return valuesOverrides(c).flatMap(({ at, values }) => [
        ...leaves(values, at).flatMap((leaf): Problem[] => {
            const security = securityProblem(leaf);
            const credential = typeof leaf.value === "string" ? credentialProblem(leaf.key, leaf.value) : undefined;
            return [security, credential].filter((m): m is string => m !== undefined).map((message) => ({ path: leaf.path, message }));
        }),
        ...imageProblems(values, at, privateRegion),
    ]);
};

/** Applications' env, config, command and args carry no credentials; tags neither. */
const applicationValues = (c: PartialConfig): Problem[] => [
    ...(c.applications ?? []).flatMap((app, i) => {
        const at = (...p: Path): Path => ["applications", i, ...p];
        const pairs: { path: Path; key: string; value: string }[] = [
            ...Object.entries(app.env).map(([k, v]) => ({ path: at("env", k), key: k, value: v })),
            ...Object.entries(app.config).map(([k, v]) => ({ path: at("config", k), key: k, value: v })),
            ...(app.command ?? []).map((v, j) => ({ path: at("command", j), key: "", value: v })),
            ...(app.args ?? []).map((v, j) => ({ path: at("args", j), key: "", value: v })),
        ];
        return pairs.flatMap(({ path, key, value }) => {
            const problem = credentialProblem(key, value);
            return problem ? [{ path, message: `team ${app.team}: ${problem}` }] : [];
        });
    }),
    ...Object.entries(c.tags ?? {}).flatMap(([k, v]) => {
        const problem = credentialProblem(k, v);
        return problem ? [{ path: ["tags", k], message: problem }] : [];
    }),
];

export const PASS_THROUGH_RULES = [addonValues, applicationValues];
