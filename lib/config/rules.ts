// Cross-field rules of the environment config. Each rule reads only keys that passed the schema,
// so one run reports every problem at once.
import * as cidr from "../cidr";
import type { z } from "zod";
import { EC2_SPOT_SERVICE_LINKED_ROLE, defaultEgress, type configSchema } from "./schema";
import { INSTANCE_TYPES, architectureOf, isInstanceFamily, sizesOf } from "../ec2";
import { applicationAddonProblems, requiredAddonProblems } from "./addonNeeds";
import { applicationProblems } from "./applicationRules";
import type { Problem } from "./problem";
import { applicationImageProblems, foreignAccountProblems, imageCacheProblems } from "./registries";
import { GUARD_RULES } from "./guards";
import { EKS_VERSIONS, MAX_KUBELET_SKEW, EKS_ADDON_VERSIONS, karpenterProblem, minorDistance, supportStatus } from "../versions";

type Parsed = z.output<typeof configSchema>;
export type PartialConfig = Partial<Parsed>;

export type { Problem };

export interface RuleContext {
    /** Support windows are judged on this day. */
    today: Date;
    /** The stack (environment) name, when known. */
    env?: string;
}

type Rule = (c: PartialConfig, ctx: RuleContext) => Problem[];

const SERVICE_CIDR_PARENTS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

const zonesInRegion: Rule = ({ region, availabilityZones }) => {
    if (!region || !availabilityZones) return [];
    const problems: Problem[] = availabilityZones
        .map((zone, i) => ({ zone, i }))
        .filter(({ zone }) => !(zone.startsWith(region) && zone.length === region.length + 1))
        .map(({ zone, i }) => ({ path: ["availabilityZones", i], message: `"${zone}" is not a zone of ${region} (aws:region)` }));
    const duplicates = availabilityZones.filter((z, i) => availabilityZones.indexOf(z) !== i);
    if (duplicates.length > 0) {
        problems.push({ path: ["availabilityZones"], message: `lists ${[...new Set(duplicates)].join(", ")} more than once` });
    }
    return problems;
};

const serviceCidrRange: Rule = ({ serviceCidr }) => {
    if (!serviceCidr) return [];
    const p = cidr.prefixLength(serviceCidr);
    const problems: Problem[] = [];
    if (p < 12 || p > 24) problems.push({ path: ["serviceCidr"], message: `"${serviceCidr}" must be a /12 to /24 (EKS rule)` });
    if (!SERVICE_CIDR_PARENTS.some((parent) => cidr.contains(parent, serviceCidr))) {
        problems.push({ path: ["serviceCidr"], message: `"${serviceCidr}" must lie within ${SERVICE_CIDR_PARENTS.join(", ")} (EKS rule)` });
    }
    return problems;
};

/** The VPC, pod-overlay, service and peered CIDRs are all routed together: none may overlap. */
const noOverlaps: Rule = ({ vpcCidr, podNetwork, serviceCidr, peerings }) => {
    const named: { key: (string | number)[]; label: string; value: string }[] = [];
    if (vpcCidr) named.push({ key: ["vpcCidr"], label: "platform:vpcCidr", value: vpcCidr });
    if (podNetwork?.mode === "calico-overlay") {
        named.push({ key: ["podNetwork", "podCidr"], label: "platform:podNetwork.podCidr", value: podNetwork.podCidr });
    }
    if (serviceCidr) named.push({ key: ["serviceCidr"], label: "platform:serviceCidr", value: serviceCidr });
    (peerings ?? []).forEach((p, i) =>
        named.push({ key: ["peerings", i, "peerCidr"], label: `platform:peerings[${i}].peerCidr`, value: p.peerCidr }),
    );
    const problems: Problem[] = [];
    named.forEach((b, j) => {
        for (const a of named.slice(0, j)) {
            if (cidr.overlaps(a.value, b.value)) {
                problems.push({ path: b.key, message: `"${b.value}" overlaps ${a.label} "${a.value}"` });
            }
        }
    });
    return problems;
};

/** The subnet plan fits the VPC, and the private subnets hold the planned nodes (and pods in vpc-cni mode). */
const subnetPlan: Rule = (c) => {
    const { vpcCidr, availabilityZones, subnets, egress, tier, capacity, podNetwork } = c;
    if (!vpcCidr || !availabilityZones || !subnets || !tier) return [];
    const resolvedEgress = egress ?? defaultEgress(tier);
    const plan = cidr.planSubnets(
        vpcCidr,
        availabilityZones.length,
        subnets.privatePrefixLength,
        resolvedEgress === "none" ? undefined : subnets.publicPrefixLength,
    );
    if (typeof plan === "string") return [{ path: ["subnets"], message: plan }];
    if (!capacity || !podNetwork) return [];
    const vpcPods = podNetwork.mode === "vpc-cni" ? capacity.maxPods : 0;
    const perZone = Math.ceil((capacity.maxNodes + vpcPods) / availabilityZones.length);
    const usable = cidr.usableAddresses(plan.private[0]);
    if (usable < perZone) {
        const what = podNetwork.mode === "vpc-cni" ? `${capacity.maxNodes} nodes and ${capacity.maxPods} pods` : `${capacity.maxNodes} nodes`;
        return [{
            path: ["subnets", "privatePrefixLength"],
            message: `/${subnets.privatePrefixLength} private subnets hold ${usable} addresses each, but ${what} over ${availabilityZones.length} zones need ${perZone} per zone (platform:capacity)`,
        }];
    }
    return [];
};

/** In overlay mode the pod CIDR holds the planned pods, and every node gets at least one IPAM block. */
const overlayCapacity: Rule = ({ podNetwork, capacity }) => {
    if (!podNetwork || !capacity || podNetwork.mode !== "calico-overlay") return [];
    const problems: Problem[] = [];
    const podPrefix = cidr.prefixLength(podNetwork.podCidr);
    if (podNetwork.blockSize < podPrefix) {
        return [{ path: ["podNetwork", "blockSize"], message: `/${podNetwork.blockSize} blocks are larger than the pod CIDR ${podNetwork.podCidr}` }];
    }
    const addresses = Number(cidr.size(podNetwork.podCidr));
    if (addresses < capacity.maxPods) {
        problems.push({ path: ["podNetwork", "podCidr"], message: `"${podNetwork.podCidr}" holds ${addresses} pods, fewer than platform:capacity.maxPods (${capacity.maxPods})` });
    }
    const blocks = 2 ** (podNetwork.blockSize - podPrefix);
    if (blocks < capacity.maxNodes) {
        problems.push({ path: ["podNetwork", "blockSize"], message: `/${podNetwork.blockSize} blocks give ${blocks} nodes a block each, fewer than platform:capacity.maxNodes (${capacity.maxNodes})` });
    }
    return problems;
};

/**
 * A node joins Ready only once a network plugin runs on it, and EKS fails a managed node group whose
 * nodes stay NotReady (NodeCreationFailure). In calico-overlay mode the plugin is Calico, installed by
 * the add-ons layer, after the cluster layer's node groups: there, every EC2 node comes from Karpenter,
 * whose node pools the add-ons layer creates after Calico.
 */
const nodeGroupsNeedTheirNetwork: Rule = ({ podNetwork, nodeGroups, addons }) => [
    ...(podNetwork?.mode === "calico-overlay" && addons && !addons.calico.enabled
        ? [{ path: ["addons", "calico", "enabled"], message: "must be true in calico-overlay mode: Calico is the pod network there, and no node would ever become Ready without it" }]
        : []),
    ...(podNetwork?.mode === "calico-overlay" && nodeGroups?.length
        ? [{
                path: ["nodeGroups"],
                message:
                    `managed node groups (${nodeGroups.map((g) => g.name).join(", ")}) cannot come up in calico-overlay mode: Calico, the network plugin, ` +
                "arrives with the add-ons layer, after the cluster layer's node groups, so their nodes would stay NotReady and EKS would fail the group " +
                "(NodeCreationFailure). Give fixed capacity as a Karpenter node pool (platform:karpenter.nodePools, launched after Calico), or use podNetwork.mode vpc-cni",
            }]
        : []),
];

/** Production allows only narrow public ranges: two /1s are the internet as much as one /0. */
const MIN_PRODUCTION_PUBLIC_PREFIX = 16;

/** Public API access needs an explicit allow list, and production never opens it to the internet. */
const endpointAccess: Rule = ({ endpoint, tier }) => {
    if (!endpoint || !endpoint.publicAccess) return [];
    if (endpoint.publicAccessCidrs.length === 0) {
        return [{ path: ["endpoint", "publicAccessCidrs"], message: "must list the allowed CIDRs when endpoint.publicAccess is true (an empty list opens the API to 0.0.0.0/0)" }];
    }
    if (tier !== "production") return [];
    return endpoint.publicAccessCidrs
        .map((value, i) => ({ value, i }))
        .filter(({ value }) => cidr.prefixLength(value) < MIN_PRODUCTION_PUBLIC_PREFIX)
        .map(({ value, i }) => ({
            path: ["endpoint", "publicAccessCidrs", i],
            message: cidr.prefixLength(value) === 0
                ? `"${value}" opens the API to the internet, which production never does`
                : `"${value}" opens the API to a large part of the internet (wider than /${MIN_PRODUCTION_PUBLIC_PREFIX}), which production never does`,
        }));
};

/**
 * The deploy role's access entry is EKS's (the creator's): listing it again fails with
 * ResourceInUseException. Peer-side routes only where the platform can write them; a VPN gateway
 * only with the CIDRs it routes.
 */
const accessAndRoutes: Rule = ({ access, peerings, endpoint }) => {
    const problems: Problem[] = [];
    const deployRole = access?.deployRole;
    if (access && deployRole) {
        const lists: [string, string[]][] = [["admins", access.admins], ["readOnly", access.readOnly], ["previewRoles", access.previewRoles]];
        for (const [key, roles] of lists) {
            roles.forEach((role, i) => {
                if (role === deployRole) problems.push({ path: ["access", key, i], message: "is the deploy role, which EKS already makes the cluster's admin as its creator (a second access entry fails with ResourceInUseException)" });
            });
        }
        access.teams.forEach((t, i) => {
            if (t.roleArn === deployRole) problems.push({ path: ["access", "teams", i, "roleArn"], message: "is the deploy role, which EKS already makes the cluster's admin as its creator" });
        });
    }
    (peerings ?? []).forEach((p, i) => {
        if (p.peerOwnerId !== undefined && p.peerRouteTableIds.length > 0) {
            problems.push({ path: ["peerings", i, "peerRouteTableIds"], message: `are in account ${p.peerOwnerId}, whose route tables the platform cannot write: its owner adds the route back (docs/runbooks/private-cluster-access.md)` });
        }
    });
    if (endpoint?.vpnGateway && endpoint.vpnCidrs.length === 0) {
        problems.push({ path: ["endpoint", "vpnGateway"], message: "routes nothing: list the VPN's CIDRs in endpoint.vpnCidrs" });
    }
    return problems;
};

/** Without egress, nodes reach ECR, STS, EKS and the rest only through interface endpoints. */
const endpointsWithoutEgress: Rule = ({ egress, tier, vpcEndpoints }) => {
    if (!tier || !vpcEndpoints || vpcEndpoints.interface !== false) return [];
    return (egress ?? defaultEgress(tier)) === "none"
        ? [{ path: ["vpcEndpoints", "interface"], message: "cannot be false when platform:egress is none: a VPC without egress reaches AWS only through interface endpoints" }]
        : [];
};

/** EKS offers the version, and a version past standard support needs the extended support policy. */
const supportedVersion: Rule = ({ kubernetesVersion, upgradePolicy, tier }, { today }) => {
    if (!kubernetesVersion || !tier) return [];
    const status = supportStatus(kubernetesVersion, today);
    const known = Object.keys(EKS_VERSIONS).join(", ");
    if (status === "unknown") return [{ path: ["kubernetesVersion"], message: `"${kubernetesVersion}" is not a Kubernetes version EKS supports (${known})` }];
    if (status === "ended") return [{ path: ["kubernetesVersion"], message: `"${kubernetesVersion}" is past the end of EKS extended support (${EKS_VERSIONS[kubernetesVersion].extendedSupportEnd}); supported: ${known}` }];
    const policy = upgradePolicy ?? (tier === "production" ? "EXTENDED" : "STANDARD");
    if (status === "extended" && policy === "STANDARD") {
        return [{ path: ["upgradePolicy"], message: `is STANDARD, but ${kubernetesVersion} is past standard support (${EKS_VERSIONS[kubernetesVersion].standardSupportEnd}): EKS would upgrade the cluster on its own; upgrade it or set EXTENDED` }];
    }
    if (!EKS_ADDON_VERSIONS[kubernetesVersion]) return [{ path: ["kubernetesVersion"], message: `"${kubernetesVersion}" has no pinned EKS add-on versions in lib/versions.ts` }];
    return [];
};

/** Nodes never run a newer Kubernetes than the control plane, nor fall further behind than the skew policy allows. */
const nodeGroupVersions: Rule = ({ nodeGroups, kubernetesVersion }) => {
    if (!nodeGroups || !kubernetesVersion) return [];
    return nodeGroups.flatMap((g, i) => {
        if (!g.version) return [];
        const behind = minorDistance(g.version, kubernetesVersion);
        if (behind < 0) return [{ path: ["nodeGroups", i, "version"], message: `"${g.version}" is newer than the control plane (${kubernetesVersion})` }];
        if (behind > MAX_KUBELET_SKEW) return [{ path: ["nodeGroups", i, "version"], message: `"${g.version}" is ${behind} minor versions behind the control plane (${kubernetesVersion}); nodes may be at most ${MAX_KUBELET_SKEW} behind` }];
        return [];
    });
};

const nodeGroupSizes: Rule = ({ nodeGroups }) =>
    (nodeGroups ?? []).flatMap((g, i) =>
        g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize
            ? []
            : [{ path: ["nodeGroups", i], message: `sizes must satisfy minSize (${g.minSize}) <= desiredSize (${g.desiredSize}) <= maxSize (${g.maxSize})` }],
    );

const unique = <T>(items: T[] | undefined, key: (t: T) => string, path: (i: number) => (string | number)[], what: string): Problem[] => {
    const keys = (items ?? []).map(key);
    return keys.flatMap((k, i) => (keys.indexOf(k) !== i ? [{ path: path(i), message: `"${k}" is used by another ${what}` }] : []));
};

const uniqueNames: Rule = ({ peerings, nodeGroups, fargateProfiles, access, karpenter }) => [
    ...unique(peerings, (p) => p.name, (i) => ["peerings", i, "name"], "peering"),
    ...unique(nodeGroups, (g) => g.name, (i) => ["nodeGroups", i, "name"], "node group"),
    ...unique(fargateProfiles, (p) => p.name, (i) => ["fargateProfiles", i, "name"], "Fargate profile"),
    ...unique(access?.teams, (t) => t.name, (i) => ["access", "teams", i, "name"], "team"),
    ...unique(karpenter?.nodePools, (p) => p.name, (i) => ["karpenter", "nodePools", i, "name"], "node pool"),
];

/** CoreDNS runs on Fargate: some profile must select kube-system. */
const corednsOnFargate: Rule = ({ fargateProfiles, coredns }) => {
    const problems: Problem[] = [];
    if (fargateProfiles && !fargateProfiles.some((p) => p.selectors.some((s) => s.namespace === "kube-system"))) {
        problems.push({ path: ["fargateProfiles"], message: "no profile selects the kube-system namespace, so CoreDNS (which runs on Fargate) would never start" });
    }
    if (coredns && coredns.minReplicas > coredns.maxReplicas) {
        problems.push({ path: ["coredns", "minReplicas"], message: `${coredns.minReplicas} is above coredns.maxReplicas (${coredns.maxReplicas})` });
    }
    return problems;
};

/** The pinned Karpenter supports the cluster's Kubernetes version. */
const karpenterVersion: Rule = ({ karpenter, kubernetesVersion }) => {
    // A version EKS does not offer is reported once, by supportedVersion.
    if (!karpenter || !kubernetesVersion || !EKS_VERSIONS[kubernetesVersion]) return [];
    const problem = karpenterProblem(karpenter.version.replace(/^v/, ""), kubernetesVersion);
    return problem ? [{ path: ["karpenter", "version"], message: `${problem} (platform:kubernetesVersion is "${kubernetesVersion}")` }] : [];
};

/** Node pools ask for instance families and sizes that exist, in the architectures they list. */
/**
 * A pool that may take spot capacity needs EC2 Spot's service-linked role, which a fresh account
 * lacks and Karpenter may not create: every spot launch would fail (CreateFleet:
 * AuthFailure.ServiceLinkedRoleCreationNotPermitted). Config says whether the account has it.
 */
const spotServiceLinkedRole: Rule = ({ karpenter, serviceLinkedRoles }) => {
    if (!serviceLinkedRoles || serviceLinkedRoles.includes(EC2_SPOT_SERVICE_LINKED_ROLE)) return [];
    return (karpenter?.nodePools ?? []).flatMap((pool, i) =>
        pool.capacityTypes.includes("spot")
            ? [{
                    path: ["karpenter", "nodePools", i, "capacityTypes"],
                    message:
                        `takes spot capacity, which needs the service-linked role ${EC2_SPOT_SERVICE_LINKED_ROLE}: a fresh account lacks it and Karpenter may not create it, ` +
                    "so every spot launch would fail (AuthFailure.ServiceLinkedRoleCreationNotPermitted). Create it once per account " +
                    `(aws iam create-service-linked-role --aws-service-name spot.amazonaws.com) and list it in platform:serviceLinkedRoles, or take on-demand capacity only`,
                }]
            : []);
};

const nodePoolRequirements: Rule = ({ karpenter }) =>
    (karpenter?.nodePools ?? []).flatMap((pool, i) => {
        const problems: Problem[] = [];
        const at = (key: string, j?: number) => ["karpenter", "nodePools", i, key, ...(j === undefined ? [] : [j])];
        const families = pool.instanceFamilies.filter((f, j) => {
            if (isInstanceFamily(f)) return true;
            problems.push({ path: at("instanceFamilies", j), message: `"${f}" is not an EC2 instance family` });
            return false;
        });
        pool.instanceSizes.forEach((size, j) => {
            if (families.length > 0 && !families.some((f) => sizesOf(f).has(size))) {
                problems.push({ path: at("instanceSizes", j), message: `"${size}" is not a size of ${families.join(", ")}` });
            }
        });
        for (const f of families) {
            if (!pool.instanceSizes.some((size) => sizesOf(f).has(size))) {
                problems.push({ path: at("instanceSizes"), message: `none of ${pool.instanceSizes.join(", ")} is a size of ${f}, so "${f}" adds no instance type` });
            }
            if (!pool.architectures.includes(architectureOf(f))) {
                problems.push({ path: at("architectures"), message: `"${f}" is ${architectureOf(f)}, which the pool does not list (${pool.architectures.join(", ")})` });
            }
        }
        return problems;
    });

/** A config path as the problems print it: `access.teams[0].roleArn`. */
const keyOf = (path: (string | number)[]): string => path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");

/** EKS keeps one access entry per IAM principal: a role appears once in `platform:access`. */
const oneEntryPerRole: Rule = ({ access }) => {
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
const knownTeams: Rule = ({ teams, access }) => {
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
const teamNodePools: Rule = ({ teams, karpenter }) =>
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
const teamEgressRoutable: Rule = ({ teams, tier, egress, vpcCidr, peerings, endpoint }) => {
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

/** A private environment's image cache and application images (lib/config/registries.ts). */
const imageSources: Rule = (c, { env }) => {
    const egress = c.tier ? (c.egress ?? defaultEgress(c.tier)) : undefined;
    const clusterName = c.name && env ? `${c.name}-${env}` : undefined;
    return [...imageCacheProblems(c, egress, clusterName), ...applicationImageProblems(c, egress), ...foreignAccountProblems(c)];
};

/**
 * The environment's account: production names it, and the AWS provider of every layer (which reads
 * `aws:allowedAccountIds` from the same file) refuses any other account.
 */
const accountPinned: Rule = ({ accountId, allowedAccountIds, tier }) => {
    if (!accountId) {
        return tier === "production" ? [{ path: ["accountId"], message: "is required in production: the AWS account the environment deploys to (12 digits)" }] : [];
    }
    if (allowedAccountIds?.length === 1 && allowedAccountIds[0] === accountId) return [];
    return [{
        path: ["allowedAccountIds"],
        message: `must be ["${accountId}"] (platform:accountId), so that the AWS provider of every layer refuses to act in any other account${allowedAccountIds ? `; it is ${JSON.stringify(allowedAccountIds)}` : ""}`,
    }];
};

/** An enabled add-on's required add-ons are enabled (lib/config/addonNeeds.ts). */
const requiredAddons: Rule = requiredAddonProblems;

/** Applications' secrets, ingress, load balancers, autoscalers and volumes have their add-ons (lib/config/addonNeeds.ts). */
const applicationAddons: Rule = applicationAddonProblems;

export const RULES: readonly Rule[] = [
    zonesInRegion, serviceCidrRange, noOverlaps, subnetPlan, overlayCapacity, nodeGroupsNeedTheirNetwork, endpointAccess, accessAndRoutes,
    endpointsWithoutEgress, supportedVersion, nodeGroupVersions, nodeGroupSizes, uniqueNames, corednsOnFargate,
    karpenterVersion, nodePoolRequirements, spotServiceLinkedRole, knownTeams, oneEntryPerRole, teamNodePools, teamEgressRoutable, applicationProblems, imageSources,
    requiredAddons, applicationAddons, accountPinned,
    ...GUARD_RULES,
];
