// platform:cluster:ManagedNodeGroup: an EKS managed node group with its own role and a launch
// template that requires IMDSv2, encrypts its gp3 volumes and reserves resources for the system.
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { awsProviders } from "../../lib/awsProvider";
import * as YAML from "yaml";
import type { PlatformConfig, PodNetworkMode } from "../../lib/config/schema";
import { dependenciesOf } from "../../lib/dependencies";
import { nodeRolePolicies, roleWithPolicies, serviceTrust } from "../../lib/iam";

export type NodeGroupSpec = PlatformConfig["nodeGroups"][number];

export interface ManagedNodeGroupArgs {
    cluster: eks.Cluster;
    clusterName: string;
    spec: NodeGroupSpec;
    /** The control plane's version: the nodes' default. */
    kubernetesVersion: string;
    subnetIds: pulumi.Input<string[]>;
    kmsKeyArn: pulumi.Input<string>;
    podNetworkMode: PodNetworkMode;
    /** Tags of what the launch template starts (instances, volumes, ENIs): the provider's defaultTags do not reach them. */
    instanceTags: Record<string, string>;
}

export const isBottlerocket = (spec: Pick<NodeGroupSpec, "amiType">): boolean => spec.amiType.startsWith("BOTTLEROCKET");

/** Bottlerocket reads TOML settings; AL2023 reads a nodeadm NodeConfig in a MIME part. EKS merges its bootstrap into both. */
export function nodeUserData(spec: NodeGroupSpec): string {
    if (isBottlerocket(spec)) {
        const table = (name: string, values: Record<string, string | undefined>) =>
            [`[settings.kubernetes.${name}]`, ...Object.entries(values).filter(([, v]) => v).map(([k, v]) => `"${k}" = "${v}"`)].join("\n");
        return `${table("kube-reserved", spec.kubeReserved)}\n\n${table("system-reserved", spec.systemReserved)}\n`;
    }
    const nodeConfig = YAML.stringify({
        apiVersion: "node.eks.aws/v1alpha1",
        kind: "NodeConfig",
        spec: { kubelet: { config: { kubeReserved: spec.kubeReserved, systemReserved: spec.systemReserved } } },
    });
    return [
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="//"',
        "",
        "--//",
        "Content-Type: application/node.eks.aws",
        "",
        nodeConfig,
        "--//--",
        "",
    ].join("\n");
}

/** Bottlerocket: an OS volume and a data volume; AL2023: one root volume. All gp3, encrypted with the platform key. */
export function blockDevices(spec: NodeGroupSpec, kmsKeyId: pulumi.Input<string>): aws.types.input.ec2.LaunchTemplateBlockDeviceMapping[] {
    const volume = (deviceName: string, volumeSize: number) => ({
        deviceName,
        ebs: { volumeSize, volumeType: "gp3", encrypted: "true", kmsKeyId, deleteOnTermination: "true" },
    });
    return isBottlerocket(spec)
        ? [volume("/dev/xvda", spec.rootVolumeGiB), volume("/dev/xvdb", spec.dataVolumeGiB)]
        : [volume("/dev/xvda", spec.dataVolumeGiB)];
}

export class ManagedNodeGroup extends pulumi.ComponentResource {
    readonly roleArn: pulumi.Output<string>;
    readonly launchTemplateId: pulumi.Output<string>;

    constructor(name: string, args: ManagedNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:ManagedNodeGroup", name, {}, opts);
        const { spec } = args;
        const role = roleWithPolicies(`${name}-node`, {
            description: `Nodes of the ${spec.name} node group of ${args.clusterName}`,
            assumeRolePolicy: JSON.stringify(serviceTrust("ec2.amazonaws.com")),
            managedPolicies: nodeRolePolicies(args.podNetworkMode),
        }, { parent: this });

        const launchTemplate = new aws.ec2.LaunchTemplate(name, {
            description: `Node group ${spec.name} of ${args.clusterName}`,
            updateDefaultVersion: true,
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: spec.httpPutResponseHopLimit,
            },
            blockDeviceMappings: blockDevices(spec, args.kmsKeyArn),
            userData: Buffer.from(nodeUserData(spec)).toString("base64"),
            tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
                resourceType,
                tags: { ...args.instanceTags, Name: `${args.clusterName}-${spec.name}` },
            })),
        }, { parent: this });

        new eks.ManagedNodeGroup(name, {
            cluster: args.cluster,
            clusterName: args.clusterName,
            nodeGroupName: `${args.clusterName}-${spec.name}`,
            nodeRoleArn: role.arn,
            subnetIds: args.subnetIds,
            amiType: spec.amiType,
            instanceTypes: spec.instanceTypes,
            capacityType: spec.capacityType,
            version: spec.version ?? args.kubernetesVersion,
            scalingConfig: { minSize: spec.minSize, desiredSize: spec.desiredSize, maxSize: spec.maxSize },
            // Updates respect PodDisruptionBudgets; the autoscaler owns the desired size after creation.
            forceUpdateVersion: false,
            ignoreScalingChanges: true,
            labels: spec.labels,
            taints: spec.taints,
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
        // Children do not inherit the component's dependsOn: the group itself waits for the nodes' network.
        }, { parent: this, dependsOn: dependenciesOf(opts), providers: awsProviders(this) });

        this.roleArn = role.arn;
        this.launchTemplateId = launchTemplate.id;
        this.registerOutputs({ roleArn: this.roleArn, launchTemplateId: this.launchTemplateId });
    }
}
