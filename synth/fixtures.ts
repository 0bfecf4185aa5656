// Realistic fake cloud values for the mock engine: ids, ARNs, AZ names and the outputs of remote
// components and data sources. Deterministic: the same program gives the same values.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT_ID = "111122223333";

export interface FixtureContext {
    region: string;
    accountId: string;
}

type State = Record<string, unknown>;
export type ResourceFixture = (args: pulumi.runtime.MockResourceArgs, ctx: FixtureContext) => { id?: string; state: State };
export type CallFixture = (inputs: Record<string, unknown>, ctx: FixtureContext) => State;

export const hex = (seed: string, length = 17): string => createHash("sha256").update(seed).digest("hex").slice(0, length);
export const fakeId = (prefix: string, seed: string): string => `${prefix}-${hex(seed)}`;

/** EC2-style ids by resource type; other resources are identified by their physical name. */
const ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/route:Route": "r-rtb",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
    "aws:efs/fileSystem:FileSystem": "fs",
    "aws:efs/mountTarget:MountTarget": "fsmt",
};

/** `aws:iam/role:Role` -> ["iam", "role"] */
function awsModule(type: string): [string, string] {
    const [, mod = "", member = ""] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
    return [mod, member];
}

function arnOf(type: string, physicalName: string, id: string, ctx: FixtureContext): string | undefined {
    const [mod, member] = awsModule(type);
    if (!mod) return undefined;
    const { region, accountId } = ctx;
    switch (`${mod}/${member}`) {
        case "iam/role": return `arn:aws:iam::${accountId}:role/${physicalName}`;
        case "iam/policy": return `arn:aws:iam::${accountId}:policy/${physicalName}`;
        case "iam/instanceProfile": return `arn:aws:iam::${accountId}:instance-profile/${physicalName}`;
        case "iam/openIdConnectProvider": return `arn:aws:iam::${accountId}:oidc-provider/${physicalName}`;
        case "cloudwatch/logGroup": return `arn:aws:logs:${region}:${accountId}:log-group:${physicalName}`;
        case "sqs/queue": return `arn:aws:sqs:${region}:${accountId}:${physicalName}`;
        case "kms/key": return `arn:aws:kms:${region}:${accountId}:key/${id}`;
        default: return `arn:aws:${mod}:${region}:${accountId}:${member.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}/${id}`;
    }
}

/** A custom resource no fixture names: its inputs, an id, a physical name and (for AWS) an ARN. */
export function genericResource(args: pulumi.runtime.MockResourceArgs, ctx: FixtureContext): { id: string; state: State } {
    const seed = `${args.type}::${args.name}`;
    const physicalName = typeof args.inputs.name === "string" ? args.inputs.name : `${args.name}-${hex(seed, 7)}`;
    const prefix = ID_PREFIX[args.type];
    const id = prefix ? fakeId(prefix, seed) : args.type === "aws:kms/key:Key" ? uuidOf(seed) : physicalName;
    const arn = arnOf(args.type, physicalName, id, ctx);
    const extra: State = args.type.startsWith("aws:") ? { name: physicalName, ...(arn ? { arn } : {}) } : {};
    if (args.type === "aws:sqs/queue:Queue") extra.url = `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${physicalName}`;
    if (args.type === "aws:kms/key:Key") extra.keyId = id;
    return { id, state: { ...args.inputs, ...extra } };
}

export const uuidOf = (seed: string): string => {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

interface SubnetSpec { type: string; name?: string; cidrBlocks?: string[] }

/** awsx:ec2:Vpc creates no children under mocks: its outputs, consistent with its inputs. */
const awsxVpc: ResourceFixture = (args) => {
    const zones = (args.inputs.availabilityZoneNames as string[] | undefined) ?? [];
    const specs = (args.inputs.subnetSpecs as SubnetSpec[] | undefined) ?? [];
    const idsOf = (type: string) =>
        specs.filter((s) => s.type === type).flatMap((s) => zones.map((zone) => fakeId("subnet", `${args.name}/${s.name}/${zone}`)));
    const strategy = (args.inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? "None";
    const natCount = strategy === "OnePerAz" ? zones.length : strategy === "Single" ? 1 : 0;
    return {
        state: {
            vpcId: fakeId("vpc", args.name),
            privateSubnetIds: idsOf("Private"),
            publicSubnetIds: idsOf("Public"),
            isolatedSubnetIds: idsOf("Isolated"),
            subnetLayout: specs.map((s) => ({ type: s.type, name: s.name, cidrBlocks: s.cidrBlocks })),
            natGatewayIds: Array.from({ length: natCount }, (_, i) => fakeId("nat", `${args.name}/${i}`)),
        },
    };
};

/** eks:index:Cluster creates no children under mocks: the outputs the platform reads, consistent with its inputs. */
const eksCluster: ResourceFixture = (args, { region, accountId }) => {
    const name = String(args.inputs.name ?? args.name);
    const issuerId = hex(`oidc/${name}`, 32).toUpperCase();
    const endpoint = `https://${issuerId}.gr7.${region}.eks.amazonaws.com`;
    const certificateAuthority = Buffer.from(`-----BEGIN CERTIFICATE-----\nfixture CA of ${name}\n-----END CERTIFICATE-----\n`).toString("base64");
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", name, "--output", "json"] } } }],
    };
    const oidcUrl = `oidc.eks.${region}.amazonaws.com/id/${issuerId}`;
    return {
        state: {
            kubeconfig,
            kubeconfigJson: JSON.stringify(kubeconfig),
            oidcIssuer: oidcUrl,
            oidcProviderUrl: oidcUrl,
            oidcProviderArn: `arn:aws:iam::${accountId}:oidc-provider/${oidcUrl}`,
            clusterSecurityGroupId: fakeId("sg", `${name}/cluster`),
            nodeSecurityGroupId: fakeId("sg", `${name}/node`),
            core: { endpoint, vpcId: args.inputs.vpcId, subnetIds: args.inputs.privateSubnetIds },
        },
    };
};

/** eks:index:ManagedNodeGroup: the node group's identity. */
const eksManagedNodeGroup: ResourceFixture = (args, { region, accountId }) => ({
    state: {
        nodeGroupName: args.inputs.nodeGroupName,
        nodeGroupArn: `arn:aws:eks:${region}:${accountId}:nodegroup/${String(args.inputs.nodeGroupName)}/${uuidOf(args.name)}`,
    },
});

/** Remote components (and resources whose outputs the program reads) with their own fixture. */
export const RESOURCE_FIXTURES: Record<string, ResourceFixture> = {
    "awsx:ec2:Vpc": awsxVpc,
    "eks:index:Cluster": eksCluster,
    "eks:index:ManagedNodeGroup": eksManagedNodeGroup,
    // A generated secret: deterministic, so tests can look for it where it must not appear; a secret
    // output, as the provider marks it (the plan shows "[secret]").
    "random:index/randomPassword:RandomPassword": (args) => ({ state: { ...args.inputs, result: pulumi.secret(`pw-${hex(`password/${args.name}`, 24)}`) } }),
};

/** Data sources the program calls. Any other call fails the synth. */
export const CALL_FIXTURES: Record<string, CallFixture> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (_, { accountId }) => ({
        id: accountId,
        accountId,
        arn: `arn:aws:iam::${accountId}:role/platform-deployer`,
        userId: "AROAEXAMPLEDEPLOYER:pulumi",
    }),
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:index/getRegion:getRegion": (_, { region }) => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com` }),
    "aws:ec2/getRouteTable:getRouteTable": (inputs) => {
        const id = fakeId("rtb", String(inputs.subnetId));
        return { id, routeTableId: id, subnetId: inputs.subnetId, routes: [], associations: [], tags: {} };
    },
};
