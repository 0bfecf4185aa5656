// Principals a policy names must exist when the policy is written: KMS (CreateKey, PutKeyPolicy),
// IAM (trust policies) and the other resource policies refuse a document that names a principal
// AWS cannot resolve (MalformedPolicyDocumentException). A principal exists for sure when it is a
// service principal, an account root, or created by the same environment; a service-linked role
// exists only once the account has used its service, so it may be named only where
// `platform:serviceLinkedRoles` says it exists.
import { asArray, asRecord, jsonOf, ofType, rule, verdict, type PolicyResource, type PolicyStack } from "../rule";

/** Resources that carry a resource-based policy with principals, and the property it is in. */
export const PRINCIPAL_POLICIES: Record<string, { property: string; what: string }> = {
    "aws:kms/key:Key": { property: "policy", what: "key policy" },
    "aws:kms/keyPolicy:KeyPolicy": { property: "policy", what: "key policy" },
    "aws:iam/role:Role": { property: "assumeRolePolicy", what: "trust policy" },
    "aws:sqs/queuePolicy:QueuePolicy": { property: "policy", what: "queue policy" },
    "aws:sqs/queue:Queue": { property: "policy", what: "queue policy" },
    "aws:s3/bucketPolicy:BucketPolicy": { property: "policy", what: "bucket policy" },
    "aws:ecr/repositoryPolicy:RepositoryPolicy": { property: "policy", what: "repository policy" },
    "aws:sns/topicPolicy:TopicPolicy": { property: "policy", what: "topic policy" },
};

const ACCOUNT_ROOT = /^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$/;
const SERVICE_LINKED = /^arn:aws[a-z-]*:iam::\d{12}:role\/aws-service-role\/([^/]+)\/([^/]+)$/;
const ROLE_OR_USER = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/(?:.*\/)?([^/]+)$/;
const PROVIDER = /^arn:aws[a-z-]*:iam::\d{12}:(oidc-provider|saml-provider)\/(.+)$/;
/** Web identity providers AWS knows by domain (Cognito, Login with Amazon, Google, Facebook). */
const WEB_IDENTITY_DOMAIN = /^[a-z0-9.-]+\.(com|amazonaws\.com)$/;

/** Every string anywhere in a value (outputs of an upstream stack). */
function stringsIn(value: unknown, into = new Set<string>()): Set<string> {
    if (typeof value === "string") into.add(value);
    else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, into));
    else if (value && typeof value === "object") Object.values(value).forEach((v) => stringsIn(v, into));
    return into;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What this stack knows to be created by the environment: its own roles, users and providers, and its upstream layers' outputs. */
function environmentOf(stack: PolicyStack) {
    const upstream = new Set<string>();
    for (const ref of ofType(stack, "pulumi:pulumi:StackReference")) stringsIn(asRecord(ref.props.outputs), upstream);
    const named = (type: string, name: string) =>
        ofType(stack, type).some((r) => r.props.name === name || r.name === name || new RegExp(`^${escapeRegExp(r.name)}-[0-9a-f]{7}$`).test(name));
    const providerUrls = new Set(
        ofType(stack, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").map((r) => String(r.props.url ?? "").replace(/^https:\/\//, "")),
    );
    // pulumi-eks creates the cluster's OIDC provider (createOidcProvider) for the issuer `oidc.eks.<region>.amazonaws.com/id/<id>`.
    const clusterCreatesProvider = ofType(stack, "eks:index:Cluster").some((r) => r.props.createOidcProvider === true);
    return {
        has: (arn: string) => upstream.has(arn),
        role: (name: string) => named("aws:iam/role:Role", name),
        user: (name: string) => named("aws:iam/user:User", name),
        provider: (path: string) => providerUrls.has(path) || (clusterCreatesProvider && /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[0-9A-F]+$/.test(path)),
    };
}

export interface PrincipalVerdict {
    principal: string;
    /** Why it exists, or undefined when nothing shows it does. */
    exists?: string;
    problem?: string;
}

/** Judges one principal of a policy: a service, an account root, a provider or role of this environment, or a listed service-linked role. */
export function judgePrincipal(kind: string, principal: string, stack: PolicyStack, env = environmentOf(stack)): PrincipalVerdict {
    if (principal === "*") return { principal, exists: "anyone (narrowed by conditions)" };
    if (kind === "Service") {
        return /\.amazonaws\.com(\.cn)?$/.test(principal)
            ? { principal, exists: "service principal" }
            : { principal, problem: `names the service principal "${principal}", which is not an AWS service (<service>.amazonaws.com)` };
    }
    if (kind === "Federated") {
        const provider = PROVIDER.exec(principal);
        if (!provider) {
            return WEB_IDENTITY_DOMAIN.test(principal)
                ? { principal, exists: "web identity provider" }
                : { principal, problem: `names the federated principal "${principal}", which is neither a provider ARN nor a known web identity provider` };
        }
        return env.has(principal) || env.provider(provider[2])
            ? { principal, exists: "identity provider of this environment" }
            : { principal, problem: `names the identity provider ${principal}, which this environment does not create: the policy would be refused until it exists` };
    }
    if (kind === "AWS" || kind === "CanonicalUser") {
        if (ACCOUNT_ROOT.test(principal)) return { principal, exists: "account root" };
        const linked = SERVICE_LINKED.exec(principal);
        if (linked) {
            const [, service, name] = linked;
            return (stack.serviceLinkedRoles ?? []).includes(name)
                ? { principal, exists: "service-linked role listed in platform:serviceLinkedRoles" }
                : {
                        principal,
                        problem:
                            `names the service-linked role ${name}, which exists only once the account has used ${service} ` +
                        "(and cannot be created twice): a fresh account refuses the policy (MalformedPolicyDocumentException). " +
                        `Grant through a condition instead (e.g. kms:ViaService), or add "${name}" to platform:serviceLinkedRoles where the account has it`,
                    };
        }
        const identity = ROLE_OR_USER.exec(principal);
        if (identity && (env.has(principal) || (identity[1] === "role" ? env.role(identity[2]) : env.user(identity[2])))) {
            return { principal, exists: `${identity[1]} of this environment` };
        }
        return { principal, problem: `names ${principal}, which this environment does not create: it may not exist when the policy is written (MalformedPolicyDocumentException)` };
    }
    return { principal, problem: `names a principal of kind ${kind}, which the platform does not use` };
}

/** `Principal` of a statement as (kind, principal) pairs; `"*"` as `AWS: *`. */
function principalsOf(statement: Record<string, unknown>): [string, string][] {
    const p = statement.Principal;
    if (p === "*") return [["AWS", "*"]];
    return Object.entries(asRecord(p)).flatMap(([kind, v]) => asArray(v).map((x): [string, string] => [kind, String(x)]));
}

/** The verdicts on every principal a resource's policy names (empty when it has no readable policy). */
export function principalVerdicts(r: PolicyResource, stack: PolicyStack): PrincipalVerdict[] {
    const spec = PRINCIPAL_POLICIES[r.type];
    const doc = spec && jsonOf(r.props[spec.property]);
    if (!doc) return [];
    const env = environmentOf(stack);
    return asArray(doc.Statement).map(asRecord).flatMap(principalsOf).map(([kind, principal]) => judgePrincipal(kind, principal, stack, env));
}

export const principalsExist = rule(
    {
        id: "principals-exist",
        description:
            "Every principal a key, trust or resource policy names exists when the policy is written: a service principal, an account root, " +
            "a role or provider the environment creates, or a service-linked role that platform:serviceLinkedRoles says the account has.",
        severity: "mandatory",
        reference: "AWS KMS Developer Guide: key policies (principals must exist, MalformedPolicyDocumentException); IAM User Guide: using service-linked roles",
    },
    (stack) =>
        stack.resources
            .filter((r) => PRINCIPAL_POLICIES[r.type])
            .flatMap((r) => {
                const verdicts = principalVerdicts(r, stack);
                if (!verdicts.length) return [];
                const what = PRINCIPAL_POLICIES[r.type].what;
                // A principal named in several statements is one problem.
                const problems = [...new Set(verdicts.filter((v) => v.problem).map((v) => `the ${what} ${v.problem}`))];
                const kinds = [...new Set(verdicts.map((v) => v.exists))].join(", ");
                return [verdict(r, problems.length ? problems.join("; ") : undefined, `every principal of the ${what} exists (${kinds})`)];
            }),
);

export const PRINCIPAL_RULES = [principalsExist];
