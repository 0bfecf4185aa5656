// platform:cluster:ControlPlane: the EKS control plane with a private endpoint, secrets encrypted
// with a customer KMS key, every control-plane log type, an OIDC provider, and API access from
// the VPC, the VPN and the peered VPCs.
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { awsProviders } from "../../lib/awsProvider";
import type { PlatformConfig } from "../../lib/config/schema";
import { policy, serviceLinkedRoleArn, type Statement } from "../../lib/iam";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export interface ControlPlaneArgs {
    config: PlatformConfig;
    clusterName: string;
    vpcId: pulumi.Input<string>;
    vpcCidr: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<string[]>;
    peerCidrs: pulumi.Input<string[]>;
    accountId: pulumi.Input<string>;
}

/** The service-linked role through which Auto Scaling (and so every managed node group) launches instances. */
export const AUTOSCALING_ROLE = "AWSServiceRoleForAutoScaling";

/**
 * The platform key: EKS secrets envelope encryption and the nodes' EBS volumes. Besides the
 * account's own administrators, any principal of this account may use it through EC2 (the volumes
 * of every node, including those Auto Scaling launches for managed node groups: the same grant as
 * the AWS-managed `aws/ebs` key) and through EKS (secrets). The Auto Scaling service-linked role is
 * named as well only when config says the account has it (`platform:serviceLinkedRoles`): it exists
 * only after the account's first Auto Scaling group, and KMS refuses a policy naming a missing role.
 */
export function keyPolicy(accountId: string, region: string, serviceLinkedRoles: readonly string[] = []) {
    const use = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
    const viaService = (service: string) => ({ StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `${service}.${region}.amazonaws.com` } });
    const statements: Statement[] = [
        { Sid: "AccountAdministration", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
        { Sid: "EbsVolumes", Effect: "Allow", Principal: { AWS: "*" }, Action: [...use, "kms:CreateGrant"], Resource: "*", Condition: viaService("ec2") },
        { Sid: "EksSecrets", Effect: "Allow", Principal: { AWS: "*" }, Action: [...use, "kms:CreateGrant"], Resource: "*", Condition: viaService("eks") },
    ];
    if (serviceLinkedRoles.includes(AUTOSCALING_ROLE)) {
        const autoscaling = serviceLinkedRoleArn(accountId, "autoscaling.amazonaws.com", AUTOSCALING_ROLE);
        statements.push(
            { Sid: "AutoScalingVolumes", Effect: "Allow", Principal: { AWS: autoscaling }, Action: use, Resource: "*" },
            {
                Sid: "AutoScalingGrants",
                Effect: "Allow",
                Principal: { AWS: autoscaling },
                Action: "kms:CreateGrant",
                Resource: "*",
                Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
            },
        );
    }
    return policy(...statements);
}

export class ControlPlane extends pulumi.ComponentResource {
    readonly cluster: eks.Cluster;
    readonly kmsKeyArn: pulumi.Output<string>;
    readonly oidcProvider: aws.iam.OpenIdConnectProvider;

    constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:ControlPlane", name, {}, opts);
        const c = args.config;
        const production = c.tier === "production";

        const key = new aws.kms.Key(`${name}-platform`, {
            description: `${args.clusterName}: EKS secrets and node volumes`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: pulumi.output(args.accountId).apply((account) => JSON.stringify(keyPolicy(account, c.region, c.serviceLinkedRoles))),
        }, { parent: this, protect: true });
        new aws.kms.Alias(`${name}-platform`, { name: `alias/${args.clusterName}-platform`, targetKeyId: key.keyId }, { parent: this });

        // EKS writes to this group; created first so its retention applies (EKS would create it with none).
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
            name: `/aws/eks/${args.clusterName}/cluster`,
            retentionInDays: c.controlPlaneLogs.retentionDays,
        }, { parent: this });

        this.cluster = new eks.Cluster(name, {
            name: args.clusterName,
            version: c.kubernetesVersion,
            upgradePolicy: { supportType: c.upgradePolicy },
            vpcId: args.vpcId,
            privateSubnetIds: args.privateSubnetIds,
            endpointPrivateAccess: true,
            endpointPublicAccess: c.endpoint.publicAccess,
            publicAccessCidrs: c.endpoint.publicAccess ? c.endpoint.publicAccessCidrs : undefined,
            authenticationMode: c.authenticationMode,
            encryptionConfigKeyArn: key.arn,
            enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
            // Not pulumi-eks's: it fetches the issuer's TLS thumbprint from the deploy machine on every
            // preview and up (nodejs/eks/cluster/cluster.ts, getIssuerCAThumbprint), which a deploy
            // machine without internet cannot. The provider below needs no thumbprint.
            createOidcProvider: false,
            // Only the security group EKS makes (vpcConfig.clusterSecurityGroupId): the control plane,
            // managed nodes, Fargate pods and Karpenter's nodes all carry it, and its self rule lets
            // them reach each other. Otherwise pulumi-eks adds a cluster group of its own, returned as
            // clusterSecurityGroupId, that has neither (createCore, createNodeGroupSecurityGroup).
            skipDefaultSecurityGroups: true,
            deletionProtection: production,
            kubernetesServiceIpAddressRange: c.serviceCidr,
            // CoreDNS, kube-proxy and the VPC CNI come as pinned managed add-ons (EksAddons), after
            // the Fargate profiles; in calico-overlay mode there is no VPC CNI at all.
            bootstrapSelfManagedAddons: false,
            useDefaultVpcCni: true,
            corednsAddonOptions: { enabled: false },
            kubeProxyAddonOptions: { enabled: false },
            skipDefaultNodeGroup: true,
            // Storage classes belong to the add-ons layer.
            storageClasses: {},
        }, { parent: this, dependsOn: [logGroup], protect: production, providers: awsProviders(this) });

        // IRSA's identity provider. IAM takes the issuer's certificate chain itself when no thumbprint
        // is given (IAM user guide, "Create an OpenID Connect (OIDC) identity provider").
        this.oidcProvider = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
            url: this.cluster.oidcProviderUrl,
            clientIdLists: ["sts.amazonaws.com"],
        }, { parent: this });

        // The private endpoint answers the VPC, the VPN and the peered VPCs (for example CI tooling),
        // through the EKS-managed cluster security group.
        new aws.ec2.SecurityGroupRule(`${name}-api`, {
            type: "ingress",
            description: "Kubernetes API from the VPC, the VPN and peered VPCs",
            securityGroupId: this.cluster.clusterSecurityGroupId,
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: pulumi.all([args.vpcCidr, args.peerCidrs]).apply(([vpc, peers]) => [...new Set([vpc, ...c.endpoint.vpnCidrs, ...peers])]),
        }, { parent: this });

        this.kmsKeyArn = key.arn;
        this.registerOutputs({ kmsKeyArn: this.kmsKeyArn, oidcProviderArn: this.oidcProvider.arn });
    }
}
