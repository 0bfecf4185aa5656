// The AWS Load Balancer Controller's published IAM policy (docs/install/iam_policy.json, the v3.x
// form: the v2.14 additions DescribeListenerAttributes, GetSecurityGroupsForVpc, capacity
// reservations, IPAM pools and route tables included). The controller tags everything it creates
// with `elbv2.k8s.aws/cluster`; the write statements are limited to resources carrying that tag.
import { policy, type PolicyDocument, type Statement } from "../policyDocument";

export const LBC_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/** The request creates the resource with the controller's tag. */
const requestTagged = { [`aws:RequestTag/${LBC_CLUSTER_TAG}`]: "false" };
/** The resource already carries the controller's tag. */
const resourceTagged = { [`aws:ResourceTag/${LBC_CLUSTER_TAG}`]: "false" };
/** The request does not (re)set the controller's tag on a resource that has it. */
const keepsTag = { [`aws:RequestTag/${LBC_CLUSTER_TAG}`]: "true", [`aws:ResourceTag/${LBC_CLUSTER_TAG}`]: "false" };

const SECURITY_GROUPS = "arn:aws:ec2:*:*:security-group/*";
const TARGET_GROUPS = "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*";
const LOAD_BALANCERS = [TARGET_GROUPS, "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*", "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*"];
const LISTENERS = [
    "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
    "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
    "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
    "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
];

const allow = (Action: string[], Resource: string | string[] = "*", Condition?: Statement["Condition"]): Statement => ({
    Effect: "Allow",
    Action,
    Resource,
    ...(Condition ? { Condition } : {}),
});

const ec2 = (...actions: string[]) => actions.map((a) => `ec2:${a}`);
const elb = (...actions: string[]) => actions.map((a) => `elasticloadbalancing:${a}`);

export const LOAD_BALANCER_CONTROLLER_POLICY: PolicyDocument = policy(
    allow(["iam:CreateServiceLinkedRole"], "*", { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } }),
    allow([
        ...ec2(
            "DescribeAccountAttributes", "DescribeAddresses", "DescribeAvailabilityZones", "DescribeInternetGateways", "DescribeVpcs",
            "DescribeVpcPeeringConnections", "DescribeSubnets", "DescribeSecurityGroups", "DescribeInstances", "DescribeNetworkInterfaces",
            "DescribeTags", "GetCoipPoolUsage", "DescribeCoipPools", "GetSecurityGroupsForVpc", "DescribeIpamPools", "DescribeRouteTables",
        ),
        ...elb(
            "DescribeLoadBalancers", "DescribeLoadBalancerAttributes", "DescribeListeners", "DescribeListenerCertificates", "DescribeSSLPolicies",
            "DescribeRules", "DescribeTargetGroups", "DescribeTargetGroupAttributes", "DescribeTargetHealth", "DescribeTags", "DescribeTrustStores",
            "DescribeListenerAttributes", "DescribeCapacityReservation",
        ),
    ]),
    allow([
        "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate",
        "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
        "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
        "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
    ]),
    allow(ec2("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress")),
    allow(ec2("CreateSecurityGroup")),
    allow(ec2("CreateTags"), SECURITY_GROUPS, { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, Null: requestTagged }),
    allow(ec2("CreateTags", "DeleteTags"), SECURITY_GROUPS, { Null: keepsTag }),
    allow(ec2("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "DeleteSecurityGroup"), "*", { Null: resourceTagged }),
    allow(elb("CreateLoadBalancer", "CreateTargetGroup"), "*", { Null: requestTagged }),
    allow(elb("CreateListener", "DeleteListener", "CreateRule", "DeleteRule")),
    allow(elb("AddTags", "RemoveTags"), LOAD_BALANCERS, { Null: keepsTag }),
    allow(elb("AddTags", "RemoveTags"), LISTENERS),
    allow(
        elb(
            "ModifyLoadBalancerAttributes", "SetIpAddressType", "SetSecurityGroups", "SetSubnets", "DeleteLoadBalancer", "ModifyTargetGroup",
            "ModifyTargetGroupAttributes", "DeleteTargetGroup", "ModifyListenerAttributes", "ModifyCapacityReservation", "ModifyIpPools",
        ),
        "*",
        { Null: resourceTagged },
    ),
    allow(elb("AddTags"), LOAD_BALANCERS, {
        StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
        Null: requestTagged,
    }),
    allow(elb("RegisterTargets", "DeregisterTargets"), TARGET_GROUPS),
    allow(elb("SetWebAcl", "ModifyListener", "AddListenerCertificates", "RemoveListenerCertificates", "ModifyRule", "SetRulePriorities")),
);
