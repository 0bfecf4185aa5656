// The compute parts of the config schema: managed node groups and Fargate profiles.
import { z } from "zod";
import { dnsLabel, int, oneOf, reserved } from "./fields";

export const AMI_TYPES = ["BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64", "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"] as const;
export const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;

export const nodeGroupSchema = z.strictObject({
    name: dnsLabel.describe("Node group name (suffix of the EKS node group name)."),
    amiType: oneOf(AMI_TYPES).default("BOTTLEROCKET_x86_64").describe("Node OS: Bottlerocket (default) or AL2023."),
    instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an EC2 instance type` })).min(1).describe("EC2 instance types."),
    capacityType: oneOf(["ON_DEMAND", "SPOT"] as const).default("ON_DEMAND").describe("On-demand or spot capacity."),
    minSize: int(0, 1000).default(1).describe("Fewest nodes."),
    desiredSize: int(0, 1000).default(2).describe("Nodes at creation (later managed by the autoscaler)."),
    maxSize: int(1, 1000).default(3).describe("Most nodes."),
    version: z.string().regex(/^1\.\d+$/).optional().describe("Kubernetes version of the nodes; default: the control plane's."),
    rootVolumeGiB: int(2, 100).default(4).describe("OS volume (Bottlerocket) or root volume (AL2023) size."),
    dataVolumeGiB: int(10, 16384).default(50).describe("Bottlerocket data volume (images, ephemeral storage) size."),
    httpPutResponseHopLimit: int(1, 64).default(1).describe("IMDSv2 hop limit; 1 keeps pods away from the node's credentials."),
    labels: z.record(z.string(), z.string()).default({}).describe("Kubernetes labels on the nodes."),
    taints: z.array(z.strictObject({ key: z.string(), value: z.string().default(""), effect: oneOf(TAINT_EFFECTS) })).default([]).describe("Kubernetes taints on the nodes."),
    kubeReserved: reserved.default({ cpu: "100m", memory: "512Mi" }).describe("Resources kept for the kubelet and container runtime."),
    systemReserved: reserved.default({ cpu: "100m", memory: "256Mi" }).describe("Resources kept for the OS."),
});

export const fargateProfileSchema = z.strictObject({
    name: dnsLabel.describe("Profile name."),
    selectors: z
        .array(z.strictObject({ namespace: z.string().min(1), labels: z.record(z.string(), z.string()).optional() }))
        .min(1, { error: "needs at least one selector" })
        .max(5, { error: "takes at most 5 selectors (EKS limit)" })
        .describe("Pods that run on Fargate: a namespace, optionally narrowed by labels."),
});

export const DEFAULT_FARGATE_PROFILES = [
    { name: "kube-system", selectors: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }] },
    { name: "karpenter", selectors: [{ namespace: "karpenter" }] },
];
