// platform:addons:Storage: the EBS and EFS CSI drivers and (when something uses EKS Pod Identity)
// its agent as EKS managed add-ons (pinned), the default `gp3` StorageClass and the `efs` StorageClass with its encrypted
// file system, each volume encrypted with the platform's KMS key.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { policy, type PolicyDocument } from "../lib/iam";
import { podIdentityUsers } from "../lib/applicationIdentity";
import { PodAwsIdentity } from "../lib/podIdentity";
import { EKS_ADDON_VERSIONS, type EksAddonName } from "../lib/versions";
import type { AddonContext } from "./addon";
import { dependenciesOf } from "./helmRelease";
import { onAddonsPool } from "../lib/placement";

import { EFS_CLASS, GP3_CLASS } from "../lib/config/addonNeeds";

// The class names are config's knowledge too: applications' volumes are checked against them before anything is registered.
export { EFS_CLASS, GP3_CLASS };

export const EBS_CONTROLLER_SA = "ebs-csi-controller-sa";
export const EFS_CONTROLLER_SA = "efs-csi-controller-sa";

/**
 * The enabled add-ons that declare an AWS identity (their `iam`): their pods run on EC2 nodes and
 * get it through EKS Pod Identity (Karpenter's controller runs on Fargate and uses IRSA). The Pod
 * Identity agent is installed only when this is not empty.
 */
export { podIdentityUsers };
const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/**
 * The EBS CSI add-on's configuration: the controller sits with the other add-ons; the node plugin
 * tolerates every taint (`node.tolerateAllTaints`, a key of the EBS add-on's schema).
 */
export function ebsCsiConfiguration() {
    const addons = onAddonsPool();
    return { controller: { nodeSelector: addons.nodeSelector, tolerations: addons.tolerations }, node: { tolerateAllTaints: true } };
}

/**
 * The EFS CSI add-on's configuration: the controller sits with the other add-ons. EKS validates
 * configurationValues against the add-on's schema with `additionalProperties: false`, and the EFS
 * schema has no `node.tolerateAllTaints` (that is the EBS driver's key); its node DaemonSet
 * already tolerates every taint by default (`node.tolerations: [{operator: Exists}]`).
 */
export function efsCsiConfiguration() {
    const addons = onAddonsPool();
    return { controller: { nodeSelector: addons.nodeSelector, tolerations: addons.tolerations } };
}

/** What the EBS CSI driver needs of a customer-managed key to create and attach encrypted volumes. */
export function kmsForVolumes(keyArn: string): PolicyDocument {
    return policy(
        {
            Sid: "EncryptVolumes",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
            Resource: keyArn,
        },
        {
            Sid: "GrantsForAttachedVolumes",
            Effect: "Allow",
            Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            Resource: keyArn,
            Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
        },
    );
}

/** The Retain policy in production: deleting a claim never deletes its data there. */
export const reclaimPolicy = (production: boolean): "Retain" | "Delete" => (production ? "Retain" : "Delete");

export class Storage extends pulumi.ComponentResource {
    readonly storageClassNames: pulumi.Output<string[]>;
    readonly defaultStorageClass: pulumi.Output<string | undefined>;

    constructor(name: string, ctx: AddonContext, opts?: pulumi.ComponentResourceOptions) {
        super("platform:addons:Storage", name, {}, opts);
        const c = ctx.config;
        const production = c.tier === "production";
        const classes: string[] = [];
        // Children do not inherit the component's dependsOn: the drivers' pods need the nodes and the network first.
        const upstream = dependenciesOf(opts);
        const version = (addon: EksAddonName, override: string | undefined) =>
            override ?? ctx.cluster.kubernetesVersion.apply((v) => EKS_ADDON_VERSIONS[v]?.[addon] ?? fail(`no pinned ${addon} add-on version for Kubernetes ${v} (lib/versions.ts)`));

        const addon = (addonName: string, addonVersion: pulumi.Input<string>, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[] = []) =>
            new aws.eks.Addon(`${name}-${addonName}`, {
                clusterName: ctx.clusterName,
                addonName,
                addonVersion,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                ...extra,
            }, { parent: this, dependsOn: [...upstream, ...dependsOn] });

        // The agent only where something uses EKS Pod Identity (its DaemonSet takes 169.254.170.23:80 on every node);
        // the config rule `podIdentityAgent` refused a config that switches it off while something does.
        let agent: aws.eks.Addon | undefined;
        if (podIdentityUsers(c).length > 0) {
            agent = addon("eks-pod-identity-agent", version("podIdentityAgent", c.addons.podIdentityAgent.version), {});
        }
        const afterAgent = agent ? [agent] : [];

        if (c.addons.ebsCsi.enabled) {
            const identity = this.controllerIdentity(`${name}-ebs-csi`, ctx, EBS_CONTROLLER_SA, "service-role/AmazonEBSCSIDriverPolicy", {
                kms: ctx.cluster.kmsKeyArn.apply(kmsForVolumes),
            });
            const driver = addon("aws-ebs-csi-driver", version("ebsCsi", c.addons.ebsCsi.version), {
                podIdentityAssociations: [{ roleArn: identity.roleArn, serviceAccount: EBS_CONTROLLER_SA }],
                configurationValues: JSON.stringify(ebsCsiConfiguration()),
            }, [...identity.ready, ...afterAgent]);
            new k8s.storage.v1.StorageClass(`${name}-${GP3_CLASS}`, {
                metadata: { name: GP3_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
                provisioner: "ebs.csi.aws.com",
                parameters: { type: "gp3", encrypted: "true", kmsKeyId: ctx.cluster.kmsKeyArn, "csi.storage.k8s.io/fstype": "ext4" },
                reclaimPolicy: reclaimPolicy(production),
                // The volume is created in the zone of the pod that first uses it.
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            }, { parent: this, provider: ctx.provider, dependsOn: [driver] });
            classes.push(GP3_CLASS);
        }

        if (c.addons.efsCsi.enabled) {
            const identity = this.controllerIdentity(`${name}-efs-csi`, ctx, EFS_CONTROLLER_SA, "service-role/AmazonEFSCSIDriverPolicy");
            const driver = addon("aws-efs-csi-driver", version("efsCsi", c.addons.efsCsi.version), {
                podIdentityAssociations: [{ roleArn: identity.roleArn, serviceAccount: EFS_CONTROLLER_SA }],
                configurationValues: JSON.stringify(efsCsiConfiguration()),
            }, [...identity.ready, ...afterAgent]);
            const fileSystem = this.fileSystem(name, ctx, production);
            new k8s.storage.v1.StorageClass(`${name}-${EFS_CLASS}`, {
                metadata: { name: EFS_CLASS },
                provisioner: "efs.csi.aws.com",
                // One access point per volume, each under its own directory.
                parameters: { provisioningMode: "efs-ap", fileSystemId: fileSystem.id, directoryPerms: "700", basePath: "/dynamic" },
                reclaimPolicy: reclaimPolicy(production),
                volumeBindingMode: "Immediate",
            }, { parent: this, provider: ctx.provider, dependsOn: [driver] });
            classes.push(EFS_CLASS);
        }

        this.storageClassNames = pulumi.output(classes);
        this.defaultStorageClass = pulumi.output(classes.includes(GP3_CLASS) ? GP3_CLASS : undefined);
        this.registerOutputs({ storageClassNames: this.storageClassNames });
    }

    /**
     * The CSI controller's identity: it runs on the add-on nodes (EC2), so EKS Pod Identity, with
     * the driver's AWS managed policy; the EKS add-on associates its own service account.
     */
    private controllerIdentity(name: string, ctx: AddonContext, serviceAccount: string, managedPolicy: string, policies?: Record<string, pulumi.Input<PolicyDocument>>): PodAwsIdentity {
        return new PodAwsIdentity(name, {
            clusterName: ctx.clusterName,
            namespace: "kube-system",
            serviceAccount,
            compute: "ec2",
            purpose: `${serviceAccount} of ${ctx.clusterName}`,
            managedPolicies: [managedPolicy],
            policies,
            associate: false,
        }, { parent: this });
    }

    /**
     * An encrypted EFS file system with a mount target in each private subnet, reachable over NFS
     * from the VPC only. Protected in every tier, like the KMS key: it holds data, and tearing an
     * environment down should take a deliberate `pulumi state unprotect`, not a typo.
     */
    private fileSystem(name: string, ctx: AddonContext, production: boolean): aws.efs.FileSystem {
        const fileSystem = new aws.efs.FileSystem(`${name}-efs`, {
            encrypted: true,
            kmsKeyId: ctx.cluster.kmsKeyArn,
            performanceMode: "generalPurpose",
            throughputMode: "elastic",
            lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }],
            tags: { Name: `${ctx.clusterName}-efs` },
        }, { parent: this, protect: true });
        new aws.efs.BackupPolicy(`${name}-efs`, { fileSystemId: fileSystem.id, backupPolicy: { status: production ? "ENABLED" : "DISABLED" } }, { parent: this });
        const securityGroup = new aws.ec2.SecurityGroup(`${name}-efs`, {
            description: `NFS to the EFS file system of ${ctx.clusterName}, from the VPC only`,
            vpcId: ctx.network.vpcId,
            tags: { Name: `${ctx.clusterName}-efs` },
        }, { parent: this });
        new aws.vpc.SecurityGroupIngressRule(`${name}-efs-nfs`, {
            securityGroupId: securityGroup.id,
            ipProtocol: "tcp",
            fromPort: 2049,
            toPort: 2049,
            cidrIpv4: ctx.network.vpcCidr,
            description: "NFS from the VPC",
        }, { parent: this });
        // One mount target per zone. The network layer plans one private subnet per configured zone,
        // and resources must be declared before the subnet ids are known (a first preview).
        ctx.config.availabilityZones.forEach((zone, i) => {
            new aws.efs.MountTarget(`${name}-efs-${zone}`, {
                fileSystemId: fileSystem.id,
                subnetId: ctx.network.privateSubnetIds.apply((ids) => ids[i] ?? fail(`the network layer has ${ids.length} private subnets, fewer than the ${i + 1} zones of platform:availabilityZones`)),
                securityGroups: [securityGroup.id],
            }, { parent: this });
        });
        return fileSystem;
    }
}

function fail(message: string): never {
    throw new Error(message);
}
