import { strict as assert } from "assert";
import { networkContract } from "../infra/network/contract";
import { REQUIRED_INTERFACE_ENDPOINTS } from "../lib/config/schema";
import { ACCOUNT_ID } from "../synth/fixtures";
import { synthesize, type Plan } from "../synth/synth";
import { configWith, layerOf, rejectionOf, resourceOf, resourcesOf, synthEnv, synthThrough } from "./helpers";

const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const IGW = "aws:ec2/internetGateway:InternetGateway";
const NAT = "aws:ec2/natGateway:NatGateway";
const EIP = "aws:ec2/eip:Eip";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const PEERING = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
const ROUTE = "aws:ec2/route:Route";

const outputsOf = (plan: Plan) => networkContract.parse(layerOf(plan, "network").outputs);
const vpcOf = (plan: Plan) => {
    const vpcs = resourcesOf(plan, "network", VPC);
    assert.equal(vpcs.length, 1, "one aws.ec2.Vpc");
    return vpcs[0];
};
const subnetsOf = (plan: Plan, kind: "private" | "public") => resourcesOf(plan, "network", SUBNET).filter((r) => r.name.includes(`-${kind}-`));
const cidrsOf = (plan: Plan, kind: "private" | "public") => subnetsOf(plan, kind).map((r) => r.inputs.cidrBlock);
const peeringRoutes = (plan: Plan) => resourcesOf(plan, "network", ROUTE).filter((r) => r.inputs.vpcPeeringConnectionId);
const endpointsOf = (plan: Plan, type: "Gateway" | "Interface") =>
    resourcesOf(plan, "network", ENDPOINT).filter((r) => r.inputs.vpcEndpointType === type);
/** The network layer alone of the base config with some settings changed. */
const synthWith = (overrides: Record<string, unknown>) => synthThrough(configWith(overrides), "network");

const TOOLING = { name: "tooling", peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidr: "10.100.0.0/16" };

describe("network layer", () => {
    let dev: Plan;
    let prod: Plan;

    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    describe("the VPC", () => {
        it("takes the configured CIDR, with DNS support and hostnames on; no awsx component", () => {
            const { inputs } = vpcOf(dev);
            assert.equal(inputs.cidrBlock, "10.20.0.0/16");
            assert.equal(inputs.enableDnsSupport, true);
            assert.equal(inputs.enableDnsHostnames, true);
            assert.equal(vpcOf(dev).name, "acme-dev");
            for (const plan of [dev, prod]) assert.equal(resourcesOf(plan, "network", "awsx:ec2:Vpc").length, 0);
        });

        it("subnet plan: dev gets the exact private and public CIDRs, one of each per zone", () => {
            assert.deepEqual(cidrsOf(dev, "private"), ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]);
            assert.deepEqual(cidrsOf(dev, "public"), ["10.20.96.0/24", "10.20.97.0/24", "10.20.98.0/24"]);
            assert.deepEqual(subnetsOf(dev, "private").map((r) => r.inputs.availabilityZone), ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
            for (const subnet of resourcesOf(dev, "network", SUBNET)) assert.equal(subnet.inputs.mapPublicIpOnLaunch, false, subnet.name);
        });

        it("subnet plan: prod (egress none) has only private node subnets, no public ones", () => {
            assert.deepEqual(cidrsOf(prod, "private"), ["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"]);
            assert.deepEqual(cidrsOf(prod, "public"), []);
            assert.deepEqual(outputsOf(prod).publicSubnetIds, []);
            assert.deepEqual(outputsOf(prod).privateSubnetCidrs, ["10.30.0.0/18", "10.30.64.0/18", "10.30.128.0/18"]);
        });

        it("subnet tags: public subnets are for internet-facing load balancers only", () => {
            for (const { inputs } of subnetsOf(dev, "public")) {
                const tags = inputs.tags as Record<string, string>;
                assert.equal(tags["kubernetes.io/role/elb"], "1");
                assert.equal(tags["kubernetes.io/cluster/acme-dev"], "shared");
                assert.equal(tags["kubernetes.io/role/internal-elb"], undefined);
                assert.equal(tags["karpenter.sh/discovery"], undefined, "Karpenter must not launch nodes in public subnets");
            }
        });

        it("subnet tags: private subnets carry internal-elb, the cluster tag and Karpenter discovery", () => {
            for (const plan of [dev, prod]) {
                const cluster = plan === dev ? "acme-dev" : "acme-prod";
                for (const { inputs } of subnetsOf(plan, "private")) {
                    const tags = inputs.tags as Record<string, string>;
                    assert.equal(tags["kubernetes.io/role/internal-elb"], "1");
                    assert.equal(tags[`kubernetes.io/cluster/${cluster}`], "shared");
                    assert.equal(tags["karpenter.sh/discovery"], cluster);
                    assert.equal(tags["kubernetes.io/role/elb"], undefined);
                }
            }
        });

        it("tags: the config tags and the platform tags are on the VPC (its Name by hand, the rest from the layer's provider)", () => {
            assert.deepEqual(vpcOf(dev).inputs.tags, { Name: "acme-dev" });
            assert.deepEqual(vpcOf(dev).inputs.tagsAll, {
                CostCenter: "platform",
                Name: "acme-dev",
                "platform:name": "acme",
                "platform:environment": "dev",
                "platform:layer": "network",
                "platform:managed-by": "pulumi",
            });
        });

        it("protection: the VPC and its subnets are protected in production and not in development", () => {
            assert.equal(vpcOf(prod).protect, true);
            for (const subnet of subnetsOf(prod, "private")) assert.equal(subnet.protect, true);
            assert.equal(vpcOf(dev).protect, false);
        });

        it("every private subnet has its own route table", () => {
            for (const plan of [dev, prod]) {
                const associations = resourcesOf(plan, "network", "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((r) => r.name.includes("-private-"));
                assert.equal(associations.length, 3);
                assert.equal(new Set(associations.map((a) => a.inputs.routeTableId)).size, 3);
                assert.deepEqual(outputsOf(plan).privateRouteTableIds.length, 3);
            }
        });
    });

    describe("egress", () => {
        it("single-nat (dev): an internet gateway, one NAT gateway with its address, every private zone routed through it", () => {
            assert.equal(resourcesOf(dev, "network", IGW).length, 1);
            assert.equal(resourcesOf(dev, "network", NAT).length, 1);
            assert.equal(resourcesOf(dev, "network", EIP).length, 1);
            const internet = resourcesOf(dev, "network", ROUTE).filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0");
            assert.equal(internet.filter((r) => r.inputs.natGatewayId).length, 3);
            assert.equal(internet.filter((r) => r.inputs.gatewayId).length, 1, "the public route table's route to the internet gateway");
            assert.equal(outputsOf(dev).egress, "single-nat");
        });

        it("none (prod): no internet gateway, no NAT gateway, no address, no route out (an SCP may deny internet gateways)", () => {
            for (const type of [IGW, NAT, EIP]) assert.equal(resourcesOf(prod, "network", type).length, 0, type);
            assert.equal(resourcesOf(prod, "network", ROUTE).filter((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0").length, 0);
            assert.equal(outputsOf(prod).egress, "none");
        });

        it("nat-per-az: one NAT gateway per zone, each zone's private subnet routed through its own", async () => {
            const plan = await synthWith({ "platform:egress": "nat-per-az" });
            const nats = resourcesOf(plan, "network", NAT);
            assert.equal(nats.length, 2);
            assert.deepEqual(cidrsOf(plan, "private"), ["10.0.0.0/19", "10.0.32.0/19"]);
            assert.deepEqual(cidrsOf(plan, "public"), ["10.0.64.0/24", "10.0.65.0/24"]);
            const natRoutes = resourcesOf(plan, "network", ROUTE).filter((r) => r.inputs.natGatewayId);
            assert.equal(new Set(natRoutes.map((r) => r.inputs.natGatewayId)).size, 2);
            assert.equal(outputsOf(plan).publicSubnetIds.length, 2);
        });
    });

    describe("VPC endpoints", () => {
        it("prod: the S3 gateway endpoint is on every private route table", () => {
            const gateways = endpointsOf(prod, "Gateway");
            assert.equal(gateways.length, 1);
            assert.equal(gateways[0].inputs.serviceName, "com.amazonaws.eu-west-1.s3");
            assert.deepEqual(gateways[0].inputs.routeTableIds, outputsOf(prod).privateRouteTableIds);
            assert.equal(outputsOf(prod).privateRouteTableIds.length, 3);
        });

        it("prod: one interface endpoint per required service, private DNS on, in the private subnets, behind the endpoint security group", () => {
            const out = outputsOf(prod);
            const interfaces = endpointsOf(prod, "Interface");
            const services = interfaces.map((r) => String(r.inputs.serviceName).replace("com.amazonaws.eu-west-1.", "")).sort();
            for (const needed of ["ecr.api", "ecr.dkr", "sts", "ec2", "eks", "eks-auth", "logs", "elasticloadbalancing", "ssm"]) {
                assert.ok(services.includes(needed), `no ${needed} endpoint`);
            }
            assert.deepEqual(services, [...REQUIRED_INTERFACE_ENDPOINTS].sort());
            for (const r of interfaces) {
                assert.equal(r.inputs.privateDnsEnabled, true, r.name);
                assert.deepEqual(r.inputs.subnetIds, out.privateSubnetIds, r.name);
                assert.deepEqual(r.inputs.securityGroupIds, [out.endpointSecurityGroupId], r.name);
            }
            assert.deepEqual([...out.interfaceEndpoints].sort(), services);
        });

        it("the endpoint security group allows only HTTPS from the VPC CIDR", () => {
            const sg = resourceOf(prod, "network", SECURITY_GROUP, "acme-prod-endpoints");
            assert.deepEqual(sg.inputs.ingress, [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.30.0.0/16"], description: "HTTPS from the VPC" },
            ]);
            assert.deepEqual(sg.inputs.egress, []);
            assert.equal(sg.inputs.vpcId, outputsOf(prod).vpcId);
        });

        it("dev (NAT egress): only the S3 gateway endpoint", () => {
            const endpoints = resourcesOf(dev, "network", ENDPOINT);
            assert.deepEqual(endpoints.map((r) => [r.inputs.vpcEndpointType, r.inputs.serviceName]), [
                ["Gateway", "com.amazonaws.eu-west-1.s3"],
            ]);
            assert.deepEqual(outputsOf(dev).interfaceEndpoints, []);
        });

        it("extra interface endpoints are added once, next to the required ones", async () => {
            const plan = await synthWith({ "platform:egress": "none", "platform:vpcEndpoints": { extra: ["ecr.api", "sagemaker.api"] } });
            const services = endpointsOf(plan, "Interface").map((r) => r.inputs.serviceName);
            assert.equal(services.length, REQUIRED_INTERFACE_ENDPOINTS.length + 1);
            assert.equal(services.filter((s) => s === "com.amazonaws.eu-west-1.ecr.api").length, 1);
            assert.ok(services.includes("com.amazonaws.eu-west-1.sagemaker.api"));
        });
    });

    describe("peering", () => {
        it("same account and region: the peering is accepted here", () => {
            const [pcx] = resourcesOf(dev, "network", PEERING);
            assert.equal(pcx.name, "acme-dev-tooling");
            assert.equal(pcx.inputs.autoAccept, true);
            assert.equal(pcx.inputs.peerVpcId, "vpc-0a1b2c3d4e5f60718");
            assert.equal(pcx.inputs.vpcId, outputsOf(dev).vpcId);
            assert.equal(pcx.inputs.peerOwnerId, undefined);
        });

        it("routes: one route per private route table to the peer CIDR through the peering", () => {
            for (const plan of [dev, prod]) {
                const out = outputsOf(plan);
                const routes = peeringRoutes(plan).filter((r) => r.inputs.destinationCidrBlock === "10.100.0.0/16");
                assert.deepEqual(routes.map((r) => r.inputs.routeTableId), out.privateRouteTableIds);
                for (const r of routes) assert.equal(r.inputs.vpcPeeringConnectionId, out.peeringConnectionIds[0]);
            }
        });

        it("routes back: the peer's route tables named in config route this VPC's CIDR through the peering", () => {
            for (const plan of [dev, prod]) {
                const out = outputsOf(plan);
                const back = peeringRoutes(plan).filter((r) => r.inputs.destinationCidrBlock === out.vpcCidr);
                assert.deepEqual(back.map((r) => r.inputs.routeTableId), ["rtb-0f1e2d3c4b5a69788"]);
                assert.equal(back[0].inputs.vpcPeeringConnectionId, out.peeringConnectionIds[0]);
            }
        });

        it("routes back in another region: accepted and routed there through a provider of that region", async () => {
            const plan = await synthWith({ "platform:peerings": [{ ...TOOLING, peerRegion: "eu-central-1", peerRouteTableIds: ["rtb-0123456789abcdef0"] }] });
            const [accepter] = resourcesOf(plan, "network", "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
            assert.equal(accepter.inputs.autoAccept, true);
            const provider = resourcesOf(plan, "network", "pulumi:providers:aws").find((p) => p.inputs.region === "eu-central-1")!;
            assert.equal(accepter.provider, provider.urn);
            // The layer's account and common tags hold in the peer's region too.
            assert.equal(JSON.parse(String(provider.inputs.defaultTags)).tags["platform:layer"], "network");
            assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), ["111122223333"]);
            const back = peeringRoutes(plan).filter((r) => r.inputs.destinationCidrBlock === "10.0.0.0/16");
            assert.equal(back.length, 1);
            assert.ok(back[0].dependsOn.includes(accepter.urn));
        });

        it("another account: the peering waits for the peer owner (autoAccept false)", async () => {
            const plan = await synthWith({ "platform:peerings": [{ ...TOOLING, peerOwnerId: "444455556666" }] });
            const [pcx] = resourcesOf(plan, "network", PEERING);
            assert.equal(pcx.inputs.autoAccept, false);
            assert.equal(pcx.inputs.peerOwnerId, "444455556666");
        });

        it("another region: the peering waits for the peer side (autoAccept false)", async () => {
            const plan = await synthWith({ "platform:peerings": [{ ...TOOLING, peerRegion: "eu-central-1", peerRouteTableIds: ["rtb-0123456789abcdef0"] }] });
            const [pcx] = resourcesOf(plan, "network", PEERING);
            assert.equal(pcx.inputs.autoAccept, false);
            assert.equal(pcx.inputs.peerRegion, "eu-central-1");
        });

        it("no peerings: no peering connection and no routes", async () => {
            const plan = await synthWith({});
            assert.deepEqual(resourcesOf(plan, "network", PEERING), []);
            assert.deepEqual(peeringRoutes(plan), []);
            assert.deepEqual(outputsOf(plan).peerCidrs, []);
        });
    });

    describe("VPN", () => {
        it("a transit gateway: the VPC attaches to it in the private subnets, and every private route table routes each VPN CIDR to it", () => {
            for (const plan of [dev, prod]) {
                const out = outputsOf(plan);
                const [attachment] = resourcesOf(plan, "network", "aws:ec2transitgateway/vpcAttachment:VpcAttachment");
                assert.equal(attachment.inputs.transitGatewayId, "tgw-0a1b2c3d4e5f60718");
                assert.deepEqual(attachment.inputs.subnetIds, out.privateSubnetIds);
                const routes = resourcesOf(plan, "network", ROUTE).filter((r) => r.inputs.transitGatewayId);
                assert.deepEqual(routes.map((r) => [r.inputs.routeTableId, r.inputs.destinationCidrBlock]), out.privateRouteTableIds.map((id) => [id, "10.200.0.0/16"]));
                for (const r of routes) assert.ok(r.dependsOn.includes(attachment.urn));
            }
        });

        it("a virtual private gateway: attached to the VPC, routes through it", async () => {
            const plan = await synthWith({ "platform:endpoint": { vpnCidrs: ["10.200.0.0/16", "10.201.0.0/16"], vpnGateway: "vgw-0a1b2c3d4e5f60718" } });
            assert.equal(resourcesOf(plan, "network", "aws:ec2/vpnGatewayAttachment:VpnGatewayAttachment").length, 1);
            const routes = resourcesOf(plan, "network", ROUTE).filter((r) => r.inputs.gatewayId === "vgw-0a1b2c3d4e5f60718");
            assert.equal(routes.length, 4, "two zones times two VPN CIDRs");
        });

        it("no VPN gateway: no attachment and no VPN routes, so the synth fails naming the missing route back (reachability)", async () => {
            const config = configWith({ "platform:endpoint": { vpnCidrs: ["10.200.0.0/16"] } });
            const plan = (await synthesize(config, "layered", undefined, undefined, [])).plan;
            assert.equal(resourcesOf(plan, "network", "aws:ec2transitgateway/vpcAttachment:VpcAttachment").length, 0);
            assert.equal(resourcesOf(plan, "network", ROUTE).filter((r) => r.inputs.destinationCidrBlock === "10.200.0.0/16").length, 0);
            const err = await rejectionOf(synthesize(config));
            assert.match(err.message, /\[reachability\] .*VPN or peered VPC 10\.200\.0\.0\/16 to the Kubernetes API \(tcp 443\): no route back to 10\.200\.0\.0\/16 .*set platform:endpoint\.vpnGateway/);
        });
    });

    describe("flow logs", () => {
        it("log group: named after the cluster, with the configured retention", () => {
            const dev_ = resourceOf(dev, "network", "aws:cloudwatch/logGroup:LogGroup", "acme-dev-flow-logs");
            assert.equal(dev_.inputs.name, "/aws/vpc/flow-logs/acme-dev");
            assert.equal(dev_.inputs.retentionInDays, 30);
            const prod_ = resourceOf(prod, "network", "aws:cloudwatch/logGroup:LogGroup", "acme-prod-flow-logs");
            assert.equal(prod_.inputs.retentionInDays, 365);
            assert.equal(outputsOf(prod).flowLogGroupName, "/aws/vpc/flow-logs/acme-prod");
        });

        it("flow log: the VPC's traffic to the log group, written by the flow-logs role", () => {
            const log = resourceOf(dev, "network", "aws:ec2/flowLog:FlowLog", "acme-dev-flow-logs");
            assert.equal(log.inputs.vpcId, outputsOf(dev).vpcId);
            assert.equal(log.inputs.trafficType, "ALL");
            assert.equal(log.inputs.logDestinationType, "cloud-watch-logs");
            assert.equal(log.inputs.logDestination, `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:/aws/vpc/flow-logs/acme-dev`);
            assert.match(String(log.inputs.iamRoleArn), new RegExp(`^arn:aws:iam::${ACCOUNT_ID}:role/acme-dev-flow-logs`));
        });

        it("flow log: trafficType follows the config", async () => {
            const plan = await synthWith({ "platform:flowLogs": { trafficType: "REJECT" } });
            const [log] = resourcesOf(plan, "network", "aws:ec2/flowLog:FlowLog");
            assert.equal(log.inputs.trafficType, "REJECT");
        });

        it("role: only vpc-flow-logs.amazonaws.com, for this account's flow logs (aws:SourceAccount, aws:SourceArn), may assume it", () => {
            const role = resourceOf(dev, "network", "aws:iam/role:Role", "acme-dev-flow-logs");
            assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)), {
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                        ArnLike: { "aws:SourceArn": `arn:aws:ec2:eu-west-1:${ACCOUNT_ID}:vpc-flow-log/*` },
                    },
                }],
            });
        });

        it("role policy: writes only to the flow log group", () => {
            const policy = resourceOf(dev, "network", "aws:iam/rolePolicy:RolePolicy", "acme-dev-flow-logs");
            const arn = `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:/aws/vpc/flow-logs/acme-dev`;
            const doc = JSON.parse(String(policy.inputs.policy)) as { Statement: { Resource: string[]; Action: string[] }[] };
            assert.deepEqual(doc.Statement.map((s) => s.Resource), [[arn, `${arn}:*`]]);
            assert.ok(doc.Statement[0].Action.includes("logs:PutLogEvents"));
        });
    });

    describe("outputs", () => {
        it("dev and prod outputs pass the network contract", () => {
            for (const plan of [dev, prod]) {
                const result = networkContract.safeParse(layerOf(plan, "network").outputs);
                assert.ok(result.success, result.error?.message);
            }
        });

        it("records the subnets, zones and peer CIDRs the cluster layer relies on", () => {
            const out = outputsOf(dev);
            assert.equal(out.vpcCidr, "10.20.0.0/16");
            assert.deepEqual(out.availabilityZones, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
            assert.deepEqual(out.privateSubnetCidrs, ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]);
            assert.equal(out.privateSubnetIds.length, 3);
            assert.equal(out.publicSubnetIds.length, 3);
            assert.deepEqual(out.peerCidrs, ["10.100.0.0/16"]);
            assert.equal(out.peeringConnectionIds.length, 1);
            assert.deepEqual(outputsOf(prod).peerCidrs, ["10.100.0.0/16"]);
        });
    });
});
