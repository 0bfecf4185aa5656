// The cluster layer's outputs: what the add-ons and workloads layers may rely on.
import { z } from "zod";
import { AUTHENTICATION_MODES, POD_NETWORK_MODES } from "../../lib/config/schema";

export const clusterContract = z.object({
    clusterName: z.string(),
    endpoint: z.string().startsWith("https://"),
    certificateAuthority: z.string().min(1),
    /** Secret: a kubeconfig that authenticates with `aws eks get-token`. */
    kubeconfig: z.string().min(1),
    oidcProviderArn: z.string().startsWith("arn:aws"),
    oidcProviderUrl: z.string(),
    clusterSecurityGroupId: z.string().startsWith("sg-"),
    nodeSecurityGroupId: z.string(),
    /** Node role ARN per managed node group name. */
    nodeRoleArns: z.record(z.string(), z.string()),
    fargatePodExecutionRoleArn: z.string().startsWith("arn:aws"),
    /** The CloudWatch log group of Fargate pods' logs (Fargate's log router), when Fargate logging is on. */
    fargateLogGroupArn: z.string().startsWith("arn:aws").optional(),
    /** The pods Fargate runs: a namespace, optionally narrowed by labels (all profiles' selectors). */
    fargateSelectors: z.array(z.object({ namespace: z.string(), labels: z.record(z.string(), z.string()).optional() })),
    kmsKeyArn: z.string().startsWith("arn:aws"),
    kubernetesVersion: z.string().regex(/^1\.\d+$/),
    authenticationMode: z.enum(AUTHENTICATION_MODES),
    podNetworkMode: z.enum(POD_NETWORK_MODES),
    /** VPC CNI prefix delegation (vpc-cni mode): pods per node are not bound by the ENI address limit. */
    prefixDelegation: z.boolean(),
    /** Pod CIDR in calico-overlay mode; the VPC CIDR in vpc-cni mode (pods take VPC addresses). */
    podCidr: z.string(),
    serviceCidr: z.string(),
    /** The Kubernetes group of each team's IAM role (access entries). */
    teamGroups: z.record(z.string(), z.string()),
    /** The Kubernetes group of each team's read-only roles (`platform:access.teams[].readOnly`). */
    teamReadOnlyGroups: z.record(z.string(), z.string()),
    /** The ECR pull-through cache (environments without internet egress): the account's registry and each upstream's prefix. */
    imageCache: z.object({ registry: z.string(), prefixes: z.record(z.string(), z.string()) }).optional(),
    /** Managed policy that lets a role fill the cache on a first pull (Karpenter's node role gets it too). */
    imageCachePullPolicyArn: z.string().startsWith("arn:aws").optional(),
});

export type ClusterOutputs = z.output<typeof clusterContract>;
