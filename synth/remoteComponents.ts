// What the remote components the platform uses really create, for the inputs given, so the plan
// shows it (`modeled: true`): pulumi-eks's children, and what AWS itself creates for them (the
// EKS-managed cluster security group, the cluster creator's access entry). Read from the upstream
// sources at the pinned versions; each child cites where it comes from. An input the model does not
// cover fails the synth rather than showing a plan that differs from a real deploy. The managed
// node group's model is in eksManagedNodeGroup.ts.
import type * as pulumi from "@pulumi/pulumi";
import { fakeId, hex } from "./ids";

type State = Record<string, unknown>;

export interface ModelContext {
    region: string;
    accountId: string;
    /** The IAM role the deploy runs as (the caller): EKS makes the cluster's creator an admin. */
    callerRoleArn: string;
}

/** A child a remote component (or the cloud) creates, as the engine records it beneath the component. */
export interface ModeledChild {
    type: string;
    name: string;
    /** The name of another child that is its parent; the component itself when absent. */
    parent?: string;
    /** False for a component (e.g. pulumi-eks's ServiceRole); custom resources by default. */
    custom?: boolean;
    inputs: State;
    id?: string;
    /** What the cloud answers beyond the inputs (ids of what it made, computed attributes). */
    outputs?: State;
    /** The upstream file and version it is read from, or `AWS: ...` for what the cloud creates itself. */
    source: string;
}

export interface ComponentModel {
    /** The component's outputs, consistent with its children. */
    state: State;
    children: ModeledChild[];
}

export class UnmodeledInputError extends Error {}

export const PULUMI_EKS_VERSION = "4.3.0";
export const PULUMI_EKS = `pulumi/pulumi-eks@v${PULUMI_EKS_VERSION}`;

/**
 * What the `eks` plugin itself needs on the deploy machine (the deploy path). Its provider is built
 * from nodejs/eks with the SDKs its package.json pins exactly (@pulumi/aws 7.25.0, @pulumi/kubernetes
 * 4.19.0, yarn.lock): its children ask the engine for exactly these plugin versions (the SDKs'
 * `resourceOptsDefaults`), beside the program's own. `createCore` (cluster.ts) first runs
 * `assertCompatibleAWSCLIExists` (nodejs/eks/dependencies.ts): the aws CLI, v2 >= 2.7.0 or v1 >= 1.24.0,
 * the first releases whose `eks get-token` answers client.authentication.k8s.io/v1beta1 (aws/aws-cli#6940),
 * the exec API its kubeconfig names (Kubernetes 1.24 removed v1alpha1).
 */
export const PULUMI_EKS_RUNTIME = {
    plugins: { aws: "7.25.0", kubernetes: "4.19.0" } as Record<string, string>,
    awsCli: { v2: "2.7.0", v1: "1.24.0" },
    pluginsSource: `${PULUMI_EKS} nodejs/eks/package.json`,
    awsCliSource: `${PULUMI_EKS} nodejs/eks/dependencies.ts, nodejs/eks/cluster/cluster.ts generateKubeconfig`,
};
const CLUSTER_TS = `${PULUMI_EKS} nodejs/eks/cluster/cluster.ts`;
const SERVICE_ROLE_TS = `${PULUMI_EKS} nodejs/eks/servicerole.ts`;
const NODE_SG_TS = `${PULUMI_EKS} nodejs/eks/nodes/securitygroup.ts createNodeGroupSecurityGroup`;
const EKS_SG_DOC = "AWS: EKS creates the cluster security group (docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html)";
const EKS_CREATOR_DOC = "AWS: EKS makes the cluster's creator an admin (accessConfig.bootstrapClusterCreatorAdminPermissions, set by " + CLUSTER_TS + ")";

/** The EKS-managed cluster security group of a cluster: what `vpcConfig.clusterSecurityGroupId` names. */
export const eksManagedSecurityGroupId = (clusterName: string): string => fakeId("sg", `${clusterName}/eks-cluster-sg`);

const ALL = { ipProtocol: "-1" };

/** Inputs pulumi-eks v4.3.0 would act on that this model does not reproduce: refuse them. */
const UNMODELED_CLUSTER_INPUTS = [
    "fargate", "nodeGroupOptions", "instanceRole", "instanceRoles", "roleMappings", "userMappings", "accessEntries",
    "autoMode", "creationRoleProvider", "clusterSecurityGroup", "serviceRole", "subnetIds", "publicSubnetIds",
];

/**
 * eks:index:Cluster (pulumi-eks v4.3.0, `createCore` and `createCluster` in nodejs/eks/cluster/cluster.ts).
 */
export function eksCluster(args: pulumi.runtime.MockResourceArgs, ctx: ModelContext): ComponentModel {
    const i = args.inputs as State;
    for (const key of UNMODELED_CLUSTER_INPUTS) {
        if (i[key] !== undefined && !(Array.isArray(i[key]) && (i[key] as unknown[]).length === 0)) {
            throw new UnmodeledInputError(`eks:index:Cluster "${args.name}": the fixture does not model the input "${key}" (synth/remoteComponents.ts)`);
        }
    }
    if (i.skipDefaultNodeGroup !== true) throw new UnmodeledInputError(`eks:index:Cluster "${args.name}": the fixture models skipDefaultNodeGroup: true only`);
    if (i.storageClasses !== undefined && (typeof i.storageClasses === "string" || Object.keys(i.storageClasses as object).length > 0)) {
        throw new UnmodeledInputError(`eks:index:Cluster "${args.name}": the fixture does not model storage classes`);
    }
    const { region, accountId } = ctx;
    const n = args.name;
    const clusterName = String(i.name ?? n);
    const children: ModeledChild[] = [];
    const child = (c: ModeledChild) => {
        children.push(c);
        return c;
    };

    // The EKS service role: a ServiceRole component with the role and one attachment per managed policy.
    const serviceRole = child({
        type: "eks:index:ServiceRole", name: `${n}-eksRole`, custom: false, source: SERVICE_ROLE_TS,
        inputs: { service: "eks.amazonaws.com", description: "Allows EKS to manage clusters on your behalf." },
    });
    const roleName = `${n}-eksRole-role-${hex(`${n}/eksRole`, 7)}`;
    const roleArn = `arn:aws:iam::${accountId}:role/${roleName}`;
    child({
        type: "aws:iam/role:Role", name: `${n}-eksRole-role`, parent: serviceRole.name, source: SERVICE_ROLE_TS, id: roleName,
        inputs: {
            description: "Allows EKS to manage clusters on your behalf.",
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: ["sts:AssumeRole", "sts:TagSession"], Effect: "Allow", Principal: { Service: ["eks.amazonaws.com"] } }] }),
            tags: i.tags,
        },
        outputs: { arn: roleArn, name: roleName },
    });
    child({
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: `${n}-eksRole-${hex("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", 8)}`,
        parent: serviceRole.name, source: SERVICE_ROLE_TS, id: `${roleName}-${hex("cluster-policy", 8)}`,
        inputs: { role: roleName, policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" },
    });

    // Without skipDefaultSecurityGroups: pulumi-eks's own cluster security group (all egress, no
    // ingress), on the control plane besides the EKS-managed one.
    const skipDefaultSecurityGroups = i.skipDefaultSecurityGroups === true;
    const eksManagedSg = eksManagedSecurityGroupId(clusterName);
    const extraSg = fakeId("sg", `${n}/eksClusterSecurityGroup`);
    if (!skipDefaultSecurityGroups) {
        child({
            type: "aws:ec2/securityGroup:SecurityGroup", name: `${n}-eksClusterSecurityGroup`, source: `${CLUSTER_TS} createCore`, id: extraSg,
            inputs: { vpcId: i.vpcId, revokeRulesOnDelete: true, tags: { Name: `${n}-eksClusterSecurityGroup`, ...(i.tags as State) } },
            outputs: { ingress: [], egress: [] },
        });
        child({
            type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: `${n}-eksClusterInternetEgressRule`, source: `${CLUSTER_TS} createCore`,
            id: fakeId("sgrule", `${n}/eksClusterInternetEgressRule`),
            inputs: { description: "Allow internet access.", type: "egress", fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"], securityGroupId: extraSg },
        });
    }

    const issuerId = hex(`oidc/${clusterName}`, 32).toUpperCase();
    const endpoint = `https://${issuerId}.gr7.${region}.eks.amazonaws.com`;
    const issuer = `https://oidc.eks.${region}.amazonaws.com/id/${issuerId}`;
    const clusterArn = `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`;
    const publicAccess = i.endpointPublicAccess !== false;
    child({
        type: "aws:eks/cluster:Cluster", name: `${n}-eksCluster`, source: `${CLUSTER_TS} createCore`, id: clusterName,
        inputs: {
            name: clusterName,
            roleArn,
            bootstrapSelfManagedAddons: i.bootstrapSelfManagedAddons ?? true,
            vpcConfig: {
                securityGroupIds: skipDefaultSecurityGroups ? undefined : [extraSg],
                subnetIds: i.privateSubnetIds,
                endpointPrivateAccess: i.endpointPrivateAccess,
                endpointPublicAccess: i.endpointPublicAccess,
                publicAccessCidrs: i.publicAccessCidrs,
            },
            version: i.version,
            enabledClusterLogTypes: i.enabledClusterLogTypes,
            encryptionConfig: i.encryptionConfigKeyArn ? { provider: { keyArn: i.encryptionConfigKeyArn }, resources: ["secrets"] } : undefined,
            kubernetesNetworkConfig: i.kubernetesServiceIpAddressRange ? { serviceIpv4Cidr: i.kubernetesServiceIpAddressRange, ipFamily: "ipv4" } : undefined,
            accessConfig: i.authenticationMode ? { authenticationMode: i.authenticationMode, bootstrapClusterCreatorAdminPermissions: true } : undefined,
            upgradePolicy: i.upgradePolicy,
            deletionProtection: i.deletionProtection,
            tags: { Name: `${n}-eksCluster`, ...(i.clusterTags as State), ...(i.tags as State) },
        },
        outputs: {
            arn: clusterArn,
            endpoint,
            // What EKS answers: the security group it made, in every cluster.
            vpcConfig: { clusterSecurityGroupId: eksManagedSg, vpcId: i.vpcId, publicAccessCidrs: publicAccess ? (i.publicAccessCidrs ?? ["0.0.0.0/0"]) : [] },
            identities: [{ oidcs: [{ issuer }] }],
        },
    });

    // What AWS creates with every cluster: its own security group on the control plane's ENIs,
    // which managed node groups (without security groups in their launch template) and Fargate pods
    // also carry; it lets its members talk to each other freely.
    child({
        type: "aws:ec2/securityGroup:SecurityGroup", name: `eks-cluster-sg-${clusterName}`, source: EKS_SG_DOC, id: eksManagedSg,
        inputs: {
            vpcId: i.vpcId,
            description: "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.",
            tags: { Name: `eks-cluster-sg-${clusterName}`, [`kubernetes.io/cluster/${clusterName}`]: "owned", "aws:eks:cluster-name": clusterName },
        },
    });
    child({
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: `eks-cluster-sg-${clusterName}-self`, source: EKS_SG_DOC,
        id: fakeId("sgr", `${clusterName}/eks-cluster-sg/self`),
        inputs: { securityGroupId: eksManagedSg, referencedSecurityGroupId: eksManagedSg, ...ALL, description: "Members of the cluster security group" },
    });
    child({
        type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", name: `eks-cluster-sg-${clusterName}-egress`, source: EKS_SG_DOC,
        id: fakeId("sgr", `${clusterName}/eks-cluster-sg/egress`),
        inputs: { securityGroupId: eksManagedSg, cidrIpv4: "0.0.0.0/0", ...ALL },
    });
    // The creator's admin access entry (API modes only: pulumi-eks sets accessConfig then).
    if (i.authenticationMode !== undefined && i.authenticationMode !== "CONFIG_MAP") {
        child({
            type: "aws:eks/accessEntry:AccessEntry", name: `${clusterName}-creator`, source: EKS_CREATOR_DOC, id: `${clusterName}:${ctx.callerRoleArn}`,
            inputs: { clusterName, principalArn: ctx.callerRoleArn, type: "STANDARD" },
        });
        child({
            type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", name: `${clusterName}-creator`, source: EKS_CREATOR_DOC,
            id: `${clusterName}#${ctx.callerRoleArn}#arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
            inputs: { clusterName, principalArn: ctx.callerRoleArn, policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } },
        });
    }

    // Add-ons pulumi-eks installs unless told not to.
    const addon = (addonName: string, name: string, parent?: string) => child({
        type: "aws:eks/addon:Addon", name, parent, source: `${CLUSTER_TS} createCore`, id: `${clusterName}:${addonName}`,
        inputs: { clusterName, addonName, preserve: true, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" },
    });
    if ((i.kubeProxyAddonOptions as State | undefined)?.enabled !== false) addon("kube-proxy", `${n}-kube-proxy`);
    if ((i.corednsAddonOptions as State | undefined)?.enabled === true) addon("coredns", `${n}-coredns`);
    if (i.useDefaultVpcCni !== true) {
        const cni = child({ type: "eks:index:VpcCniAddon", name: `${n}-vpc-cni`, custom: false, source: `${PULUMI_EKS} nodejs/eks/addons/cni-addon.ts`, inputs: { clusterName } });
        addon("vpc-cni", `${n}-vpc-cni`, cni.name);
    }

    // The Kubernetes provider pulumi-eks deploys through (its own kubeconfig).
    child({ type: "pulumi:providers:kubernetes", name: `${n}-eks-k8s`, source: `${CLUSTER_TS} createCore`, inputs: {}, id: hex(`${n}/eks-k8s`, 32) });

    // createOidcProvider: the issuer's CA thumbprint is fetched over TLS from the deploy machine
    // (getIssuerCAThumbprint) on every preview and up.
    let oidcProviderArn = "";
    if (i.createOidcProvider === true) {
        const url = issuer.replace(/^https:\/\//, "");
        oidcProviderArn = `arn:aws:iam::${accountId}:oidc-provider/${url}`;
        child({
            type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", name: `${n}-oidcProvider`, source: `${CLUSTER_TS} createCore`, id: oidcProviderArn,
            inputs: { clientIdLists: ["sts.amazonaws.com"], url: issuer, thumbprintLists: [`[fetched from https://oidc.eks.${region}.amazonaws.com by the deploy machine]`] },
            outputs: { arn: oidcProviderArn },
        });
    }

    // Without skipDefaultSecurityGroups: the node security group and its rules (createCluster).
    let nodeSecurityGroupId = eksManagedSg;
    if (!skipDefaultSecurityGroups) {
        nodeSecurityGroupId = fakeId("sg", `${n}/nodeSecurityGroup`);
        child({
            type: "aws:ec2/securityGroup:SecurityGroup", name: `${n}-nodeSecurityGroup`, source: NODE_SG_TS, id: nodeSecurityGroupId,
            inputs: { vpcId: i.vpcId, revokeRulesOnDelete: true, tags: { Name: `${n}-nodeSecurityGroup`, [`kubernetes.io/cluster/${clusterName}`]: "owned", ...(i.tags as State) } },
            outputs: { ingress: [], egress: [] },
        });
        const rule = (name: string, inputs: State) => child({
            type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: `${n}-${name}`, source: NODE_SG_TS, id: fakeId("sgrule", `${n}/${name}`), inputs,
        });
        rule("eksNodeIngressRule", { description: "Allow nodes to communicate with each other", type: "ingress", fromPort: 0, toPort: 0, protocol: "-1", securityGroupId: nodeSecurityGroupId, self: true });
        rule("eksNodeClusterIngressRule", { description: "Allow worker Kubelets and pods to receive communication from the cluster control plane", type: "ingress", fromPort: 1025, toPort: 65535, protocol: "tcp", securityGroupId: nodeSecurityGroupId, sourceSecurityGroupId: extraSg });
        rule("eksExtApiServerClusterIngressRule", { description: "Allow pods running extension API servers on port 443 to receive communication from cluster control plane", type: "ingress", fromPort: 443, toPort: 443, protocol: "tcp", securityGroupId: nodeSecurityGroupId, sourceSecurityGroupId: extraSg });
        rule("eksNodeInternetEgressRule", { description: "Allow internet access.", type: "egress", fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"], securityGroupId: nodeSecurityGroupId });
        rule("eksClusterIngressRule", { description: "Allow pods to communicate with the cluster API Server", type: "ingress", fromPort: 443, toPort: 443, protocol: "tcp", securityGroupId: extraSg, sourceSecurityGroupId: nodeSecurityGroupId });
    }

    const certificateAuthority = Buffer.from(`-----BEGIN CERTIFICATE-----\nfixture CA of ${clusterName}\n-----END CERTIFICATE-----\n`).toString("base64");
    const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        // generateKubeconfig (cluster.ts): the exec plugin is `aws eks get-token`, with the exec API pinned.
        users: [{
            name: "aws",
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["--region", region, "eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                    env: [{ name: "KUBERNETES_EXEC_INFO", value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}' }],
                },
            },
        }],
    };
    return {
        state: {
            kubeconfig,
            kubeconfigJson: JSON.stringify(kubeconfig),
            // createCluster: the issuer URL (https://...), and the issuer without its scheme.
            oidcProviderUrl: issuer,
            oidcIssuer: issuer.replace("https://", ""),
            oidcProviderArn,
            // pulumi-eks's own group when it made one, else the EKS-managed group.
            clusterSecurityGroupId: skipDefaultSecurityGroups ? eksManagedSg : extraSg,
            nodeSecurityGroupId,
            clusterIngressRuleId: skipDefaultSecurityGroups ? "" : fakeId("sgrule", `${n}/eksClusterIngressRule`),
            core: { endpoint, vpcId: i.vpcId, subnetIds: i.privateSubnetIds, privateSubnetIds: i.privateSubnetIds },
        },
        children,
    };
}
