// Cross-field rules of the environment config. Each rule reads only keys that passed the schema,
// so one run reports every problem at once.
import * as cidr from "../cidr";
import type { z } from "zod";
import { defaultEgress, type configSchema } from "./schema";

type Parsed = z.output<typeof configSchema>;
export type PartialConfig = Partial<Parsed>;

export interface Problem {
    /** Path below the namespace, e.g. ["subnets", "privatePrefixLength"]. */
    path: (string | number)[];
    message: string;
}

type Rule = (c: PartialConfig) => Problem[];

const SERVICE_CIDR_PARENTS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

const zonesInRegion: Rule = ({ region, availabilityZones }) => {
    if (!region || !availabilityZones) return [];
    const problems: Problem[] = availabilityZones
        .map((zone, i) => ({ zone, i }))
        .filter(({ zone }) => !(zone.startsWith(region) && zone.length === region.length + 1))
        .map(({ zone, i }) => ({ path: ["availabilityZones", i], message: `"${zone}" is not a zone of ${region} (aws:region)` }));
    const duplicates = availabilityZones.filter((z, i) => availabilityZones.indexOf(z) !== i);
    if (duplicates.length > 0) {
        problems.push({ path: ["availabilityZones"], message: `lists ${duplicates.join(", ")} more than once` });
    }
    return problems;
};

const vpcSize: Rule = ({ vpcCidr }) => {
    if (!vpcCidr) return [];
    const p = cidr.prefixLength(vpcCidr);
    return p < 16 || p > 24 ? [{ path: ["vpcCidr"], message: `"${vpcCidr}" must be a /16 to /24 (AWS allows /16 to /28; smaller cannot hold a cluster)` }] : [];
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

/** Public API access needs an explicit allow list, and production never opens it to the internet. */
const endpointAccess: Rule = ({ endpoint, tier }) => {
    if (!endpoint || !endpoint.publicAccess) return [];
    if (endpoint.publicAccessCidrs.length === 0) {
        return [{ path: ["endpoint", "publicAccessCidrs"], message: "must list the allowed CIDRs when endpoint.publicAccess is true (an empty list opens the API to 0.0.0.0/0)" }];
    }
    if (tier !== "production") return [];
    return endpoint.publicAccessCidrs
        .map((value, i) => ({ value, i }))
        .filter(({ value }) => cidr.prefixLength(value) === 0)
        .map(({ value, i }) => ({ path: ["endpoint", "publicAccessCidrs", i], message: `"${value}" opens the API to the internet, which production never does` }));
};

const uniquePeeringNames: Rule = ({ peerings }) => {
    const names = (peerings ?? []).map((p) => p.name);
    return names
        .map((name, i) => ({ name, i }))
        .filter(({ name, i }) => names.indexOf(name) !== i)
        .map(({ name, i }) => ({ path: ["peerings", i, "name"], message: `"${name}" is used by another peering` }));
};

/** Without egress, nodes reach ECR, STS, EKS and the rest only through interface endpoints. */
const endpointsWithoutEgress: Rule = ({ egress, tier, vpcEndpoints }) => {
    if (!tier || !vpcEndpoints || vpcEndpoints.interface !== false) return [];
    return (egress ?? defaultEgress(tier)) === "none"
        ? [{ path: ["vpcEndpoints", "interface"], message: "cannot be false when platform:egress is none: a VPC without egress reaches AWS only through interface endpoints" }]
        : [];
};

export const RULES: readonly Rule[] = [
    zonesInRegion, vpcSize, serviceCidrRange, noOverlaps, subnetPlan, overlayCapacity, endpointAccess, uniquePeeringNames,
    endpointsWithoutEgress,
];
