// Bad input, generated: malformed and hostile configs (wrong types, overlapping or tiny CIDRs,
// unknown keys, negative sizes, absurd versions, unsafe settings) are each rejected with a message
// that names a key, before any resource is registered, and never crash the loader.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import * as YAML from "yaml";
import { ConfigError, parseConfig } from "../lib/config/load";
import { MockEngine } from "../synth/engine";
import { synthesize } from "../synth/synth";
import { REPO_ROOT, TEST_DAY } from "./helpers";
import { ESCALATING_STATEMENTS } from "./hostileStatements";

type Entries = Record<string, unknown>;

/** A change that makes a valid config invalid, and the keys a good error may name. */
interface Mutation {
    what: string;
    keys: string[];
    apply(entries: Entries): void;
    /** The environment's name instead of the file's (names are config too: they go into bucket names). */
    env?: string;
}

const envEntries = (env: string): Entries =>
    (YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${env}.yaml`), "utf8")) as { config: Entries }).config;

const BASES = { dev: envEntries("dev"), prod: envEntries("prod") };

/** Sets a value at a path below a key, making containers on the way (over whatever an earlier mutation left). */
function put(entries: Entries, key: string, path: (string | number)[], value: unknown): void {
    let holder = entries as Record<string | number, unknown>;
    const steps = [key, ...path];
    for (const [i, step] of steps.slice(0, -1).entries()) {
        const current = holder[step];
        holder = (current && typeof current === "object" ? current : (holder[step] = typeof steps[i + 1] === "number" ? [] : {})) as Record<string | number, unknown>;
    }
    holder[steps[steps.length - 1]] = value;
}

const mutation = (what: string, keys: string[], apply: (e: Entries) => void, env?: string): Mutation => ({ what, keys, apply, env });

/** Values of the wrong shape, including hostile ones. */
const junk = fc.oneof(
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.double({ noNaN: false }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom("", " ", "\u0000", "💥", "'; DROP TABLE", "${env:HOME}", "../../etc/passwd", "x".repeat(5000)),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

const STRING_KEYS = ["platform:vpcCidr", "platform:serviceCidr", "platform:name", "platform:tier", "platform:egress", "platform:kubernetesVersion", "platform:authenticationMode", "aws:region"];

const wrongType = fc.tuple(fc.constantFrom(...STRING_KEYS), junk.filter((v) => typeof v !== "string" || !/^[a-z0-9.\-/]+$/.test(v)))
    .map(([key, value]) => mutation(`${key} = ${JSON.stringify(value)?.slice(0, 40)}`, [key], (e) => put(e, key, [], value)));

const wrongStructure = fc.tuple(fc.constantFrom("platform:availabilityZones", "platform:peerings", "platform:nodeGroups", "platform:endpoint", "platform:subnets", "platform:karpenter", "platform:access"), fc.oneof(fc.integer(), fc.constantFrom("yes", "[]", "{}"), fc.boolean()))
    .map(([key, value]) => mutation(`${key} = ${JSON.stringify(value)}`, [key], (e) => put(e, key, [], value)));

const ident = fc.stringMatching(/^[a-zA-Z_$][a-zA-Z0-9_$]{0,12}$/);
const unknownKey = fc.oneof(
    ident.filter((k) => !(`platform:${k}` in BASES.prod) && !(`platform:${k}` in BASES.dev)).map((k) => mutation(`unknown platform:${k}`, [`platform:${k}`], (e) => put(e, `platform:${k}`, [], 1))),
    fc.constantFrom("__proto__", "constructor", "prototype").map((k) =>
        mutation(`hostile key platform:${k}`, [`platform:${k}`], (e) => Object.assign(e, JSON.parse(`{"platform:${k}": {"polluted": true}}`)))),
    ident.map((k) => mutation(`unknown platform:endpoint.${k}_x`, [`platform:endpoint.${k}_x`], (e) => put(e, "platform:endpoint", [`${k}_x`], true))),
);

const octet = fc.integer({ min: 0, max: 255 });
const cidrs = fc.oneof(
    // Tiny VPCs: no room for the subnet plan.
    fc.tuple(octet, fc.integer({ min: 23, max: 32 })).map(([a, len]) => mutation(`tiny VPC 10.${a}.0.0/${len}`, ["platform:vpcCidr", "platform:subnets", "platform:capacity"], (e) => put(e, "platform:vpcCidr", [], `10.${a}.0.0/${len}`))),
    // The service CIDR inside the VPC.
    fc.constant(mutation("service CIDR overlaps the VPC", ["platform:serviceCidr", "platform:vpcCidr"], (e) => put(e, "platform:serviceCidr", [], e["platform:vpcCidr"]))),
    // A peer that is the VPC itself.
    fc.constant(mutation("peer CIDR overlaps the VPC", ["platform:peerings", "platform:vpcCidr"], (e) => put(e, "platform:peerings", [0, "peerCidr"], e["platform:vpcCidr"]))),
    // Not a CIDR at all, or host bits set.
    fc.constantFrom("10.0.0.0/33", "300.1.1.0/24", "10.0.0.1/16", "fe80::/10x", "10.0.0.0").map((c) => mutation(`vpcCidr ${c}`, ["platform:vpcCidr"], (e) => put(e, "platform:vpcCidr", [], c))),
);

const negative = fc.integer({ min: -1e6, max: -1 });
const sizes = fc.oneof(
    negative.map((n) => mutation(`capacity.maxNodes ${n}`, ["platform:capacity"], (e) => put(e, "platform:capacity", ["maxNodes"], n))),
    negative.map((n) => mutation(`flowLogs.retentionDays ${n}`, ["platform:flowLogs"], (e) => put(e, "platform:flowLogs", ["retentionDays"], n))),
    negative.map((n) => mutation(`karpenter.osVolumeGiB ${n}`, ["platform:karpenter"], (e) => put(e, "platform:karpenter", ["osVolumeGiB"], n))),
    negative.map((n) => mutation(`karpenter.nodePools[0].limits.cpu ${n}`, ["platform:karpenter"], (e) => put(e, "platform:karpenter", ["nodePools", 0, "limits", "cpu"], n))),
    negative.map((n) => mutation(`coredns.minReplicas ${n}`, ["platform:coredns"], (e) => put(e, "platform:coredns", ["minReplicas"], n))),
    fc.double({ min: 0.01, max: 0.99, noNaN: true }).map((n) => mutation(`capacity.maxPods ${n}`, ["platform:capacity"], (e) => put(e, "platform:capacity", ["maxPods"], n))),
);

const versions = fc.oneof(
    fc.constantFrom("1.99", "0.1", "latest", "v1.35", "1.35.0", "2", "1.20").map((v) => mutation(`kubernetesVersion ${v}`, ["platform:kubernetesVersion"], (e) => put(e, "platform:kubernetesVersion", [], v))),
    fc.constantFrom("latest", "^1.14.0", "~1.14", "1.x", "", "0.16.0", "1.0.0").map((v) => mutation(`karpenter.version ${v}`, ["platform:karpenter"], (e) => put(e, "platform:karpenter", ["version"], v))),
    fc.tuple(fc.constantFrom("monitoring", "loki", "kubecost", "ingressNginx"), fc.constantFrom("latest", ">=1.0.0", "*", "1.x", "not-a-version")).map(([addon, v]) =>
        mutation(`addons.${addon}.version ${v}`, ["platform:addons"], (e) => put(e, "platform:addons", [addon, "version"], v))),
);

const unsafe = fc.oneof(
    fc.constant(mutation("production API endpoint open to the internet", ["platform:endpoint"], (e) => {
        put(e, "platform:tier", [], "production");
        put(e, "platform:endpoint", ["publicAccess"], true);
        put(e, "platform:endpoint", ["publicAccessCidrs"], ["0.0.0.0/0"]);
    })),
    fc.constant(mutation("public endpoint without an allow list", ["platform:endpoint"], (e) => {
        put(e, "platform:endpoint", ["publicAccess"], true);
        put(e, "platform:endpoint", ["publicAccessCidrs"], []);
    })),
    fc.constant(mutation("no egress and no interface endpoints", ["platform:vpcEndpoints", "platform:egress"], (e) => {
        put(e, "platform:egress", [], "none");
        put(e, "platform:vpcEndpoints", ["interface"], false);
    })),
    fc.constantFrom("privileged", "hostNetwork", "hostPID", "hostIPC", "runAsRoot").map((key) =>
        mutation(`an application with ${key}: true`, ["platform:applications"], (e) => {
            put(e, "platform:applications", [0], { ...((BASES.prod["platform:applications"] as Entries[])[0]), [key]: true });
            put(e, "platform:access", [], BASES.prod["platform:access"]);
            put(e, "platform:teams", [], BASES.prod["platform:teams"]);
        })),
    fc.constant(mutation("a secret in the environment file", ["platform:tags"], (e) => put(e, "platform:tags", [], { Owner: { secure: "AAABAKx..." } }))),
);

// --- issue 18: guard rails that hold against a careless or hostile file, each class by effect ---

const SETTLE = 1; // payments-settle, the cronjob with an IAM role, in both files
const statementAt = (e: Entries, statement: Entries) => put(e, "platform:applications", [SETTLE, "serviceAccount", "iamStatements"], [statement]);
const iamByEffect = fc.oneof(
    fc.constantFrom<[string[], string]>(
        ...ESCALATING_STATEMENTS,
        [["s3:*"], "*"],
        [["s3:GetObject"], "arn:aws:s3:::*"],
        [["secretsmanager:GetSecretValue"], "*"],
        [["s3:GetObjekt"], "arn:aws:s3:::acme-dev-payments-x/*"],
        [["ec2:RunInstancez"], "*"],
    ).map(([actions, resource]) => mutation(`an application allowed ${actions.join(", ")} on ${resource}`, ["platform:applications[1].serviceAccount.iamStatements"], (e) => statementAt(e, { actions, resources: [resource] }))),
    fc.constantFrom("AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonS3FullAccess", "SecretsManagerReadWrite", "AmazonEKSClusterPolicy").map((name) =>
        mutation(`an application given the managed policy ${name}`, ["platform:applications[1].serviceAccount.iamPolicyArns"], (e) => put(e, "platform:applications", [SETTLE, "serviceAccount", "iamPolicyArns"], [`arn:aws:iam::aws:policy/${name}`]))),
    fc.constant(mutation("an application reading another team's secret", ["platform:applications[2].secrets"], (e) => put(e, "platform:applications", [2, "secrets"], [{ name: "k", secretsManagerName: "prod/payments/processor-api-key" }]))),
);

const productionPromise = fc.constantFrom(
    mutation("a production-tagged environment made development", ["platform:tier"], (e) => {
        put(e, "platform:tier", [], "development");
        put(e, "platform:tags", ["Environment"], "production");
    }),
    mutation("production with a public API endpoint and no exception", ["platform:endpoint", "platform:egress", "platform:imageCache", "platform:applications"], (e) => {
        put(e, "platform:tier", [], "production");
        put(e, "platform:endpoint", [], { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
    }),
    mutation("production with internet egress and no exception", ["platform:egress"], (e) => {
        put(e, "platform:tier", [], "production");
        put(e, "platform:egress", [], "nat-per-az");
    }),
    mutation("an exception without a reason", ["platform:productionExceptions"], (e) => put(e, "platform:productionExceptions", [], { internetEgress: { reason: "" } })),
);

const passedOn = fc.oneof(
    fc.constantFrom<[string, (string | number)[], unknown]>(
        ["kubecost", ["networkCosts", "privileged"], true],
        ["metricsServer", ["securityContext", "runAsUser"], 0],
        ["monitoring", ["prometheus", "prometheusSpec", "securityContext", "runAsNonRoot"], false],
        ["loadBalancerController", ["hostNetwork"], true],
        ["monitoring", ["grafana", "adminPassword"], "hunter2hunter2"],
        ["loki", ["storage", "s3", "accessKeyId"], "AKIAIOSFODNN7EXAMPLE"],
        ["metricsServer", ["image"], { repository: "docker.io/bitnami/metrics-server", tag: "latest" }],
    ).map(([addon, at, value]) => mutation(`add-on ${addon} values ${at.join(".")} = ${JSON.stringify(value)}`, [`platform:addons.${addon}.values`], (e) => put(e, "platform:addons", [addon, "values", ...at], value))),
    fc.constant(mutation("Karpenter values on the host network", ["platform:karpenter.values"], (e) => put(e, "platform:karpenter", ["values", "hostNetwork"], true))),
    fc.constantFrom(["env", "DB_PASSWORD", "s3cr3t"], ["env", "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"], ["config", "API_KEY", "abc123"], ["env", "DSN", "postgres://app:pw@db:5432/app"]).map(([where, key, value]) =>
        mutation(`an application's ${where} ${key}`, [`platform:applications[0].${where}`], (e) => put(e, "platform:applications", [0, where, key], value))),
);

const tenancy = fc.oneof(
    fc.constantFrom("kube-system", "default", "karpenter", "kube-public", "monitoring", "search").map((ns) =>
        mutation(`team payments given the namespace ${ns}`, ["platform:access.teams[0].namespaces", "platform:applications"], (e) => put(e, "platform:access", ["teams", 0, "namespaces"], [ns]))),
    fc.constantFrom("system-node-critical", "system-cluster-critical").map((pc) => mutation(`an application with priority ${pc}`, ["platform:applications[2].priorityClass"], (e) => put(e, "platform:applications", [2, "priorityClass"], pc))),
    fc.constantFrom("0.0.0.0/0", "0.0.0.0/1", "0.0.0.0/4").map((c) => mutation(`team egress to ${c}`, ["platform:teams[0].network.egressCidrs"], (e) => put(e, "platform:teams", [0, "network", "egressCidrs"], [c]))),
    fc.constantFrom("0.0.0.0/0", "0.0.0.0/2").map((c) => mutation(`VPN range ${c}`, ["platform:endpoint.vpnCidrs"], (e) => put(e, "platform:endpoint", ["vpnCidrs"], [c]))),
    fc.integer({ min: 5000, max: 100000 }).map((cpu) => mutation(`Karpenter's default pool limited to ${cpu} CPUs`, ["platform:karpenter.nodePools[0].limits"], (e) => put(e, "platform:karpenter", ["nodePools", 0, "limits"], { cpu, memoryGiB: cpu * 4 }))),
);

const lateRefusals = fc.oneof(
    fc.constantFrom("61 2 * * *", "0 24 * * *", "* * * *", "0 0 0 * *", "0 0 * 13 *", "0 0 * * 8", "TZ=UTC 0 0 * * *", "@fortnightly").map((s) =>
        mutation(`cron schedule ${s}`, ["platform:applications[1].cronjob.schedule"], (e) => put(e, "platform:applications", [SETTLE, "cronjob", "schedule"], s))),
    fc.constantFrom("Mars/Olympus", "Europe/Atlantis", "UTC+1", "").map((z) => mutation(`time zone ${JSON.stringify(z)}`, ["platform:applications[1].cronjob.timeZone"], (e) => put(e, "platform:applications", [SETTLE, "cronjob", "timeZone"], z))),
    fc.constantFrom<Entries>({ nodes: "0", schedule: "0 7 * * mon-fri" }, { nodes: "0", duration: "8h" }, { nodes: "0", schedule: "weekdays", duration: "8h" }, { nodes: "0", schedule: "0 7 * * 9", duration: "8h" }).map((b) =>
        mutation(`NodePool budget ${JSON.stringify(b)}`, ["platform:karpenter.nodePools[0].budgets"], (e) => put(e, "platform:karpenter", ["nodePools", 0, "budgets"], [b]))),
    fc.constantFrom<[unknown, unknown]>([0, 0], ["0%", 0], [0, "0%"]).map(([maxSurge, maxUnavailable]) =>
        mutation(`rollout maxSurge ${String(maxSurge)} maxUnavailable ${String(maxUnavailable)}`, ["platform:applications[0].rollout"], (e) => put(e, "platform:applications", [0, "rollout"], { maxSurge, maxUnavailable }))),
    fc.constant(mutation("one role in two access entries", ["platform:access.readOnly"], (e) => put(e, "platform:access", ["readOnly"], ["arn:aws:iam::111122223333:role/platform-admin"]))),
    fc.constantFrom<[string, string]>(["aws:createdBy", "me"], ["AWS:owner", "me"], ["Owner", "x".repeat(3_000_000)], ["k".repeat(129), "v"]).map(([k, v]) =>
        mutation(`tag ${k.slice(0, 20)} = ${v.slice(0, 20)} (${v.length} characters)`, ["platform:tags"], (e) => put(e, "platform:tags", [k], v))),
    fc.constantFrom("Prod_EU", "dev.eu", "QA", "e".repeat(40)).map((env) => mutation(`environment named ${env.slice(0, 20)}`, ["platform:name", "platform:tier"], () => undefined, env)),
);

const guardRails = fc.oneof(iamByEffect, productionPromise, passedOn, tenancy, lateRefusals);

const anyMutation = fc.oneof(wrongType, wrongStructure, unknownKey, cidrs, sizes, versions, unsafe, guardRails);

/** Parses and, only if the config is accepted, synthesizes: a rejection must come before any registration. */
async function loadAndSynthesize(entries: Entries, env: string, engine: MockEngine): Promise<void> {
    const config = parseConfig(entries, env, `generated ${env} config`, TEST_DAY);
    await synthesize(config, "layered", undefined, engine);
}

describe("bad input (generated)", () => {
    it("every malformed or hostile config is rejected naming a key, with nothing registered", async function () {
        this.timeout(120_000);
        await fc.assert(
            fc.asyncProperty(fc.constantFrom<keyof typeof BASES>("dev", "prod"), fc.array(anyMutation, { minLength: 1, maxLength: 3 }), async (env, mutations) => {
                const entries = structuredClone(BASES[env]);
                for (const m of mutations) m.apply(entries);
                const engine = new MockEngine("eu-west-1");
                let error: unknown;
                try {
                    await loadAndSynthesize(entries, mutations.find((m) => m.env)?.env ?? env, engine);
                } catch (err) {
                    error = err;
                }
                const what = mutations.map((m) => m.what).join(" + ");
                assert.ok(error instanceof ConfigError, `${what}: expected a ConfigError, got ${error instanceof Error ? error.stack : String(error)}`);
                assert.equal(engine.resources.length, 0, `${what}: resources were registered`);
                const keys = mutations.flatMap((m) => m.keys);
                assert.ok(
                    error.problems.some((p) => keys.some((k) => p.startsWith(k))),
                    `${what}: no problem names ${keys.join(" or ")}:\n${error.problems.join("\n")}`,
                );
                assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype was not polluted");
            }),
            { numRuns: 300, seed: 20261121 },
        );
    });
});
