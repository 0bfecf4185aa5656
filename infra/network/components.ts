// The network layer's components: VPC endpoints, flow logs and peerings.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policy, serviceTrust } from "../../lib/iam";

type Tags = Record<string, string>;

export interface VpcEndpointsArgs {
    vpcId: pulumi.Input<string>;
    vpcCidr: string;
    region: string;
    subnetIds: pulumi.Input<string[]>;
    routeTableIds: pulumi.Input<string>[];
    /** Interface endpoint services, e.g. "ecr.api"; empty for the S3 gateway endpoint alone. */
    interfaceServices: string[];
    tags: Tags;
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
            tags: { ...args.tags, Name: `${name}-endpoints` },
        }, { parent: this });
        new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: args.vpcId,
            serviceName: `com.amazonaws.${args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: args.routeTableIds,
            tags: { ...args.tags, Name: `${name}-s3` },
        }, { parent: this });
        for (const service of args.interfaceServices) {
            new aws.ec2.VpcEndpoint(`${name}-${service.replace(/\./g, "-")}`, {
                vpcId: args.vpcId,
                serviceName: `com.amazonaws.${args.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: args.subnetIds,
                securityGroupIds: [sg.id],
                tags: { ...args.tags, Name: `${name}-${service}` },
            }, { parent: this });
        }
        this.securityGroupId = sg.id;
        this.services = args.interfaceServices;
        this.registerOutputs({ securityGroupId: this.securityGroupId });
    }
}

export interface FlowLogsArgs {
    vpcId: pulumi.Input<string>;
    retentionDays: number;
    trafficType: string;
    tags: Tags;
}

/** VPC flow logs to a CloudWatch log group, written by a role only the flow-logs service of this account can assume. */
export class FlowLogs extends pulumi.ComponentResource {
    readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: FlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:FlowLogs", name, {}, opts);
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
            name: `/aws/vpc/flow-logs/${name}`,
            retentionInDays: args.retentionDays,
            tags: args.tags,
        }, { parent: this });
        const role = new aws.iam.Role(`${name}-flow-logs`, {
            description: "Writes the VPC flow logs to CloudWatch Logs",
            assumeRolePolicy: account.apply((accountId) =>
                JSON.stringify(serviceTrust("vpc-flow-logs.amazonaws.com", { StringEquals: { "aws:SourceAccount": accountId } })),
            ),
            tags: args.tags,
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
            tags: args.tags,
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
    tags: Tags;
}

/**
 * A peering to another VPC with routes on our side. Same-account, same-region peerings are accepted
 * here; others wait for the peer's owner to accept.
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
            tags: { ...args.tags, Name: name },
        }, { parent: this });
        args.routeTableIds.forEach((routeTableId, i) => {
            new aws.ec2.Route(`${name}-${i}`, {
                routeTableId,
                destinationCidrBlock: args.peerCidr,
                vpcPeeringConnectionId: connection.id,
            }, { parent: this });
        });
        this.connectionId = connection.id;
        this.registerOutputs({ connectionId: this.connectionId });
    }
}
