// Karpenter's IAM as typed values: the controller's six policies split and scoped as upstream
// splits them (Karpenter 1.14 getting-started CloudFormation template). The node role's managed
// policies are lib/iam.ts's nodeRolePolicies, shared with the managed node groups.
import { policy, type PolicyDocument, type Statement } from "../../lib/iam";
import { NODE_POOL_LABEL } from "../../lib/karpenterNodes";

/** Everything the controller policies are scoped to. */
export interface ControllerScope {
    partition: string;
    region: string;
    accountId: string;
    clusterName: string;
    /** The node role: the only role the controller may pass (to EC2). */
    nodeRoleArn: string;
    interruptionQueueArn: string;
}

export const CONTROLLER_POLICY_NAMES = ["NodeLifecycle", "IAMIntegration", "EKSIntegration", "Interruption", "ResourceDiscovery", "ZonalShift"] as const;
export type ControllerPolicyName = (typeof CONTROLLER_POLICY_NAMES)[number];

/** Tag Karpenter puts on everything it launches, naming the pool. */
const NODEPOOL_TAG = NODE_POOL_LABEL;
/** Tag Karpenter puts on the instance profiles it generates, naming the node class. */
const NODECLASS_TAG = "karpenter.k8s.aws/ec2nodeclass";

const allow = (Sid: string, Action: string[], Resource: string | string[], Condition?: Statement["Condition"]): Statement => ({
    Sid,
    Effect: "Allow",
    Action,
    Resource,
    ...(Condition ? { Condition } : {}),
});

function nodeLifecycle(s: ControllerScope): PolicyDocument {
    const ec2 = (resource: string, account = "*") => `arn:${s.partition}:ec2:${s.region}:${account}:${resource}`;
    const clusterTag = `kubernetes.io/cluster/${s.clusterName}`;
    const launched = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map((r) => ec2(r));
    const requestTags = { [`aws:RequestTag/${clusterTag}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": s.clusterName };
    const ownedByCluster = { StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" }, StringLike: { [`aws:ResourceTag/${NODEPOOL_TAG}`]: "*" } };
    return policy(
        allow("AllowScopedEC2InstanceAccessActions", ["ec2:RunInstances", "ec2:CreateFleet"], [
            ec2("image/*", ""),
            ec2("snapshot/*", ""),
            ec2("security-group/*"),
            ec2("subnet/*"),
            ec2("capacity-reservation/*"),
            ec2("placement-group/*"),
        ]),
        allow("AllowScopedEC2LaunchTemplateAccessActions", ["ec2:RunInstances", "ec2:CreateFleet"], ec2("launch-template/*"), ownedByCluster),
        allow("AllowScopedEC2InstanceActionsWithTags", ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"], launched, {
            StringEquals: requestTags,
            StringLike: { [`aws:RequestTag/${NODEPOOL_TAG}`]: "*" },
        }),
        allow("AllowScopedResourceCreationTagging", ["ec2:CreateTags"], launched, {
            StringEquals: { ...requestTags, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
            StringLike: { [`aws:RequestTag/${NODEPOOL_TAG}`]: "*" },
        }),
        allow("AllowScopedResourceTagging", ["ec2:CreateTags"], ec2("instance/*"), {
            ...ownedByCluster,
            StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
            "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
        }),
        allow("AllowScopedDeletion", ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"], [ec2("instance/*"), ec2("launch-template/*")], ownedByCluster),
    );
}

function iamIntegration(s: ControllerScope): PolicyDocument {
    const profiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
    const clusterTag = `kubernetes.io/cluster/${s.clusterName}`;
    const requestTags = {
        [`aws:RequestTag/${clusterTag}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
        "aws:RequestTag/topology.kubernetes.io/region": s.region,
    };
    const resourceTags = { [`aws:ResourceTag/${clusterTag}`]: "owned", "aws:ResourceTag/topology.kubernetes.io/region": s.region };
    return policy(
        allow("AllowPassingInstanceRole", ["iam:PassRole"], s.nodeRoleArn, {
            StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] },
        }),
        // The platform pre-creates the instance profile (a private VPC has no IAM endpoint); these
        // let a node class that names a `role` instead still work, scoped as upstream scopes them.
        allow("AllowScopedInstanceProfileCreationActions", ["iam:CreateInstanceProfile"], profiles, {
            StringEquals: requestTags,
            StringLike: { [`aws:RequestTag/${NODECLASS_TAG}`]: "*" },
        }),
        allow("AllowScopedInstanceProfileTagActions", ["iam:TagInstanceProfile"], profiles, {
            StringEquals: { ...resourceTags, ...requestTags },
            StringLike: { [`aws:ResourceTag/${NODECLASS_TAG}`]: "*", [`aws:RequestTag/${NODECLASS_TAG}`]: "*" },
        }),
        allow("AllowScopedInstanceProfileActions", ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"], profiles, {
            StringEquals: resourceTags,
            StringLike: { [`aws:ResourceTag/${NODECLASS_TAG}`]: "*" },
        }),
    );
}

const clusterArn = (s: ControllerScope) => `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`;

const eksIntegration = (s: ControllerScope): PolicyDocument =>
    policy(allow("AllowAPIServerEndpointDiscovery", ["eks:DescribeCluster"], clusterArn(s)));

const interruption = (s: ControllerScope): PolicyDocument =>
    policy(allow("AllowInterruptionQueueActions", ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], s.interruptionQueueArn));

/** Read-only EC2 calls Karpenter makes in its own region only. */
export const REGIONAL_READ_ACTIONS = [
    "ec2:DescribeCapacityReservations",
    "ec2:DescribeImages",
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceStatus",
    "ec2:DescribeInstanceTypeOfferings",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribePlacementGroups",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSpotPriceHistory",
    "ec2:DescribeSubnets",
];

const resourceDiscovery = (s: ControllerScope): PolicyDocument =>
    policy(
        allow("AllowRegionalReadActions", REGIONAL_READ_ACTIONS, "*", { StringEquals: { "aws:RequestedRegion": s.region } }),
        // AMI aliases (bottlerocket@<version>) resolve through public SSM parameters.
        allow("AllowSSMReadActions", ["ssm:GetParameter"], `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`),
        // These actions support no resource-level scoping.
        allow("AllowPricingReadActions", ["pricing:GetProducts"], "*"),
        allow("AllowUnscopedInstanceProfileListAction", ["iam:ListInstanceProfiles"], "*"),
        allow("AllowInstanceProfileReadActions", ["iam:GetInstanceProfile"], `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`),
    );

/** Zonal shift status of this cluster only (used when `settings.enableZonalShift` is on). */
const zonalShift = (s: ControllerScope): PolicyDocument =>
    policy(allow("AllowZonalShiftStatusReadOnly", ["arc-zonal-shift:GetManagedResource"], "*", {
        StringEquals: { "arc-zonal-shift:ResourceIdentifier": clusterArn(s) },
    }));

/** The controller's policies by name, as upstream splits them. */
export function controllerPolicies(s: ControllerScope): Record<ControllerPolicyName, PolicyDocument> {
    return {
        NodeLifecycle: nodeLifecycle(s),
        IAMIntegration: iamIntegration(s),
        EKSIntegration: eksIntegration(s),
        Interruption: interruption(s),
        ResourceDiscovery: resourceDiscovery(s),
        ZonalShift: zonalShift(s),
    };
}
