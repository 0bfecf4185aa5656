// IAM: no administrator wildcards, web-identity trust bound to one service account, narrow node roles.
import { asArray, asRecord, jsonOf, ofType, rule, verdict, type Finding, type PolicyResource, type PolicyStack } from "../rule";

export const ROLE = "aws:iam/role:Role";
/** Resources that carry an identity policy document, and the property it is in. */
export const IDENTITY_POLICIES: Record<string, string> = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
};

type Statement = Record<string, unknown>;
const statementsOf = (doc: unknown): Statement[] => asArray(jsonOf(doc)?.Statement).map(asRecord);

/** Documents of a resource: its policy property, or a role's inline policies. */
function documentsOf(r: PolicyResource): unknown[] {
    if (r.type === ROLE) return asArray(r.props.inlinePolicies).map((p) => asRecord(p).policy);
    const key = IDENTITY_POLICIES[r.type];
    return key ? [r.props[key]] : [];
}

/** `*` or a whole service (`s3:*`) allowed on every resource, or an Allow with NotAction on every resource. */
function wildcardProblem(s: Statement): string | undefined {
    if (s.Effect !== "Allow" || !asArray(s.Resource).includes("*")) return undefined;
    if (s.NotAction !== undefined) return `Allow with NotAction ${JSON.stringify(s.NotAction)} on every resource`;
    const broad = asArray(s.Action).map(String).filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
    return broad.length ? `${broad.join(", ")} on every resource` : undefined;
}

export const iamNoWildcardAdmin = rule(
    {
        id: "iam-no-wildcard-admin",
        description: "No identity policy allows every action (or every action of a service) on every resource.",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Identity and Access Management (employ least privileged access when creating IAM roles)",
    },
    (stack) =>
        stack.resources
            .filter((r) => r.type === ROLE || IDENTITY_POLICIES[r.type])
            .filter((r) => documentsOf(r).length)
            .map((r) => {
                const problems = documentsOf(r).flatMap(statementsOf).map(wildcardProblem).filter(Boolean);
                return verdict(r, problems.length ? problems.join("; ") : undefined, "no wildcard administrator statement");
            }),
);

const SERVICE_ACCOUNT = /^system:serviceaccount:[a-z0-9-]+:[a-z0-9.-]+$/;

/** Why a web-identity statement is not bound to exactly one service account, or undefined. */
function webIdentityProblem(s: Statement): string | undefined {
    const conditions = asRecord(s.Condition);
    const equals = asRecord(conditions.StringEquals);
    const sub = Object.entries(equals).filter(([k]) => k.endsWith(":sub"));
    const aud = Object.entries(equals).filter(([k]) => k.endsWith(":aud"));
    const loose = Object.keys(conditions).filter((op) => op !== "StringEquals" && Object.keys(asRecord(conditions[op])).some((k) => k.endsWith(":sub")));
    if (loose.length) return `the subject is matched with ${loose.join(", ")}: bind it with StringEquals`;
    if (sub.length !== 1) return "no StringEquals condition on the OIDC subject: any service account of the cluster could assume the role";
    const subjects = asArray(sub[0][1]).map(String);
    if (subjects.length !== 1 || !SERVICE_ACCOUNT.test(subjects[0])) return `the subject ${JSON.stringify(sub[0][1])} is not exactly one service account`;
    if (aud.length !== 1 || asArray(aud[0][1]).join() !== "sts.amazonaws.com") return "the audience is not bound to sts.amazonaws.com";
    return undefined;
}

export const iamServiceAccountTrust = rule(
    {
        id: "iam-service-account-trust",
        description: "A role assumed through the cluster's OIDC provider (IRSA) trusts exactly one service account, with the STS audience.",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Identity and Access Management (scope the IAM role trust policy for IRSA to the service account name)",
    },
    (stack) =>
        ofType(stack, ROLE).flatMap((r): Finding[] => {
            const webIdentity = statementsOf(r.props.assumeRolePolicy).filter((s) => asArray(s.Action).includes("sts:AssumeRoleWithWebIdentity"));
            if (!webIdentity.length) return [];
            const problems = webIdentity.map(webIdentityProblem).filter(Boolean);
            return [verdict(r, problems.length ? problems.join("; ") : undefined, "bound to one service account")];
        }),
);

/** The session tags EKS Pod Identity sets, each of which a pod role's trust must bind with StringEquals (EKS user guide, pod-id-abac). */
const POD_IDENTITY_TAGS = ["aws:RequestTag/eks-cluster-name", "aws:RequestTag/kubernetes-namespace", "aws:RequestTag/kubernetes-service-account"];

export const iamPodIdentityTrust = rule(
    {
        id: "iam-pod-identity-trust",
        description: "A role assumed through EKS Pod Identity (pods.eks.amazonaws.com) trusts one cluster, namespace and service account: its session tags bound with StringEquals to one value each.",
        severity: "mandatory",
        reference: "EKS user guide: Create an IAM role for EKS Pod Identity, and ABAC with session tags (pod-id-role, pod-id-abac)",
    },
    (stack) =>
        ofType(stack, ROLE).flatMap((r): Finding[] => {
            const trusts = statementsOf(r.props.assumeRolePolicy).filter((s) => asArray(asRecord(s.Principal).Service).includes("pods.eks.amazonaws.com"));
            if (!trusts.length) return [];
            const problems = trusts.map((s) => {
                const equals = asRecord(asRecord(s.Condition).StringEquals);
                const loose = POD_IDENTITY_TAGS.filter((tag) => asArray(equals[tag]).length !== 1);
                return loose.length ? `${loose.join(", ")} not bound to exactly one value with StringEquals: any pod of ${loose.length === POD_IDENTITY_TAGS.length ? "any cluster in the account" : "a wider scope"} could assume the role` : undefined;
            }).filter(Boolean);
            return [verdict(r, problems.length ? problems.join("; ") : undefined, "bound to one cluster, namespace and service account")];
        }),
);

/** The managed policies a node may carry (EKS user guide: node IAM role; SSM for Session Manager access). */
export const NODE_MANAGED_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKSWorkerNodeMinimalPolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryPullOnly",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
];

const trustsEc2 = (r: PolicyResource) =>
    statementsOf(r.props.assumeRolePolicy).some((s) => asArray(asRecord(s.Principal).Service).includes("ec2.amazonaws.com"));

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A physical name is the resource's: its given name, or Pulumi's auto-name (`<name>-<7 hex>`). */
const isNamed = (value: unknown, r: PolicyResource) =>
    typeof value === "string" && (value === r.props.name || value === r.name || new RegExp(`^${escapeRegExp(r.name)}-[0-9a-f]{7}$`).test(value));

/** What a node may do beyond the AWS node policies: pull from ECR and fill the pull-through cache. */
export const NODE_PULL_ACTIONS = [
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchImportUpstreamImage",
    "ecr:CreateRepository",
];

/** A document that only allows the pull actions, on named repositories (never `*`). */
const pullOnly = (doc: unknown) => {
    const statements = statementsOf(doc);
    return (
        statements.length > 0 &&
        statements.every((s) => s.Effect === "Allow" && !s.NotAction && asArray(s.Action).every((a) => NODE_PULL_ACTIONS.includes(String(a))) && !asArray(s.Resource).includes("*"))
    );
};

/**
 * Customer-managed policies a node role may carry: pull-only policies of this stack (the attachment
 * depends on them), and the image-cache fill policy an upstream layer exports (checked there).
 */
function pullPolicies(stack: PolicyStack): { urns: Set<string>; arns: Set<string>; named: (arn: string) => boolean } {
    const local = ofType(stack, "aws:iam/policy:Policy").filter((p) => pullOnly(p.props.policy));
    const arns = new Set(
        ofType(stack, "pulumi:pulumi:StackReference")
            .map((r) => asRecord(r.props.outputs).imageCachePullPolicyArn)
            .filter((a): a is string => typeof a === "string"),
    );
    // A local policy's ARN ends with its name: given, or Pulumi's auto-name.
    const named = (arn: string) => local.some((p) => isNamed(arn.split(":policy/").pop(), p));
    return { urns: new Set(local.map((p) => p.urn)), arns, named };
}

/** Policies attached to a role, by attachment resources that name it or depend on it; `allowed` for the node policies. */
function attachedPolicies(stack: PolicyStack, role: PolicyResource): { policies: { arn: string; allowed: boolean }[]; inline: PolicyResource[] } {
    const roles = new Set(ofType(stack, ROLE).map((x) => x.urn));
    // By the role's name (given, or Pulumi's auto-name), or by depending on this role and no other.
    const refersTo = (a: PolicyResource, key: string) => {
        const roleDeps = a.dependencies.filter((d) => roles.has(d));
        return isNamed(a.props[key], role) || (roleDeps.length === 1 && roleDeps[0] === role.urn);
    };
    const pull = pullPolicies(stack);
    const allowed = (arn: string, attachment?: PolicyResource) =>
        NODE_MANAGED_POLICIES.some((p) => arn === `arn:aws:iam::aws:policy/${p}`) ||
        pull.arns.has(arn) ||
        pull.named(arn) ||
        Boolean(attachment?.dependencies.some((d) => pull.urns.has(d)));
    const policies = [
        ...asArray(role.props.managedPolicyArns).map(String).map((arn) => ({ arn, allowed: allowed(arn) })),
        ...ofType(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => refersTo(a, "role"))
            .map((a) => ({ arn: String(a.props.policyArn), allowed: allowed(String(a.props.policyArn), a) })),
        ...ofType(stack, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive")
            .filter((a) => refersTo(a, "roleName"))
            .flatMap((a) => asArray(a.props.policyArns).map(String).map((arn) => ({ arn, allowed: allowed(arn) }))),
    ];
    const inline = ofType(stack, "aws:iam/rolePolicy:RolePolicy").filter((a) => refersTo(a, "role"));
    return { policies, inline };
}

export const iamNodeRole = rule(
    {
        id: "iam-node-role-narrow",
        description: `A node role (trusted by EC2) carries only the node policies (${NODE_MANAGED_POLICIES.join(", ")}) and pull-only ECR policies (the image cache's fill policy), and no inline policy.`,
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 5.1.3 (minimize cluster access to read-only for ECR); EKS Best Practices: Security, Identity and Access Management (give pods their own roles, not the node's)",
    },
    (stack) =>
        ofType(stack, ROLE)
            .filter(trustsEc2)
            .map((r) => {
                const { policies, inline } = attachedPolicies(stack, r);
                const extra = policies.filter((p) => !p.allowed).map((p) => p.arn);
                const problems = [
                    extra.length && `broad or unexpected policies: ${extra.join(", ")}`,
                    (inline.length || asArray(r.props.inlinePolicies).length) && "inline policies on a node role: give the pods that need them their own role",
                ].filter(Boolean);
                return verdict(r, problems.length ? problems.join("; ") : undefined, `node policies only (${policies.length})`);
            }),
);

export const IAM_RULES = [iamNoWildcardAdmin, iamServiceAccountTrust, iamPodIdentityTrust, iamNodeRole];
