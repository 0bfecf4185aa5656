// Guard rails that hold against a careless or hostile environment file (issue 18): each class is
// refused by the config (naming the key, before anything is registered), in dev and prod alike,
// while dev and prod themselves pass.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, parseConfig } from "../lib/config/load";
import { cronProblem, isTimeZone } from "../lib/config/guards/early";
import { RESERVED_NAMESPACES } from "../lib/config/guards/tenancy";
import { escalations, managedPolicyStatements, unknownAction } from "../lib/iamEffect";
import { REPO_ROOT, TEST_DAY, synthEnv } from "./helpers";
import { ESCALATING_STATEMENTS } from "./hostileStatements";

type Entries = Record<string, unknown>;
const ENVS = ["dev", "prod"] as const;
const entriesOf = (env: string): Entries => (YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${env}.yaml`), "utf8")) as { config: Entries }).config;

/** The problems of an environment file changed by `edit` (under the environment's name unless given). */
function problemsAfter(env: string, edit: (e: Entries) => void, name = env): string[] {
    const entries = structuredClone(entriesOf(env));
    edit(entries);
    try {
        parseConfig(entries, name, `Pulumi.${name}.yaml`, TEST_DAY);
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.problems;
    }
    return [];
}

/** Asserts a problem names the key (a prefix) and matches the rule's words. */
function assertRefused(problems: string[], key: string, words: RegExp): void {
    assert.ok(problems.some((p) => p.startsWith(key) && words.test(p)), `expected a problem at ${key} matching ${words}, got:\n${problems.join("\n") || "(accepted)"}`);
}

const app = (e: Entries, i: number) => (e["platform:applications"] as Entries[])[i];
const sa = (e: Entries, i: number) => ((app(e, i).serviceAccount ??= {}) as Entries);
/** payments-settle, the cronjob with an IAM role, in both files. */
const SETTLE = 1;

describe("guard rails: dev and prod pass", () => {
    for (const env of ENVS) it(`${env} is accepted`, () => assert.deepEqual(problemsAfter(env, () => {}), []));
});

describe("guard rails: IAM by effect (lib/iamEffect.ts, guards/iam.ts)", () => {
    it("the catalogue expands wildcards and resolves managed policies", () => {
        assert.deepEqual(escalations([{ Effect: "Allow", Action: "iam:Put*", Resource: "*" }]).sort(), ["iam:PutGroupPolicy", "iam:PutRolePolicy", "iam:PutUserPolicy"]);
        assert.deepEqual(escalations([{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/nodes" }]), []);
        assert.ok(escalations([{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/*" }]).length);
        assert.ok(escalations(managedPolicyStatements("arn:aws:iam::aws:policy/PowerUserAccess")!).some((e) => e.startsWith("sts:AssumeRole on")));
        assert.equal(unknownAction("s3:GetObject"), undefined);
        assert.match(unknownAction("s3:GetObjekt") ?? "", /not an action of s3/);
        assert.match(unknownAction("s4:GetObject") ?? "", /not an AWS service/);
    });

    for (const env of ENVS) {
        const at = "platform:applications[1].serviceAccount";
        it(`${env}: a managed policy that grants everything is refused by what it grants`, () => {
            for (const arn of ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::aws:policy/IAMFullAccess"]) {
                assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamPolicyArns = [arn])), `${at}.iamPolicyArns[0]`, /privilege escalation|every resource/);
            }
            assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamPolicyArns = ["arn:aws:iam::111122223333:policy/anything"])), `${at}.iamPolicyArns[0]`, /cannot be judged offline/);
        });
        it(`${env}: iam:* on role/*, iam:Put*/Attach* on *, PassRole and AssumeRole on * are privilege escalation`, () => {
            for (const [actions, resource] of ESCALATING_STATEMENTS) {
                assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamStatements = [{ actions, resources: [resource] }])), `${at}.iamStatements[0]`, /team payments: .*privilege escalation/);
            }
        });
        it(`${env}: s3:* on every bucket and GetSecretValue on every secret are refused; other teams' buckets too`, () => {
            assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamStatements = [{ actions: ["s3:*"], resources: ["*"] }])), `${at}.iamStatements[0]`, /on every resource/);
            assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamStatements = [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::*"] }])), `${at}.iamStatements[0]`, /outside the prefix of team payments/);
            assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamStatements = [{ actions: ["s3:GetObject"], resources: [`arn:aws:s3:::acme-${env}-search-index/*`] }])), `${at}.iamStatements[0]`, /outside the prefix/);
            assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamStatements = [{ actions: ["secretsmanager:GetSecretValue"], resources: ["*"] }])), `${at}.iamStatements[0]`, /on every resource/);
            assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamStatements = [{ actions: ["secretsmanager:GetSecretValue"], resources: [`arn:aws:secretsmanager:eu-west-1:111122223333:secret:${env}/search/*`] }])), `${at}.iamStatements[0]`, /secrets outside the prefix/);
        });
        it(`${env}: an action the catalogue does not know is refused`, () => {
            assertRefused(problemsAfter(env, (e) => (sa(e, SETTLE).iamStatements = [{ actions: ["s3:PutObjekt"], resources: [`arn:aws:s3:::acme-${env}-payments-x/*`] }])), `${at}.iamStatements[0]`, /not an action of s3/);
        });
    }
});

describe("guard rails: production is a promise (guards/production.ts)", () => {
    it("prod cannot be made development by one key; a production name or tag says production", () => {
        assertRefused(problemsAfter("prod", (e) => (e["platform:tier"] = "development")), "platform:tier", /the environment is named "prod"/);
        assertRefused(problemsAfter("dev", () => {}, "production-eu"), "platform:tier", /production-eu/);
        assertRefused(problemsAfter("dev", (e) => (e["platform:tags"] = { Environment: "Production" })), "platform:tier", /platform:tags.Environment/);
    });
    it("a production cluster has a private endpoint and no egress unless a reasoned exception says so", () => {
        assertRefused(problemsAfter("prod", (e) => (e["platform:endpoint"] = { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })), "platform:endpoint.publicAccess", /productionExceptions.publicEndpoint/);
        assertRefused(problemsAfter("prod", (e) => (e["platform:egress"] = "single-nat")), "platform:egress", /productionExceptions.internetEgress/);
        assertRefused(problemsAfter("prod", (e) => {
            e["platform:egress"] = "single-nat";
            e["platform:productionExceptions"] = { internetEgress: { reason: "because" } };
        }), "platform:productionExceptions.internetEgress.reason", /at least 20 characters/);
        assert.deepEqual(problemsAfter("prod", (e) => {
            e["platform:egress"] = "single-nat";
            e["platform:productionExceptions"] = { internetEgress: { reason: "the card processor is reachable only over the internet (PAY-7)" } };
        }), []);
        assertRefused(problemsAfter("prod", (e) => (e["platform:productionExceptions"] = { internetEgress: { reason: "left over from an old decision, no egress now" } })), "platform:productionExceptions.internetEgress", /stale/);
        assertRefused(problemsAfter("dev", (e) => (e["platform:productionExceptions"] = { publicEndpoint: { reason: "the developers reach it from home" } })), "platform:productionExceptions.publicEndpoint", /tier is development/);
    });
});

describe("guard rails: every value passed on is judged (guards/passThrough.ts)", () => {
    for (const env of ENVS) {
        it(`${env}: add-on values with a privileged or root security context are refused`, () => {
            assertRefused(problemsAfter(env, (e) => (e["platform:addons"] = { ...(e["platform:addons"] as Entries), kubecost: { values: { networkCosts: { enabled: true, privileged: true } } } })), "platform:addons.kubecost.values.networkCosts.privileged", /k8s-no-privileged/);
            assertRefused(problemsAfter(env, (e) => (e["platform:addons"] = { metricsServer: { values: { securityContext: { runAsUser: 0, runAsNonRoot: false } } } })), "platform:addons.metricsServer.values.securityContext.runAsUser", /root/);
            assertRefused(problemsAfter(env, (e) => (e["platform:karpenter"] = { ...(e["platform:karpenter"] as Entries), values: { hostNetwork: true } })), "platform:karpenter.values.hostNetwork", /host/);
        });
        it(`${env}: static credentials in add-on values, application env or args are refused, pointing to Secrets Manager`, () => {
            assertRefused(problemsAfter(env, (e) => (e["platform:addons"] = { monitoring: { values: { grafana: { adminPassword: "hunter2hunter2" } } } })), "platform:addons.monitoring.values.grafana.adminPassword", /Secrets Manager/);
            assertRefused(problemsAfter(env, (e) => (e["platform:addons"] = { loki: { values: { storage: { s3: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } } } } })), "platform:addons.loki.values.storage.s3.accessKeyId", /AWS access key/);
            assertRefused(problemsAfter(env, (e) => (app(e, 0).env = { DB_PASSWORD: "s3cr3t" })), "platform:applications[0].env.DB_PASSWORD", /team payments: .*Secrets Manager/);
            assertRefused(problemsAfter(env, (e) => (app(e, SETTLE).args = ["--password=s3cr3t"])), "platform:applications[1].args[0]", /password argument/);
            assert.deepEqual(problemsAfter(env, (e) => (app(e, 0).env = { SECRETS_DIR: "/mnt/secrets", DB_PASSWORD_FILE: "/mnt/secrets/db-password" })), []);
        });
    }
    it("prod (private): an add-on image override from a public registry, or with a mutable tag, is refused", () => {
        assertRefused(problemsAfter("prod", (e) => (e["platform:addons"] = { ...(e["platform:addons"] as Entries), metricsServer: { values: { image: { repository: "docker.io/bitnami/metrics-server", tag: "latest" } } } })), "platform:addons.metricsServer.values.image", /public registry|mutable/);
        assertRefused(problemsAfter("dev", (e) => (e["platform:addons"] = { metricsServer: { values: { image: { repository: "registry.k8s.io/metrics-server/metrics-server", tag: "latest" } } } })), "platform:addons.metricsServer.values.image.tag", /mutable/);
    });
});

describe("guard rails: tenancy (guards/tenancy.ts)", () => {
    for (const env of ENVS) {
        it(`${env}: reserved and other teams' namespaces are refused, naming the team`, () => {
            for (const ns of ["kube-system", "default", "karpenter"]) {
                assertRefused(problemsAfter(env, (e) => ((e["platform:access"] as { teams: Entries[] }).teams[0].namespaces = [ns])), "platform:access.teams[0].namespaces[0]", /team payments: .*reserved/);
            }
            assertRefused(problemsAfter(env, (e) => ((e["platform:access"] as { teams: Entries[] }).teams[1].namespaces = ["search", "payments"])), "platform:access.teams[1].namespaces[1]", /team search: "payments" is team payments's namespace/);
        });
        it(`${env}: system priority classes, cross-team secrets and wide egress are refused`, () => {
            assertRefused(problemsAfter(env, (e) => (app(e, 2).priorityClass = "system-node-critical")), "platform:applications[2].priorityClass", /team search: .*system priority class/);
            assertRefused(problemsAfter(env, (e) => (app(e, 2).priorityClass = "payments-critical")), "platform:applications[2].priorityClass", /team payments's priority class/);
            assertRefused(problemsAfter(env, (e) => (app(e, 2).secrets = [{ name: "key", secretsManagerName: `${env}/payments/processor-api-key` }])), "platform:applications[2].secrets[0].secretsManagerName", /team search: .* not one of the team's secrets/);
            assertRefused(problemsAfter(env, (e) => ((e["platform:teams"] as Entries[])[0].network = { egressCidrs: ["0.0.0.0/0"] })), "platform:teams[0].network.egressCidrs[0]", /team payments: .*internet/);
            assertRefused(problemsAfter(env, (e) => ((e["platform:endpoint"] as Entries).vpnCidrs = ["0.0.0.0/0"])), "platform:endpoint.vpnCidrs[0]", /every routable source/);
        });
        it(`${env}: Karpenter limits far above capacity.maxNodes are refused`, () => {
            assertRefused(problemsAfter(env, (e) => ((e["platform:karpenter"] as { nodePools: Entries[] }).nodePools[0].limits = { cpu: 100000, memoryGiB: 400000 })), "platform:karpenter.nodePools[0].limits.cpu", /far above platform:capacity.maxNodes/);
        });
    }
    it("every namespace the platform's releases install into is reserved", async () => {
        for (const env of ENVS) {
            const plan = await synthEnv(env);
            const namespaces = plan.layers.filter((l) => l.name === "addons").flatMap((l) => l.resources).filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => String(r.inputs.namespace));
            assert.ok(namespaces.length);
            for (const ns of namespaces) assert.ok(RESERVED_NAMESPACES.includes(ns), `${ns} (a release's namespace in ${env}) is not reserved`);
        }
    });
});

describe("guard rails: refused early what the cloud or the API server would refuse late (guards/early.ts)", () => {
    it("cron schedules and time zones", () => {
        for (const ok of ["30 2 * * *", "0 7 * * mon-fri", "*/15 * * * *", "@daily", "0 0 1 jan,jul ?"]) assert.equal(cronProblem(ok), undefined, ok);
        for (const bad of ["61 * * * *", "* * * *", "0 25 * * *", "0 0 32 * *", "0 0 * 13 *", "0 0 * * funday", "TZ=UTC 0 0 * * *", "@fortnightly", "*/0 * * * *", "5-1 * * * *"]) assert.ok(cronProblem(bad), bad);
        assert.ok(isTimeZone("Europe/Dublin") && isTimeZone("Etc/UTC") && isTimeZone("UTC"));
        assert.ok(!isTimeZone("Mars/Olympus") && !isTimeZone("+01:00") && !isTimeZone(""));
    });
    for (const env of ENVS) {
        it(`${env}: an invalid cron or time zone, or a budget schedule the NodePool CRD rejects`, () => {
            assertRefused(problemsAfter(env, (e) => ((app(e, SETTLE).cronjob as Entries).schedule = "61 2 * * *")), "platform:applications[1].cronjob.schedule", /minute/);
            assertRefused(problemsAfter(env, (e) => ((app(e, SETTLE).cronjob as Entries).timeZone = "Europe/Atlantis")), "platform:applications[1].cronjob.timeZone", /IANA/);
            assertRefused(problemsAfter(env, (e) => ((e["platform:karpenter"] as { nodePools: Entries[] }).nodePools[0].budgets = [{ nodes: "0", schedule: "0 7 * * mon-fri" }])), "platform:karpenter.nodePools[0].budgets[0].duration", /schedule and duration together/);
            assertRefused(problemsAfter(env, (e) => ((e["platform:karpenter"] as { nodePools: Entries[] }).nodePools[0].budgets = [{ nodes: "0", schedule: "every monday", duration: "8h" }])), "platform:karpenter.nodePools[0].budgets[0].schedule", /CRD's schedule pattern/);
            assertRefused(problemsAfter(env, (e) => ((e["platform:karpenter"] as { nodePools: Entries[] }).nodePools[0].budgets = [{ nodes: "0", schedule: "0 7 * * 9", duration: "8h" }])), "platform:karpenter.nodePools[0].budgets[0].schedule", /day of week/);
        });
        it(`${env}: maxSurge and maxUnavailable both 0, one role in two access entries`, () => {
            assertRefused(problemsAfter(env, (e) => (app(e, 0).rollout = { maxSurge: 0, maxUnavailable: "0%" })), "platform:applications[0].rollout.maxSurge", /both 0/);
            assertRefused(problemsAfter(env, (e) => ((e["platform:access"] as Entries).readOnly = ["arn:aws:iam::111122223333:role/platform-admin"])), "platform:access.readOnly[0]", /one access entry per role/);
            assertRefused(problemsAfter(env, (e) => ((e["platform:access"] as { teams: Entries[] }).teams[1].roleArn = "arn:aws:iam::111122223333:role/team-payments")), "platform:access.teams[1].roleArn", /access.teams\[0\].roleArn/);
        });
        it(`${env}: aws: tag keys, oversized tags, and an environment name that makes bad bucket names`, () => {
            assertRefused(problemsAfter(env, (e) => (e["platform:tags"] = { "aws:cloudformation:stack-name": "x" })), "platform:tags.aws:cloudformation", /reserved for AWS/);
            assertRefused(problemsAfter(env, (e) => (e["platform:tags"] = { Owner: "x".repeat(3_000_000) })), "platform:tags.Owner", /at most 256/);
            assertRefused(problemsAfter(env, (e) => (e["platform:tags"] = { ["k".repeat(129)]: "x" })), "platform:tags.k", /1 to 128/);
            assertRefused(problemsAfter(env, () => {}, `${env.toUpperCase()}_1`), "platform:name", /S3 bucket names/);
        });
    }
});
