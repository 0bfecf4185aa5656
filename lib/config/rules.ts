// Cross-field rules of the environment config. Each rule reads only keys that passed the schema,
// so one run reports every problem at once.
import { EC2_SPOT_SERVICE_LINKED_ROLE, defaultEgress } from "./schema";
import { unique, type PartialConfig, type Rule, type RuleContext } from "./rule";
import { knownTeams, oneEntryPerRole, teamEgressRoutable, teamNodePools } from "./teamRules";
import { accessAndRoutes, endpointAccess, endpointsWithoutEgress, noOverlaps, nodeGroupsNeedTheirNetwork, overlayCapacity, serviceCidrRange, subnetPlan, zonesInRegion } from "./networkRules";
import { architectureOf, isInstanceFamily, sizesOf } from "../ec2";
import { applicationAddonProblems, requiredAddonProblems } from "./addonNeeds";
import { applicationProblems } from "./applicationRules";
import type { Problem } from "./problem";
import { podIdentityUsers } from "../applicationIdentity";
import { applicationImageProblems, foreignAccountProblems, imageCacheProblems } from "./registries";
import { GUARD_RULES } from "./guards";
import { EKS_VERSIONS, MAX_KUBELET_SKEW, EKS_ADDON_VERSIONS, karpenterProblem, minorDistance, supportStatus } from "../versions";

export type { PartialConfig, Problem, RuleContext };

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

/** Node pools ask for instance families and sizes that exist, in the architectures they list. */
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

/** Whatever gets its AWS identity through EKS Pod Identity (add-ons, applications on EC2 nodes) has the agent on its node. */
const podIdentityAgent: Rule = (c) => {
    if (!c.addons || c.addons.podIdentityAgent.enabled) return [];
    const users = podIdentityUsers(c);
    return users.length > 0
        ? [{ path: ["addons", "podIdentityAgent", "enabled"], message: `is false, but ${users.join(", ")} get their AWS identity through EKS Pod Identity, which needs the agent on every node: enable it` }]
        : [];
};

export const RULES: readonly Rule[] = [
    zonesInRegion, serviceCidrRange, noOverlaps, subnetPlan, overlayCapacity, nodeGroupsNeedTheirNetwork, endpointAccess, accessAndRoutes,
    endpointsWithoutEgress, supportedVersion, nodeGroupVersions, nodeGroupSizes, uniqueNames, corednsOnFargate,
    karpenterVersion, nodePoolRequirements, spotServiceLinkedRole, knownTeams, oneEntryPerRole, teamNodePools, teamEgressRoutable, applicationProblems, imageSources,
    requiredAddons, applicationAddons, podIdentityAgent, accountPinned,
    ...GUARD_RULES,
];
