// Tenancy: a team keeps to its own namespaces, secrets, priorities and network openings, and the
// node pools cannot grow the cluster past what it was planned for. Each refusal names the team.
import * as cidr from "../../cidr";
import { sizesOf } from "../../ec2";
import type { GuardContext, PartialConfig, Problem } from "./types";

/**
 * Namespaces no team may own: Kubernetes' own, and every namespace the platform's add-ons install
 * into (test/guardRails.test.ts checks the plan's releases against this list).
 */
export const RESERVED_NAMESPACES: readonly string[] = [
    "default", "kube-system", "kube-public", "kube-node-lease",
    "karpenter", "tigera-operator", "calico-system", "calico-apiserver",
    "monitoring", "loki", "kubecost", "ingress-nginx", "aws-observability", "amazon-cloudwatch",
];

/** Names Kubernetes keeps for its own PriorityClasses (the API server refuses user classes named `system-*`). */
export const SYSTEM_PRIORITY_CLASS = /^system-/;

/** The team's S3 bucket prefix: `<name>-<env>-<team>` (the bucket itself or `<prefix>-...`). */
export const teamBucketPrefix = (name: string, env: string, team: string): string => `${name}-${env}-${team}`;
/** The team's Secrets Manager prefix: `<env>/<team>/`. */
export const teamSecretPrefix = (env: string, team: string): string => `${env}/${team}/`;

/** Openings wider than this are the internet, not a peer: two /1s are as open as one /0. */
export const WIDEST_OPENING = 8;

const reservedNamespace = (ns: string): boolean => RESERVED_NAMESPACES.includes(ns) || ns.startsWith("kube-");

/** `platform:access.teams[i].namespaces`: never a reserved namespace, never another team's. */
const teamNamespaces = ({ access }: PartialConfig): Problem[] => {
    const owner = new Map<string, string>();
    return (access?.teams ?? []).flatMap((team, i) =>
        team.namespaces.flatMap((ns, j): Problem[] => {
            const path = ["access", "teams", i, "namespaces", j];
            if (reservedNamespace(ns)) return [{ path, message: `team ${team.name}: "${ns}" is reserved for Kubernetes and the platform's add-ons (${RESERVED_NAMESPACES.join(", ")}, kube-*)` }];
            const other = owner.get(ns);
            if (other !== undefined && other !== team.name) return [{ path, message: `team ${team.name}: "${ns}" is team ${other}'s namespace` }];
            owner.set(ns, team.name);
            return [];
        }));
};

/** Applications read only their team's secrets and use no system priority, nor another team's class. */
const applicationTenancy = ({ applications }: PartialConfig, { env }: GuardContext): Problem[] => {
    const apps = applications ?? [];
    const classOwner = new Map<string, string>();
    for (const app of apps) if (typeof app.priorityClass === "object") classOwner.set(app.priorityClass.name, app.team);
    return apps.flatMap((app, i): Problem[] => {
        const problems: Problem[] = [];
        if (env) {
            const prefix = teamSecretPrefix(env, app.team);
            app.secrets.forEach((s, j) => {
                const name = /:secret:(.+)$/.exec(s.secretsManagerName)?.[1] ?? s.secretsManagerName;
                if (!name.startsWith(prefix)) {
                    problems.push({ path: ["applications", i, "secrets", j, "secretsManagerName"], message: `team ${app.team}: "${s.secretsManagerName}" is not one of the team's secrets (names start with "${prefix}")` });
                }
            });
        }
        const pc = app.priorityClass;
        const name = typeof pc === "object" ? pc.name : pc;
        if (name !== undefined && SYSTEM_PRIORITY_CLASS.test(name)) {
            problems.push({
                path: typeof pc === "object" ? ["applications", i, "priorityClass", "name"] : ["applications", i, "priorityClass"],
                message: `team ${app.team}: "${name}" is a system priority class (Kubernetes keeps system-* for the node's and cluster's critical pods; a team's pods would preempt them or other teams')`,
            });
        } else if (typeof pc === "string" && classOwner.has(pc) && classOwner.get(pc) !== app.team) {
            problems.push({ path: ["applications", i, "priorityClass"], message: `team ${app.team}: "${pc}" is team ${classOwner.get(pc)}'s priority class` });
        }
        return problems;
    });
};

const wide = (value: string) => cidr.prefixLength(value) < WIDEST_OPENING;

/** Team egress and VPN ranges are narrow: a /0 turns default-deny into allow-all. */
const wideOpenings = ({ teams, endpoint }: PartialConfig): Problem[] => [
    ...(teams ?? []).flatMap((t, i) =>
        t.network.egressCidrs.flatMap((value, j): Problem[] =>
            wide(value)
                ? [{ path: ["teams", i, "network", "egressCidrs", j], message: `team ${t.name}: "${value}" opens egress to a large part of the internet (wider than /${WIDEST_OPENING}): list the addresses the team's pods call` }]
                : [])),
    ...(endpoint?.vpnCidrs ?? []).flatMap((value, j): Problem[] =>
        wide(value) ? [{ path: ["endpoint", "vpnCidrs", j], message: `"${value}" is not a VPN range: it opens the private API endpoint to every routable source (wider than /${WIDEST_OPENING})` }] : []),
];

/**
 * Fewest vCPUs of an instance size (a lower bound, so node counts are upper bounds): burstable
 * families' small sizes have 2, other `medium` sizes 1, `large` 2, `xlarge` 4, `<n>xlarge` 4n.
 */
function minVcpus(family: string, size: string): number {
    if (/^t\d/.test(family) && ["nano", "micro", "small", "medium"].includes(size)) return family.startsWith("t2") ? 1 : 2;
    if (["nano", "micro", "small", "medium"].includes(size)) return 1;
    if (size === "large") return 2;
    const n = /^(\d*)xlarge$/.exec(size);
    if (n) return 4 * (n[1] ? Number(n[1]) : 1);
    return 1;
}

const vcpusOfType = (type: string): number => {
    const [family, size] = type.split(".");
    return minVcpus(family, size ?? "");
};

/** The most nodes of one instance type a CPU limit lets Karpenter launch (a team's pool, a dedicated node pool). */
export const nodesWithin = (instanceType: string, cpu: number): number => Math.floor(cpu / vcpusOfType(instanceType));

/** How far the pools' worst case may exceed capacity.maxNodes (mixed instance sizes rarely reach it). */
export const MAX_NODES_HEADROOM = 2;

/**
 * Karpenter's limits are the only brake on scale-out: the nodes every pool may launch (its CPU
 * limit over its smallest instance), with the node groups' maxSize, stay within
 * MAX_NODES_HEADROOM x capacity.maxNodes.
 */
const poolsWithinCapacity = ({ karpenter, teams, applications, nodeGroups, capacity }: PartialConfig): Problem[] => {
    if (!karpenter || !capacity) return [];
    const pools = [
        ...karpenter.nodePools.map((p, i) => ({
            path: ["karpenter", "nodePools", i, "limits", "cpu"],
            what: `node pool ${p.name}`,
            nodes: Math.floor(p.limits.cpu / Math.min(...p.instanceFamilies.flatMap((f) => p.instanceSizes.filter((s) => sizesOf(f).has(s)).map((s) => minVcpus(f, s))))),
        })),
        ...(teams ?? []).flatMap((t, i) => (t.nodePool ? [{ path: ["teams", i, "nodePool", "cpu"], what: `team ${t.name}'s pool`, nodes: nodesWithin(t.nodePool.instanceType, t.nodePool.cpu) }] : [])),
        ...(applications ?? []).flatMap((a, i) => (a.dedicatedNode ? [{ path: ["applications", i, "dedicatedNode", "limits", "cpu"], what: `team ${a.team}'s ${a.name} pool`, nodes: nodesWithin(a.dedicatedNode.instanceType, a.dedicatedNode.limits.cpu) }] : [])),
    ];
    const fixed = (nodeGroups ?? []).reduce((sum, g) => sum + g.maxSize, 0);
    const total = fixed + pools.reduce((sum, p) => sum + p.nodes, 0);
    if (total <= MAX_NODES_HEADROOM * capacity.maxNodes) return [];
    const largest = [...pools].sort((a, b) => b.nodes - a.nodes)[0];
    return [{
        path: largest.path,
        message: `lets ${largest.what} launch up to ${largest.nodes} nodes; all pools (${pools.map((p) => `${p.what} ${p.nodes}`).join(", ")}${fixed ? `, node groups ${fixed}` : ""}) could reach ${total} nodes, far above platform:capacity.maxNodes (${capacity.maxNodes}, at most ${MAX_NODES_HEADROOM}x) that the subnets are planned for: lower the limits or raise capacity.maxNodes`,
    }];
};

export const TENANCY_RULES = [teamNamespaces, applicationTenancy, wideOpenings, poolsWithinCapacity];
