// Layer 1, the network: a VPC over the configured zones from an explicit subnet plan, the egress
// the environment asks for, the VPC endpoints a private cluster needs, peerings and flow logs.
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "../../lib/cidr";
import { REQUIRED_INTERFACE_ENDPOINTS, type PlatformConfig } from "../../lib/config/schema";
import { awsProviderArgs, layerAwsProvider } from "../../lib/awsProvider";
import { defineLayer } from "../../lib/layer";
import { clusterName, subnetTags } from "../../lib/naming";
import { FlowLogs, Peering, VpcEndpoints, VpnRoutes } from "./components";
import { networkContract } from "./contract";
import { Vpc } from "./vpc";

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
        const plan = subnetPlan(c);
        // Every AWS resource of the layer is created through its provider (region, account, common tags).
        const opts = { providers: [layerAwsProvider(c, "network")] };
        const vpc = new Vpc(name, {
            cidrBlock: c.vpcCidr,
            availabilityZones: c.availabilityZones,
            subnets: plan,
            egress: c.egress,
            privateSubnetTags: subnetTags(c, "private"),
            publicSubnetTags: subnetTags(c, "public"),
            protect: c.tier === "production",
        }, opts);
        const privateSubnetIds = vpc.privateSubnetIds;
        const privateRouteTableIds = vpc.privateRouteTableIds;

        const endpoints = new VpcEndpoints(name, {
            vpcId: vpc.vpcId,
            vpcCidr: c.vpcCidr,
            region: c.region,
            subnetIds: privateSubnetIds,
            routeTableIds: privateRouteTableIds,
            interfaceServices: interfaceServices(c),
        }, opts);

        const peerings = c.peerings.map((p) => new Peering(`${name}-${p.name}`, {
            vpcId: vpc.vpcId,
            peerVpcId: p.peerVpcId,
            peerCidr: p.peerCidr,
            peerOwnerId: p.peerOwnerId,
            peerRegion: p.peerRegion,
            routeTableIds: privateRouteTableIds,
            vpcCidr: c.vpcCidr,
            peerRouteTableIds: p.peerRouteTableIds,
            providerArgs: awsProviderArgs(c, "network"),
        }, opts));

        if (c.endpoint.vpnGateway && c.endpoint.vpnCidrs.length > 0) {
            new VpnRoutes(`${name}-vpn`, {
                vpcId: vpc.vpcId,
                gatewayId: c.endpoint.vpnGateway,
                cidrs: c.endpoint.vpnCidrs,
                subnetIds: privateSubnetIds,
                routeTableIds: privateRouteTableIds,
            }, opts);
        }

        const flowLogs = new FlowLogs(name, {
            vpcId: vpc.vpcId,
            region: c.region,
            retentionDays: c.flowLogs.retentionDays,
            trafficType: c.flowLogs.trafficType,
        }, opts);

        return {
            vpcId: vpc.vpcId,
            vpcCidr: pulumi.output(c.vpcCidr),
            availabilityZones: pulumi.output(c.availabilityZones),
            privateSubnetIds,
            privateSubnetCidrs: pulumi.output(plan.private),
            publicSubnetIds: vpc.publicSubnetIds,
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
