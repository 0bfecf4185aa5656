// Realistic fake cloud values for the mock engine: ids, ARNs, AZ names and the outputs of remote
// components and data sources. Deterministic: the same program gives the same values.
import * as pulumi from "@pulumi/pulumi";
import { fakeId, hex, uuidOf } from "./ids";
import { eksManagedNodeGroup } from "./eksManagedNodeGroup";
import { eksCluster, type ModeledChild } from "./remoteComponents";

export { fakeId, hex, uuidOf };

export const ACCOUNT_ID = "111122223333";

export interface FixtureContext {
    region: string;
    accountId: string;
}

type State = Record<string, unknown>;
/** A fixture's answer; a remote component's also lists the children the engine records beneath it. */
export type ResourceFixture = (args: pulumi.runtime.MockResourceArgs, ctx: FixtureContext) => { id?: string; state: State; children?: ModeledChild[] };
export type CallFixture = (inputs: Record<string, unknown>, ctx: FixtureContext) => State;

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
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": "tgw-attach",
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
    // An OIDC provider is named by its issuer URL without the scheme.
    const oidcUrl = args.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider" && typeof args.inputs.url === "string" ? args.inputs.url.replace(/^https:\/\//, "") : undefined;
    const physicalName = oidcUrl ?? (typeof args.inputs.name === "string" ? args.inputs.name : `${args.name}-${hex(seed, 7)}`);
    const prefix = ID_PREFIX[args.type];
    const id = prefix ? fakeId(prefix, seed) : args.type === "aws:kms/key:Key" ? uuidOf(seed) : physicalName;
    const arn = arnOf(args.type, physicalName, id, ctx);
    const extra: State = args.type.startsWith("aws:") ? { name: physicalName, ...(arn ? { arn } : {}) } : {};
    if (args.type === "aws:sqs/queue:Queue") extra.url = `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${physicalName}`;
    if (args.type === "aws:kms/key:Key") extra.keyId = id;
    if (args.type === "aws:ec2/eip:Eip") Object.assign(extra, { allocationId: id, publicIp: `203.0.113.${parseInt(hex(seed, 2), 16) % 250 + 1}` });
    // A new launch template's first version (the node group names it by number).
    if (args.type === "aws:ec2/launchTemplate:LaunchTemplate") Object.assign(extra, { latestVersion: 1, defaultVersion: 1 });
    return { id, state: { ...args.inputs, ...extra } };
}

/** The role a deploy runs as (the caller): the `platform:access.deployRole` of the environments here. */
export const DEPLOY_ROLE_NAME = "platform-deployer";

/** The context of a remote component's model: the caller's role is the cluster's creator. */
const modelContext = (ctx: FixtureContext) => ({ ...ctx, callerRoleArn: `arn:aws:iam::${ctx.accountId}:role/${DEPLOY_ROLE_NAME}` });

/** A remote component's outputs, with the children its real implementation creates (synth/remoteComponents.ts). */
const modeledComponent = (model: typeof eksCluster): ResourceFixture => (args, ctx) => {
    const { state, children } = model(args, modelContext(ctx));
    return { state, children };
};

/** Remote components (and resources whose outputs the program reads) with their own fixture. */
export const RESOURCE_FIXTURES: Record<string, ResourceFixture> = {
    "eks:index:Cluster": modeledComponent(eksCluster),
    "eks:index:ManagedNodeGroup": modeledComponent(eksManagedNodeGroup),
    // A generated secret: deterministic, so tests can look for it where it must not appear; a secret
    // output, as the provider marks it (the plan shows "[secret]").
    "random:index/randomPassword:RandomPassword": (args) => ({ state: { ...args.inputs, result: pulumi.secret(`pw-${hex(`password/${args.name}`, 24)}`) } }),
};

/** Data sources the program calls. Any other call fails the synth. */
export const CALL_FIXTURES: Record<string, CallFixture> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (_, { accountId }) => ({
        id: accountId,
        accountId,
        // An assumed role, as STS answers for one.
        arn: `arn:aws:sts::${accountId}:assumed-role/${DEPLOY_ROLE_NAME}/pulumi`,
        userId: "AROAEXAMPLEDEPLOYER:pulumi",
    }),
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:index/getRegion:getRegion": (_, { region }) => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com` }),
    "aws:ec2/getRouteTable:getRouteTable": (inputs) => {
        const id = fakeId("rtb", String(inputs.subnetId));
        return { id, routeTableId: id, subnetId: inputs.subnetId, routes: [], associations: [], tags: {} };
    },
    // An AWS-managed prefix list by name: the S3 gateway endpoint's public ranges (modeled on eu-west-1's).
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (inputs) => {
        const name = String(inputs.name);
        if (!/^com\.amazonaws\.[a-z0-9-]+\.s3$/.test(name)) throw new Error(`no fixture for the managed prefix list ${name}`);
        const id = fakeId("pl", name);
        const entries = ["3.5.64.0/21", "3.5.72.0/23", "52.92.0.0/17", "52.218.0.0/17", "54.231.128.0/19"].map((cidr) => ({ cidr, description: "" }));
        return { id, name, arn: `arn:aws:ec2:${name.split(".")[2]}:aws:prefix-list/${id}`, addressFamily: "IPv4", maxEntries: entries.length, ownerId: "AWS", entries, tags: {}, version: 1 };
    },
};
