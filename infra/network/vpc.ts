// platform:network:Vpc: the VPC from plain aws.ec2 resources, from the platform's own subnet plan.
// Not awsx's ec2.Vpc: awsx always creates and attaches an internet gateway, even to a VPC of
// isolated subnets only (pulumi/pulumi-awsx awsx/ec2/vpc.ts, "We unconditionally create the IGW"),
// which an SCP of a fully private account refuses. Here an internet gateway, public subnets, NAT
// gateways and their addresses exist only when the environment has internet egress.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SubnetPlan } from "../../lib/cidr";
import type { EgressMode } from "../../lib/config/schema";

type Tags = Record<string, string>;

export interface VpcArgs {
    cidrBlock: string;
    availabilityZones: string[];
    /** The subnet plan (lib/cidr.ts): `public` is empty without egress. */
    subnets: SubnetPlan;
    egress: EgressMode;
    /** Tags that let EKS, the load balancer controller and Karpenter find each kind of subnet. */
    privateSubnetTags: Tags;
    publicSubnetTags: Tags;
    /** Stateful: a production VPC is protected from deletion. */
    protect: boolean;
}

/** The zone suffix of an availability zone name: `eu-west-1a` -> `a`. */
const zoneSuffix = (zone: string): string => zone.slice(-1);

export class Vpc extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    /** Nodes, Fargate pods, the control plane's ENIs and the interface endpoints; in zone order. */
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** One route table per private subnet, in zone order (NAT per zone, peering and VPN routes). */
    readonly privateRouteTableIds: pulumi.Output<string>[];

    constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:Vpc", name, {}, opts);
        const parent = { parent: this, protect: args.protect };
        const egress = args.egress !== "none";
        if (egress !== (args.subnets.public.length > 0)) {
            throw new Error(`${name}: public subnets exist exactly when the environment has egress (egress: ${args.egress})`);
        }

        const vpc = new aws.ec2.Vpc(name, {
            cidrBlock: args.cidrBlock,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: { Name: name },
        }, parent);

        const natGatewayIds: pulumi.Output<string>[] = [];
        const publicSubnetIds: pulumi.Output<string>[] = [];
        if (egress) {
            const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { Name: name } }, parent);
            const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: { Name: `${name}-public` } }, parent);
            new aws.ec2.Route(`${name}-public-internet`, { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, parent);
            const natZones = args.egress === "nat-per-az" ? args.availabilityZones.length : 1;
            args.availabilityZones.forEach((zone, i) => {
                const id = `${name}-public-${zoneSuffix(zone)}`;
                const subnet = new aws.ec2.Subnet(id, {
                    vpcId: vpc.id,
                    availabilityZone: zone,
                    cidrBlock: args.subnets.public[i],
                    // Internet-facing load balancers and NAT gateways only: nothing else gets a public address.
                    mapPublicIpOnLaunch: false,
                    tags: { ...args.publicSubnetTags, Name: id },
                }, parent);
                new aws.ec2.RouteTableAssociation(id, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
                publicSubnetIds.push(subnet.id);
                if (i >= natZones) return;
                const eip = new aws.ec2.Eip(`${name}-nat-${zoneSuffix(zone)}`, { domain: "vpc", tags: { Name: `${name}-nat-${zoneSuffix(zone)}` } }, parent);
                natGatewayIds.push(new aws.ec2.NatGateway(`${name}-nat-${zoneSuffix(zone)}`, {
                    subnetId: subnet.id,
                    allocationId: eip.allocationId,
                    connectivityType: "public",
                    tags: { Name: `${name}-nat-${zoneSuffix(zone)}` },
                }, { ...parent, dependsOn: [igw] }).id);
            });
        }

        const privateSubnetIds: pulumi.Output<string>[] = [];
        this.privateRouteTableIds = args.availabilityZones.map((zone, i) => {
            const id = `${name}-private-${zoneSuffix(zone)}`;
            const subnet = new aws.ec2.Subnet(id, {
                vpcId: vpc.id,
                availabilityZone: zone,
                cidrBlock: args.subnets.private[i],
                mapPublicIpOnLaunch: false,
                tags: { ...args.privateSubnetTags, Name: id },
            }, parent);
            privateSubnetIds.push(subnet.id);
            const routes = new aws.ec2.RouteTable(id, { vpcId: vpc.id, tags: { Name: id } }, parent);
            new aws.ec2.RouteTableAssociation(id, { subnetId: subnet.id, routeTableId: routes.id }, parent);
            // Without egress there is no route out at all: AWS APIs through the VPC endpoints.
            if (natGatewayIds.length > 0) {
                new aws.ec2.Route(`${id}-internet`, {
                    routeTableId: routes.id,
                    destinationCidrBlock: "0.0.0.0/0",
                    natGatewayId: natGatewayIds[Math.min(i, natGatewayIds.length - 1)],
                }, parent);
            }
            return routes.id;
        });

        this.vpcId = vpc.id;
        this.privateSubnetIds = pulumi.all(privateSubnetIds);
        this.publicSubnetIds = pulumi.all(publicSubnetIds);
        this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
    }
}
