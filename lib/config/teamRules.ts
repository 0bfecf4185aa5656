// Rules of the config's teams and access: one access entry per role, guard rails only for known
// teams, a team's node pool and its egress openings.
import * as cidr from "../cidr";
import { INSTANCE_TYPES } from "../ec2";
import type { Problem } from "./problem";
import { unique, type Rule } from "./rule";
import { defaultEgress } from "./schema";

/** A config path as the problems print it: `access.teams[0].roleArn`. */
const keyOf = (path: (string | number)[]): string => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");

/** EKS keeps one access entry per IAM principal: a role appears once in `platform:access`. */
export const oneEntryPerRole: Rule = ({ access }) => {
    if (!access) return [];
    const roles: { arn: string; path: (string | number)[] }[] = [
        ...access.admins.map((arn, i) => ({ arn, path: ["access", "admins", i] })),
        ...access.readOnly.map((arn, i) => ({ arn, path: ["access", "readOnly", i] })),
        ...access.teams.flatMap((t, i) => [{ arn: t.roleArn, path: ["access", "teams", i, "roleArn"] }, ...t.readOnly.map((arn, j) => ({ arn, path: ["access", "teams", i, "readOnly", j] }))]),
    ];
    return roles.flatMap(({ arn, path }, i) => {
        const first = roles.findIndex((r) => r.arn === arn);
        return first < i ? [{ path, message: `"${arn}" is already platform:${keyOf(roles[first].path)}: EKS keeps one access entry per role, so give it one place` }] : [];
    });
};

/** `platform:teams` sets guard rails for teams of `platform:access.teams` only, once each. */
export const knownTeams: Rule = ({ teams, access }) => {
    if (!teams || !access) return [];
    const known = access.teams.map((t) => t.name);
    return [
        ...teams.flatMap((t, i) =>
            known.includes(t.name)
                ? []
                : [{ path: ["teams", i, "name"], message: `"${t.name}" is not a team of platform:access.teams (${known.join(", ") || "none"})` }]),
        ...unique(teams, (t) => t.name, (i) => ["teams", i, "name"], "entry of platform:teams"),
    ];
};

/** A team's dedicated pool is named after the team: a real instance type, and no clash with a pool of platform:karpenter. */
export const teamNodePools: Rule = ({ teams, karpenter }) =>
    (teams ?? []).flatMap((t, i): Problem[] => {
        if (!t.nodePool) return [];
        const problems: Problem[] = [];
        if (!INSTANCE_TYPES.has(t.nodePool.instanceType)) {
            problems.push({ path: ["teams", i, "nodePool", "instanceType"], message: `"${t.nodePool.instanceType}" is not an EC2 instance type such as "m6a.2xlarge"` });
        }
        if (karpenter?.nodePools.some((p) => p.name === t.name)) {
            problems.push({ path: ["teams", i, "nodePool"], message: `the team's pool would be named "${t.name}", which platform:karpenter.nodePools already uses` });
        }
        return problems;
    });

/**
 * A team's egress CIDRs have a route: inside the VPC, a peered VPC or the VPN, or anywhere when
 * the environment has internet egress. A network policy opening a path with no route opens nothing.
 */
export const teamEgressRoutable: Rule = ({ teams, tier, egress, vpcCidr, peerings, endpoint }) => {
    if (!teams || !tier || !vpcCidr) return [];
    if ((egress ?? defaultEgress(tier)) !== "none") return [];
    const routed = [vpcCidr, ...(peerings ?? []).map((p) => p.peerCidr), ...(endpoint?.vpnCidrs ?? [])];
    return teams.flatMap((t, i) =>
        t.network.egressCidrs.flatMap((range, j): Problem[] =>
            routed.some((r) => cidr.contains(r, range))
                ? []
                : [{ path: ["teams", i, "network", "egressCidrs", j], message: `${range} has no route: the environment has no internet egress (platform:egress none), and it is not inside the VPC (${vpcCidr}), a peered VPC or the VPN (${routed.slice(1).join(", ") || "none"})` }]),
    );
};
