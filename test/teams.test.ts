// Teams: each namespace of a team of platform:access.teams gets Pod Security labels, a quota, a
// LimitRange, RBAC bound to the cluster contract's group, deny-by-default network policies with
// DNS and in-namespace traffic, and (optionally) its own tainted Karpenter pool.
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { teamSettingsOf } from "../lib/config/teams";
import type { PlatformConfig } from "../lib/config/schema";
import { MockEngine, type PlannedResource } from "../synth/engine";
import { dedicatedPool } from "../lib/placement";
import { LOCAL_DNS_ADDRESS } from "../lib/dns";
import { EDIT_ROLE, LIMIT_RANGE_NAME, QUOTA_NAME, Team, VIEW_ROLE, type ClusterNetwork } from "../workloads/team";
import { teamReadOnlyGroup } from "../lib/accessMappings";
import { configWith, envConfig, problemsOf, entriesWith } from "./helpers";
import { crdProblems, k8sProblems } from "./schemas";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const inputs = (r: PlannedResource) => r.inputs as Json;

const NETWORK: ClusterNetwork = { vpcCidr: "10.30.0.0/16", serviceCidr: "172.20.0.0/16" };
const NODE_CLASS = "default";

interface TeamPlan { resources: PlannedResource[]; placements: Record<string, unknown> }

/** Every team of a config, as the workloads layer builds it, under the mock engine. */
async function planTeams(config: PlatformConfig): Promise<TeamPlan> {
    const engine = new MockEngine(config.region);
    await engine.install("platform-workloads", config.env, config.organization);
    const placements: Record<string, unknown> = {};
    await engine.run(async () => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        for (const team of config.access.teams) {
            const t = new Team(team.name, {
                team,
                settings: teamSettingsOf(config.teams, team.name),
                group: `team:${team.name}`,
                readOnlyGroup: teamReadOnlyGroup(team.name),
                nodeClassName: NODE_CLASS,
                provider,
                production: config.tier === "production",
                kubernetesVersion: config.kubernetesVersion,
                network: NETWORK,
            });
            placements[team.name] = t.placement;
        }
        return {};
    });
    assert.deepEqual(engine.errors, []);
    return { resources: engine.resources, placements };
}

const ofKind = (plan: TeamPlan, kind: string, namespace?: string) =>
    plan.resources.filter((r) => r.type.endsWith(`:${kind}`) && (namespace === undefined || inputs(r).metadata?.namespace === namespace));
const named = (plan: TeamPlan, kind: string, namespace: string, name: string): Json => {
    const found = ofKind(plan, kind, namespace).filter((r) => inputs(r).metadata.name === name);
    assert.equal(found.length, 1, `expected one ${kind} ${namespace}/${name}, found ${found.length}`);
    return inputs(found[0]);
};
const namespaceOf = (plan: TeamPlan, name: string): Json => {
    const found = ofKind(plan, "Namespace").find((r) => inputs(r).metadata.name === name);
    return found ? inputs(found) : assert.fail(`no namespace ${name}`);
};

const TEAMS = [
    { name: "payments", roleArn: "arn:aws:iam::111122223333:role/team-payments", namespaces: ["payments"] },
    { name: "search", roleArn: "arn:aws:iam::111122223333:role/team-search", namespaces: ["search", "search-jobs"] },
];

describe("teams", () => {
    let prod: TeamPlan;
    let dev: TeamPlan;
    const prodNamespaces = () => envConfig("prod").access.teams.flatMap((t) => t.namespaces);
    before(async () => {
        prod = await planTeams(envConfig("prod"));
        dev = await planTeams(envConfig("dev"));
    });

    it("declares only valid Kubernetes objects (kubernetes-models) and a NodePool valid per the Karpenter 1.14.1 CRD", async () => {
        const objects = [...prod.resources, ...dev.resources].filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(objects.length > 20);
        for (const r of objects) {
            const object = inputs(r) as { apiVersion: string; kind: string };
            const problems = object.kind === "NodePool" ? crdProblems("karpenter-1.14.1", object) : await k8sProblems(object);
            assert.deepEqual(problems, [], `${r.type} ${r.name}`);
        }
    });

    it("labels each namespace for Pod Security: restricted by default, enforce pinned to the cluster's minor, warn and audit at latest", () => {
        for (const ns of prodNamespaces()) {
            const labels = namespaceOf(prod, ns).metadata.labels;
            for (const mode of ["enforce", "warn", "audit"]) assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted", `${ns} ${mode}`);
            assert.equal(labels["pod-security.kubernetes.io/enforce-version"], "v1.35");
            assert.equal(labels["pod-security.kubernetes.io/warn-version"], "latest");
            assert.equal(labels["pod-security.kubernetes.io/audit-version"], "latest");
        }
    });

    it("grants baseline only with the configured reason, recorded on the namespace", () => {
        const payments = namespaceOf(dev, "payments").metadata;
        assert.equal(payments.labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.match(payments.annotations["platform/pod-security-reason"], /runs as root/);
        assert.equal(namespaceOf(dev, "search").metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("caps each namespace with a quota (no load balancers or node ports by default) and defaults every container's requests and limits", () => {
        for (const ns of prodNamespaces()) {
            const hard = named(prod, "ResourceQuota", ns, QUOTA_NAME).spec.hard;
            for (const key of ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods", "requests.storage"]) assert.ok(hard[key], `${ns} quota ${key}`);
            // Only what the reference applications use: payments' NLB (a node port on the overlay), search's ALB node port.
            assert.equal(hard["services.loadbalancers"], ns === "payments" ? "1" : "0");
            assert.equal(hard["services.nodeports"], "1", "a team quota applies to each of its namespaces");
            const [limit] = named(prod, "LimitRange", ns, LIMIT_RANGE_NAME).spec.limits;
            assert.equal(limit.type, "Container");
            for (const part of ["defaultRequest", "default", "max"]) assert.deepEqual(Object.keys(limit[part]).sort(), ["cpu", "memory"], `${ns} ${part}`);
        }
        assert.equal(named(prod, "ResourceQuota", "payments", QUOTA_NAME).spec.hard.pods, "40");
        assert.equal(named(prod, "ResourceQuota", "search", QUOTA_NAME).spec.hard.pods, "50");
    });

    it("binds the edit role to the team's group (cluster contract) and the read-only role to its read-only group; neither reads Secrets", () => {
        for (const team of envConfig("prod").access.teams) {
            for (const ns of team.namespaces) {
                const edit = named(prod, "RoleBinding", ns, EDIT_ROLE);
                assert.deepEqual(edit.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: `team:${team.name}` }]);
                assert.deepEqual(edit.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: EDIT_ROLE });
                assert.equal(named(prod, "RoleBinding", ns, VIEW_ROLE).subjects[0].name, teamReadOnlyGroup(team.name));
                for (const role of [EDIT_ROLE, VIEW_ROLE]) {
                    const rules: Json[] = named(prod, "Role", ns, role).rules;
                    const resources = rules.flatMap((r) => r.resources);
                    for (const never of ["secrets", "roles", "rolebindings", "daemonsets"]) assert.ok(!resources.includes(never), `${ns} ${role} ${never}`);
                    assert.ok(!rules.some((r) => r.verbs.includes("*") || r.resources.includes("*")), `${ns} ${role} has no wildcard`);
                }
                const view: Json[] = named(prod, "Role", ns, VIEW_ROLE).rules;
                assert.ok(view.every((r) => r.verbs.every((v: string) => ["get", "list", "watch"].includes(v))), `${ns} read-only`);
            }
        }
    });

    it("keeps the guard rails read-only to the team, and allows exec and port-forward outside production only", () => {
        const verbsOn = (plan: TeamPlan, resource: string) =>
            (named(plan, "Role", "search", EDIT_ROLE).rules as Json[]).filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs);
        for (const guard of ["networkpolicies", "resourcequotas", "limitranges", "serviceaccounts"]) assert.deepEqual(verbsOn(prod, guard), ["get", "list", "watch"], guard);
        assert.deepEqual(verbsOn(prod, "pods/exec"), []);
        assert.deepEqual(verbsOn(prod, "pods/portforward"), []);
        assert.deepEqual(verbsOn(dev, "pods/exec"), ["create"]);
        assert.ok(verbsOn(prod, "deployments").includes("patch"));
    });

    it("denies all traffic by default, then allows DNS to CoreDNS (and NodeLocal DNSCache) and traffic within the namespace", () => {
        for (const ns of prodNamespaces()) {
            const deny = named(prod, "NetworkPolicy", ns, "default-deny").spec;
            assert.deepEqual(deny, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
            const [dns] = named(prod, "NetworkPolicy", ns, "allow-dns").spec.egress;
            assert.deepEqual(dns.ports, [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
            assert.deepEqual(dns.to[0], { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } });
            const blocks = dns.to.slice(1).map((p: Json) => p.ipBlock.cidr);
            assert.deepEqual(blocks, [`${LOCAL_DNS_ADDRESS}/32`, "172.20.0.10/32", NETWORK.vpcCidr]);
            const same = named(prod, "NetworkPolicy", ns, "allow-same-namespace").spec;
            assert.deepEqual(same.ingress, [{ from: [{ podSelector: {} }] }]);
            assert.deepEqual(same.egress, [{ to: [{ podSelector: {} }] }]);
        }
    });

    it("opens exactly what config asks: peer namespaces, the load balancers' VPC, egress CIDRs", () => {
        const policies = (ns: string) => ofKind(prod, "NetworkPolicy", ns).map((r) => inputs(r).metadata.name).sort();
        assert.deepEqual(policies("payments"), ["allow-dns", "allow-egress-cidrs", "allow-from-load-balancer", "allow-from-namespaces", "allow-same-namespace", "default-deny"]);
        assert.deepEqual(policies("search-jobs"), ["allow-dns", "allow-from-load-balancer", "allow-same-namespace", "allow-to-namespaces", "default-deny"]);
        assert.deepEqual(named(prod, "NetworkPolicy", "payments", "allow-from-namespaces").spec.ingress, [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "search" } } }] }]);
        assert.deepEqual(named(prod, "NetworkPolicy", "payments", "allow-from-load-balancer").spec.ingress, [{ from: [{ ipBlock: { cidr: NETWORK.vpcCidr } }] }]);
        assert.deepEqual(named(prod, "NetworkPolicy", "payments", "allow-egress-cidrs").spec.egress, [{ to: [{ ipBlock: { cidr: "10.100.40.0/24" } }] }]);
    });

    it("gives a team with a nodePool its own tainted NodePool on the platform's node class, and its placement tolerates it", () => {
        const pools = ofKind(prod, "NodePool");
        assert.equal(pools.length, 1);
        const pool = inputs(pools[0]);
        assert.equal(pool.metadata.name, "payments");
        assert.deepEqual(pool.spec.template.spec.taints, [{ key: "dedicated", value: "payments", effect: "NoSchedule" }]);
        assert.equal(pool.spec.template.spec.nodeClassRef.name, NODE_CLASS);
        assert.deepEqual(pool.spec.limits, { cpu: "32", memory: "128Gi" });
        assert.deepEqual(prod.placements.payments, dedicatedPool("payments"));
        assert.equal(prod.placements.search, undefined);
        assert.equal(ofKind(dev, "NodePool").length, 0);
    });

    describe("config", () => {
        const withTeams = (teams: unknown[]) => entriesWith({ "platform:access": { teams: TEAMS }, "platform:teams": teams });

        it("gives a team of platform:access.teams that platform:teams does not list the defaults", () => {
            const config = configWith({ "platform:access": { teams: TEAMS } });
            const search = teamSettingsOf(config.teams, "search");
            assert.equal(search.podSecurity.level, "restricted");
            assert.equal(search.quota.loadBalancers, 0);
            assert.equal(search.nodePool, undefined);
        });

        it("requires a reason for baseline, naming the setting", () => {
            assert.deepEqual(problemsOf(withTeams([{ name: "payments", podSecurity: { level: "baseline" } }])), [
                "platform:teams[0].podSecurity.reason: is required when podSecurity.level is baseline: say why the team's pods cannot meet the restricted standard",
            ]);
        });

        it("rejects a team that platform:access.teams does not declare", () => {
            assert.deepEqual(problemsOf(withTeams([{ name: "ledger" }])), ['platform:teams[0].name: "ledger" is not a team of platform:access.teams (payments, search)']);
        });

        it("rejects LimitRange defaults the API server would reject (defaultRequest <= default <= max)", () => {
            const problems = problemsOf(withTeams([{ name: "search", limits: { default: { cpu: "4", memory: "512Mi" }, max: { cpu: "2", memory: "4Gi" } } }]));
            assert.deepEqual(problems, ['platform:teams[0].limits.default.cpu: "4" is above limits.max.cpu ("2")']);
        });

        it("rejects a dedicated pool of an unknown instance type or named like a platform pool", () => {
            const problems = problemsOf(entriesWith({
                "platform:access": { teams: [...TEAMS, { name: "addons", roleArn: "arn:aws:iam::111122223333:role/x", namespaces: ["addons-x"] }] },
                "platform:teams": [
                    { name: "search", nodePool: { instanceType: "m6a.huge", cpu: 8, memoryGiB: 32 } },
                    { name: "addons", nodePool: { instanceType: "m6a.large", cpu: 8, memoryGiB: 32 } },
                ],
            }));
            assert.deepEqual(problems, [
                'platform:teams[0].nodePool.instanceType: "m6a.huge" is not an EC2 instance type such as "m6a.2xlarge"',
                'platform:teams[1].nodePool: the team\'s pool would be named "addons", which platform:karpenter.nodePools already uses',
            ]);
        });
    });
});
