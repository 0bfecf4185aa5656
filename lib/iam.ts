// IAM helpers shared by the layers: policy documents as typed values, trust policies, managed policies.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PodNetworkMode } from "./config/schema";

export { policy, type PolicyDocument, type Statement } from "./policyDocument";
import { policy, type PolicyDocument, type Statement } from "./policyDocument";

export const managedPolicy = (name: string): string => `arn:aws:iam::aws:policy/${name}`;

/** `arn:aws:iam::<account>:role/aws-service-role/<service>/<name>`: a role AWS creates for a service, once per account. */
export const serviceLinkedRoleArn = (accountId: string, service: string, name: string): string =>
    `arn:aws:iam::${accountId}:role/aws-service-role/${service}/${name}`;

/** A role that an AWS service assumes, optionally only on behalf of one account/resource. */
export function serviceTrust(service: string, conditions?: Statement["Condition"]): PolicyDocument {
    return policy({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(conditions ? { Condition: conditions } : {}) });
}

/** A managed policy to attach: `key` names its attachment (`<name>-<key>`), `arn` is the policy. */
export interface ManagedPolicyAttachment {
    key: string;
    arn: pulumi.Input<string>;
}

/** An AWS managed policy by name (e.g. `service-role/AmazonEBSCSIDriverPolicy`), its attachment keyed by the name's last part. */
export const awsManagedPolicy = (name: string): ManagedPolicyAttachment => ({ key: name.split("/").pop() ?? name, arn: managedPolicy(name) });

/**
 * The one way the platform attaches a managed policy to a role: one `RolePolicyAttachment` per
 * policy, named `<name>-<key>`. (eslint.config.mjs refuses `new aws.iam.RolePolicyAttachment`
 * anywhere else; Karpenter's node role used a `RolePolicyAttachmentsExclusive` before: destroying
 * one detaches nothing, so the switch keeps the node role's policies attached throughout.)
 */
export function attachManagedPolicies(
    name: string,
    role: pulumi.Input<string>,
    policies: ManagedPolicyAttachment[],
    opts: pulumi.CustomResourceOptions,
): aws.iam.RolePolicyAttachment[] {
    return policies.map((p) => new aws.iam.RolePolicyAttachment(`${name}-${p.key}`, { role, policyArn: p.arn }, opts));
}

/** A role an AWS service assumes (not a pod's: see lib/podIdentity.ts), with AWS managed policies attached. */
export function roleWithPolicies(
    name: string,
    args: { description: string; assumeRolePolicy: pulumi.Input<string>; managedPolicies: string[] },
    opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
    const role = new aws.iam.Role(name, {
        description: args.description,
        assumeRolePolicy: args.assumeRolePolicy,
    }, opts);
    attachManagedPolicies(name, role.name, args.managedPolicies.map(awsManagedPolicy), opts);
    return role;
}

/**
 * IAM roles for service accounts: only the service account `namespace/serviceAccount` of the
 * cluster whose OIDC provider this is may assume the role.
 */
export function serviceAccountTrust(oidcProviderArn: string, oidcProviderUrl: string, namespace: string, serviceAccount: string): PolicyDocument {
    const issuer = oidcProviderUrl.replace(/^https:\/\//, "");
    return policy({
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                [`${issuer}:aud`]: "sts.amazonaws.com",
            },
        },
    });
}

/** The IRSA annotation that names a service account's role. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * A service account's IRSA annotations: its role, and regional STS (the pod identity webhook sets
 * AWS_STS_REGIONAL_ENDPOINTS=regional), so SDKs reach STS through the VPC's `sts` endpoint, never
 * the global endpoint a private VPC cannot reach.
 */
export const irsaServiceAccountAnnotations = <Arn = string>(roleArn: Arn): Record<string, Arn | "true"> => ({
    [IRSA_ROLE_ANNOTATION]: roleArn,
    "eks.amazonaws.com/sts-regional-endpoints": "true",
});

/** AWS managed policies of a node role (node groups, Karpenter); the VPC CNI's only where the VPC CNI assigns pod addresses. */
export function nodeRolePolicies(mode: PodNetworkMode): string[] {
    return [
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonSSMManagedInstanceCore",
        ...(mode === "vpc-cni" ? ["AmazonEKS_CNI_Policy"] : []),
    ];
}
