// platform:addons:Storage: the EBS and EFS CSI drivers and the Pod Identity agent as EKS managed
// add-ons (pinned), the default `gp3` StorageClass and the `efs` StorageClass with its encrypted
// file system, each volume encrypted with the platform's KMS key.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { policy, serviceAccountTrust, type PolicyDocument } from "../lib/iam";
import { EKS_ADDON_VERSIONS, type EksAddonName } from "../lib/versions";
import type { AddonContext } from "./catalog";
import { dependenciesOf } from "./helmRelease";
import { onAddonsPool } from "../lib/placement";

export const GP3_CLASS = "gp3";
export const EFS_CLASS = "efs";
const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** The CSI drivers' controllers (EKS add-on configuration) sit with the other add-ons; node plugins run everywhere. */
export function csiConfiguration() {
    const addons = onAddonsPool();
    return { controller: { nodeSelector: addons.nodeSelector, tolerations: addons.tolerations }, node: { tolerateAllTaints: true } };
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
                tags: ctx.tags,
                ...extra,
            }, { parent: this, dependsOn: [...upstream, ...dependsOn] });

        if (c.addons.podIdentityAgent.enabled) {
            addon("eks-pod-identity-agent", version("podIdentityAgent", c.addons.podIdentityAgent.version), {});
        }

        if (c.addons.ebsCsi.enabled) {
            const role = this.controllerRole(`${name}-ebs-csi`, ctx, "ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy");
            const kms = new aws.iam.RolePolicy(`${name}-ebs-csi-kms`, {
                role: role.id,
                policy: ctx.cluster.kmsKeyArn.apply((arn) => JSON.stringify(kmsForVolumes(arn))),
            }, { parent: this });
            const driver = addon("aws-ebs-csi-driver", version("ebsCsi", c.addons.ebsCsi.version), {
                serviceAccountRoleArn: role.arn,
                configurationValues: JSON.stringify(csiConfiguration()),
            }, [kms]);
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
            const role = this.controllerRole(`${name}-efs-csi`, ctx, "efs-csi-controller-sa", "service-role/AmazonEFSCSIDriverPolicy");
            const driver = addon("aws-efs-csi-driver", version("efsCsi", c.addons.efsCsi.version), {
                serviceAccountRoleArn: role.arn,
                configurationValues: JSON.stringify(csiConfiguration()),
            });
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

    /** The CSI controller's role (IRSA) with the driver's AWS managed policy. */
    private controllerRole(name: string, ctx: AddonContext, serviceAccount: string, managedPolicy: string): aws.iam.Role {
        const role = new aws.iam.Role(name, {
            description: `${serviceAccount} of ${ctx.clusterName} through IRSA`,
            assumeRolePolicy: pulumi
                .all([ctx.cluster.oidcProviderArn, ctx.cluster.oidcProviderUrl])
                .apply(([arn, url]) => JSON.stringify(serviceAccountTrust(arn, url, "kube-system", serviceAccount))),
            tags: ctx.tags,
        }, { parent: this });
        new aws.iam.RolePolicyAttachment(name, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${managedPolicy}` }, { parent: this });
        return role;
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
            tags: { ...ctx.tags, Name: `${ctx.clusterName}-efs` },
        }, { parent: this, protect: true });
        new aws.efs.BackupPolicy(`${name}-efs`, { fileSystemId: fileSystem.id, backupPolicy: { status: production ? "ENABLED" : "DISABLED" } }, { parent: this });
        const securityGroup = new aws.ec2.SecurityGroup(`${name}-efs`, {
            description: `NFS to the EFS file system of ${ctx.clusterName}, from the VPC only`,
            vpcId: ctx.network.vpcId,
            tags: { ...ctx.tags, Name: `${ctx.clusterName}-efs` },
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
