// The network layer's components: VPC endpoints, flow logs and peerings.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policy, serviceTrust } from "../../lib/iam";

export interface VpcEndpointsArgs {
    vpcId: pulumi.Input<string>;
    vpcCidr: string;
    region: string;
    subnetIds: pulumi.Input<string[]>;
    routeTableIds: pulumi.Input<string>[];
    /** Interface endpoint services, e.g. "ecr.api"; empty for the S3 gateway endpoint alone. */
    interfaceServices: string[];
}

/** The S3 gateway endpoint, and interface endpoints with private DNS behind their own security group. */
export class VpcEndpoints extends pulumi.ComponentResource {
    readonly securityGroupId: pulumi.Output<string>;
    readonly services: string[];

    constructor(name: string, args: VpcEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:VpcEndpoints", name, {}, opts);
        const sg = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
            vpcId: args.vpcId,
            description: "VPC interface endpoints: HTTPS from the VPC",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr], description: "HTTPS from the VPC" }],
            egress: [],
            tags: { Name: `${name}-endpoints` },
        }, { parent: this });
        new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: args.vpcId,
            serviceName: `com.amazonaws.${args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: args.routeTableIds,
            tags: { Name: `${name}-s3` },
        }, { parent: this });
        for (const service of args.interfaceServices) {
            new aws.ec2.VpcEndpoint(`${name}-${service.replace(/\./g, "-")}`, {
                vpcId: args.vpcId,
                serviceName: `com.amazonaws.${args.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: args.subnetIds,
                securityGroupIds: [sg.id],
                tags: { Name: `${name}-${service}` },
            }, { parent: this });
        }
        this.securityGroupId = sg.id;
        this.services = args.interfaceServices;
        this.registerOutputs({ securityGroupId: this.securityGroupId });
    }
}

/** The flow-logs role's trust (VPC user guide, flow logs to CloudWatch Logs: IAM role). */
export function flowLogsTrust(accountId: string, region: string) {
    return serviceTrust("vpc-flow-logs.amazonaws.com", {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: { "aws:SourceArn": `arn:aws:ec2:${region}:${accountId}:vpc-flow-log/*` },
    });
}

export interface FlowLogsArgs {
    vpcId: pulumi.Input<string>;
    region: string;
    retentionDays: number;
    trafficType: string;
}

/**
 * VPC flow logs to a CloudWatch log group, written by a role only the flow-logs service can assume,
 * for this account's flow logs (aws:SourceAccount and aws:SourceArn: no confused deputy).
 */
export class FlowLogs extends pulumi.ComponentResource {
    readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: FlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:FlowLogs", name, {}, opts);
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
            name: `/aws/vpc/flow-logs/${name}`,
            retentionInDays: args.retentionDays,
        }, { parent: this });
        const role = new aws.iam.Role(`${name}-flow-logs`, {
            description: "Writes the VPC flow logs to CloudWatch Logs",
            assumeRolePolicy: account.apply((accountId) => JSON.stringify(flowLogsTrust(accountId, args.region))),
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-flow-logs`, {
            role: role.id,
            policy: logGroup.arn.apply((arn) => JSON.stringify(policy({
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [arn, `${arn}:*`],
            }))),
        }, { parent: this });
        new aws.ec2.FlowLog(`${name}-flow-logs`, {
            vpcId: args.vpcId,
            trafficType: args.trafficType,
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroup.arn,
            iamRoleArn: role.arn,
            maxAggregationInterval: 60,
        }, { parent: this });
        this.logGroupName = logGroup.name;
        this.registerOutputs({ logGroupName: this.logGroupName });
    }
}

export interface PeeringArgs {
    vpcId: pulumi.Input<string>;
    peerVpcId: string;
    peerCidr: string;
    peerOwnerId?: string;
    peerRegion?: string;
    /** Our route tables that get a route to the peer. */
    routeTableIds: pulumi.Input<string>[];
    /** This VPC's CIDR: the peer side's routes back. */
    vpcCidr: string;
    /** The peer's route tables that get the route back (same account only). */
    peerRouteTableIds: string[];
    /** The layer's AWS provider settings, for the provider of the peer's region. */
    providerArgs: aws.ProviderArgs;
}

/**
 * A peering to another VPC with routes on both sides. Same-account, same-region peerings are
 * accepted here, and the peer's route tables named in config get the route back (through a
 * provider of the peer's region when it differs). In another account the peer's owner accepts
 * and adds the route back (docs/runbooks/private-cluster-access.md).
 */
export class Peering extends pulumi.ComponentResource {
    readonly connectionId: pulumi.Output<string>;

    constructor(name: string, args: PeeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:Peering", name, {}, opts);
        const connection = new aws.ec2.VpcPeeringConnection(name, {
            vpcId: args.vpcId,
            peerVpcId: args.peerVpcId,
            peerOwnerId: args.peerOwnerId,
            peerRegion: args.peerRegion,
            autoAccept: args.peerOwnerId === undefined && args.peerRegion === undefined,
            tags: { Name: name },
        }, { parent: this });
        args.routeTableIds.forEach((routeTableId, i) => {
            new aws.ec2.Route(`${name}-${i}`, {
                routeTableId,
                destinationCidrBlock: args.peerCidr,
                vpcPeeringConnectionId: connection.id,
            }, { parent: this });
        });
        if (args.peerRouteTableIds.length > 0) {
            if (args.peerOwnerId !== undefined) throw new Error(`${name}: routes in another account's route tables are its owner's to add`);
            // The layer's provider settings (account, common tags), in the peer's region.
            const peerRegion = args.peerRegion && new aws.Provider(`${name}-peer-region`, { ...args.providerArgs, region: args.peerRegion as aws.Region }, { parent: this });
            // Another region: the peer side accepts there (same account, so the platform can).
            const accepted = peerRegion
                ? [new aws.ec2.VpcPeeringConnectionAccepter(name, { vpcPeeringConnectionId: connection.id, autoAccept: true, tags: { Name: name } }, { parent: this, provider: peerRegion })]
                : [];
            args.peerRouteTableIds.forEach((routeTableId) => {
                new aws.ec2.Route(`${name}-back-${routeTableId}`, {
                    routeTableId,
                    destinationCidrBlock: args.vpcCidr,
                    vpcPeeringConnectionId: connection.id,
                }, { parent: this, provider: peerRegion || undefined, dependsOn: accepted });
            });
        }
        this.connectionId = connection.id;
        this.registerOutputs({ connectionId: this.connectionId });
    }
}

export interface VpnRoutesArgs {
    vpcId: pulumi.Input<string>;
    /** A transit gateway (`tgw-...`) or a virtual private gateway (`vgw-...`). */
    gatewayId: string;
    cidrs: string[];
    /** Where a transit gateway attaches (one subnet per zone). */
    subnetIds: pulumi.Input<string[]>;
    routeTableIds: pulumi.Input<string>[];
}

/**
 * The way back to the VPN: the VPC's attachment to the gateway the VPN arrives through, and a route
 * per VPN CIDR in every private route table (the control plane's ENIs answer from there). The
 * gateway and the VPN connection itself belong to the network team; a transit gateway of another
 * account must accept the attachment (or auto-accept) and route the VPC's CIDR to it.
 */
export class VpnRoutes extends pulumi.ComponentResource {
    constructor(name: string, args: VpnRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:VpnRoutes", name, {}, opts);
        const transit = args.gatewayId.startsWith("tgw-");
        const attachment = transit
            ? new aws.ec2transitgateway.VpcAttachment(name, {
                    transitGatewayId: args.gatewayId,
                    vpcId: args.vpcId,
                    subnetIds: args.subnetIds,
                    dnsSupport: "enable",
                    tags: { Name: name },
                }, { parent: this })
            : new aws.ec2.VpnGatewayAttachment(name, { vpcId: args.vpcId, vpnGatewayId: args.gatewayId }, { parent: this });
        args.routeTableIds.forEach((routeTableId, i) => {
            for (const cidr of args.cidrs) {
                new aws.ec2.Route(`${name}-${i}-${cidr.replace(/[./]/g, "-")}`, {
                    routeTableId,
                    destinationCidrBlock: cidr,
                    ...(transit ? { transitGatewayId: args.gatewayId } : { gatewayId: args.gatewayId }),
                }, { parent: this, dependsOn: [attachment] });
            }
        });
        this.registerOutputs({});
    }
}
