// Rules of the config's network: zones, CIDRs that do not overlap and hold what is planned, the
// API endpoint's reach, routes for every principal that needs the API, and endpoints without egress.
import * as cidr from "../cidr";
import type { Problem } from "./problem";
import type { Rule } from "./rule";
import { defaultEgress } from "./schema";

const SERVICE_CIDR_PARENTS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

export const zonesInRegion: Rule = ({ region, availabilityZones }) => {
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

export const serviceCidrRange: Rule = ({ serviceCidr }) => {
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
export const noOverlaps: Rule = ({ vpcCidr, podNetwork, serviceCidr, peerings }) => {
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
export const subnetPlan: Rule = (c) => {
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
export const overlayCapacity: Rule = ({ podNetwork, capacity }) => {
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
export const nodeGroupsNeedTheirNetwork: Rule = ({ podNetwork, nodeGroups, addons }) => [
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
export const endpointAccess: Rule = ({ endpoint, tier }) => {
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
export const accessAndRoutes: Rule = ({ access, peerings, endpoint }) => {
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
export const endpointsWithoutEgress: Rule = ({ egress, tier, vpcEndpoints }) => {
    if (!tier || !vpcEndpoints || vpcEndpoints.interface !== false) return [];
    return (egress ?? defaultEgress(tier)) === "none"
        ? [{ path: ["vpcEndpoints", "interface"], message: "cannot be false when platform:egress is none: a VPC without egress reaches AWS only through interface endpoints" }]
        : [];
};
