// Layer 1, the network: a VPC over the configured zones from an explicit subnet plan, the egress
// the environment asks for, the VPC endpoints a private cluster needs, peerings and flow logs.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "../../lib/cidr";
import { REQUIRED_INTERFACE_ENDPOINTS, type EgressMode, type PlatformConfig } from "../../lib/config/schema";
import { defineLayer } from "../../lib/layer";
import { baseTags, clusterName, subnetTags } from "../../lib/naming";
import { FlowLogs, Peering, VpcEndpoints } from "./components";
import { networkContract } from "./contract";

const NAT_STRATEGY: Record<EgressMode, awsx.types.enums.ec2.NatGatewayStrategy> = {
    "none": "None",
    "single-nat": "Single",
    "nat-per-az": "OnePerAz",
};

/** The subnet plan of an environment (validated with the config, so it always fits). */
export function subnetPlan(c: PlatformConfig) {
    const plan = planSubnets(
        c.vpcCidr,
        c.availabilityZones.length,
        c.subnets.privatePrefixLength,
        c.egress === "none" ? undefined : c.subnets.publicPrefixLength,
    );
    if (typeof plan === "string") throw new Error(`platform:subnets: ${plan}`);
    return plan;
}

export function interfaceServices(c: PlatformConfig): string[] {
    return c.vpcEndpoints.interface ? [...new Set([...REQUIRED_INTERFACE_ENDPOINTS, ...c.vpcEndpoints.extra])] : [];
}

export const layer = defineLayer({
    name: "network",
    contract: networkContract,
    upstream: {},
    run({ config: c }) {
        const name = clusterName(c);
        const tags = baseTags(c, "network");
        const plan = subnetPlan(c);
        const privateOnly = c.egress === "none";
        // Without egress the node subnets have no route out at all: awsx calls them "Isolated".
        const nodeSubnetType: awsx.types.enums.ec2.SubnetType = privateOnly ? "Isolated" : "Private";
        const vpc = new awsx.ec2.Vpc(name, {
            cidrBlock: c.vpcCidr,
            availabilityZoneNames: c.availabilityZones,
            subnetStrategy: "Auto",
            subnetSpecs: [
                { type: nodeSubnetType, name: "private", cidrBlocks: plan.private, tags: { ...tags, ...subnetTags(c, "private") } },
                ...(privateOnly ? [] : [{ type: "Public" as const, name: "public", cidrBlocks: plan.public, tags: { ...tags, ...subnetTags(c, "public") } }]),
            ],
            natGateways: { strategy: NAT_STRATEGY[c.egress] },
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: { ...tags, Name: name },
        }, { protect: c.tier === "production" });

        const privateSubnetIds = privateOnly ? vpc.isolatedSubnetIds : vpc.privateSubnetIds;
        // awsx gives every subnet its own route table; look each private one up by its subnet.
        const privateRouteTableIds = c.availabilityZones.map((_, i) =>
            aws.ec2.getRouteTableOutput({ subnetId: privateSubnetIds.apply((ids) => ids[i]) }).routeTableId,
        );

        const endpoints = new VpcEndpoints(name, {
            vpcId: vpc.vpcId,
            vpcCidr: c.vpcCidr,
            region: c.region,
            subnetIds: privateSubnetIds,
            routeTableIds: privateRouteTableIds,
            interfaceServices: interfaceServices(c),
            tags,
        });

        const peerings = c.peerings.map((p) => new Peering(`${name}-${p.name}`, {
            vpcId: vpc.vpcId,
            peerVpcId: p.peerVpcId,
            peerCidr: p.peerCidr,
            peerOwnerId: p.peerOwnerId,
            peerRegion: p.peerRegion,
            routeTableIds: privateRouteTableIds,
            tags,
        }));

        const flowLogs = new FlowLogs(name, {
            vpcId: vpc.vpcId,
            retentionDays: c.flowLogs.retentionDays,
            trafficType: c.flowLogs.trafficType,
            tags,
        });

        return {
            vpcId: vpc.vpcId,
            vpcCidr: pulumi.output(c.vpcCidr),
            availabilityZones: pulumi.output(c.availabilityZones),
            privateSubnetIds,
            privateSubnetCidrs: pulumi.output(plan.private),
            publicSubnetIds: privateOnly ? pulumi.output([]) : vpc.publicSubnetIds,
            privateRouteTableIds: pulumi.all(privateRouteTableIds),
            egress: pulumi.output(c.egress),
            interfaceEndpoints: pulumi.output(endpoints.services),
            endpointSecurityGroupId: endpoints.securityGroupId,
            peerCidrs: pulumi.output(c.peerings.map((p) => p.peerCidr)),
            peeringConnectionIds: pulumi.all(peerings.map((p) => p.connectionId)),
            flowLogGroupName: flowLogs.logGroupName,
        };
    },
});
