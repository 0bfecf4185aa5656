// CIDR math through ip-num: parsing, overlap, containment and the subnet plan.
import { IPv4, IPv4CidrRange, Validator } from "ip-num";

/** AWS keeps five addresses of every subnet for itself. */
export const AWS_RESERVED_PER_SUBNET = 5;

/** A CIDR whose address is the first of its range ("10.0.0.0/16", not "10.0.0.1/16"). */
export function isIpv4Cidr(value: string): boolean {
    return Validator.isValidIPv4CidrNotation(value)[0] && Validator.isValidIPv4CidrRange(value)[0];
}

export function range(cidr: string): IPv4CidrRange {
    return IPv4CidrRange.fromCidr(cidr);
}

export function prefixLength(cidr: string): number {
    return Number(range(cidr).getPrefix().getValue());
}

export function size(cidr: string): bigint {
    return range(cidr).getSize();
}

export function overlaps(a: string, b: string): boolean {
    return range(a).isOverlapping(range(b));
}

export function contains(outer: string, inner: string): boolean {
    return range(inner).inside(range(outer));
}

export interface SubnetPlan {
    /** One private subnet per availability zone, in zone order. */
    private: string[];
    /** One public subnet per availability zone, in zone order; empty without internet egress. */
    public: string[];
}

/**
 * `count` consecutive blocks of `/prefix` from the first aligned one at or after `from`, or fewer
 * when the VPC ends first. Computed from the addresses, not by splitting the VPC into every block
 * of that size (a /16 holds 4,096 /28s).
 */
function blocksFrom(vpc: IPv4CidrRange, from: bigint, prefix: number, count: number): IPv4CidrRange[] {
    const blockSize = 1n << BigInt(32 - prefix);
    const blocks: IPv4CidrRange[] = [];
    for (let start = ((from + blockSize - 1n) / blockSize) * blockSize; blocks.length < count; start += blockSize) {
        if (start + blockSize - 1n > vpc.getLast().getValue()) break;
        blocks.push(IPv4CidrRange.fromCidr(`${IPv4.fromNumber(start).toString()}/${prefix}`));
    }
    return blocks;
}

/**
 * Lays the subnets out in the VPC: the private subnets first (one block of `privatePrefix` per
 * zone, from the start of the VPC), then the public ones in the first free blocks after them.
 * Returns an error message instead when the plan does not fit.
 */
export function planSubnets(
    vpcCidr: string,
    zoneCount: number,
    privatePrefix: number,
    publicPrefix: number | undefined,
): SubnetPlan | string {
    const vpc = range(vpcCidr);
    const vpcPrefix = Number(vpc.getPrefix().getValue());
    for (const [label, p] of [["private", privatePrefix], ["public", publicPrefix]] as const) {
        if (p !== undefined && p < vpcPrefix) {
            return `the ${label} subnet prefix /${p} is larger than the VPC ${vpcCidr}`;
        }
    }
    const privateSubnets = blocksFrom(vpc, vpc.getFirst().getValue(), privatePrefix, zoneCount);
    if (privateSubnets.length < zoneCount) {
        return `${zoneCount} private /${privatePrefix} subnets do not fit in the VPC ${vpcCidr}`;
    }
    if (publicPrefix === undefined) {
        return { private: privateSubnets.map((r) => r.toCidrString()), public: [] };
    }
    // The private blocks are contiguous from the VPC's start: the first free block follows the last.
    const publicSubnets = zoneCount === 0 ? [] : blocksFrom(vpc, privateSubnets[zoneCount - 1].getLast().getValue() + 1n, publicPrefix, zoneCount);
    if (publicSubnets.length < zoneCount) {
        return `${zoneCount} private /${privatePrefix} and ${zoneCount} public /${publicPrefix} subnets do not fit in the VPC ${vpcCidr}`;
    }
    return {
        private: privateSubnets.map((r) => r.toCidrString()),
        public: publicSubnets.map((r) => r.toCidrString()),
    };
}

/** Addresses a subnet offers to nodes and pods, after the ones AWS keeps. */
export function usableAddresses(cidr: string): number {
    return Number(size(cidr)) - AWS_RESERVED_PER_SUBNET;
}
