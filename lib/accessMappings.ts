// platform:cluster:AccessMappings: who may use the cluster. EKS access entries with access-policy
// associations in every mode; in API_AND_CONFIG_MAP mode also the aws-auth role mappings, patched
// in place (server-side apply) so the entries EKS writes are never dropped.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { PlatformConfig } from "./config/schema";

const POLICY_PREFIX = "arn:aws:eks::aws:cluster-access-policy";
export const ACCESS_POLICIES = {
    admin: `${POLICY_PREFIX}/AmazonEKSClusterAdminPolicy`,
    view: `${POLICY_PREFIX}/AmazonEKSViewPolicy`,
    /** View including Secrets: what a preview of Kubernetes resources reads. */
    adminView: `${POLICY_PREFIX}/AmazonEKSAdminViewPolicy`,
    edit: `${POLICY_PREFIX}/AmazonEKSEditPolicy`,
} as const;

export type Identity =
    /**
     * A person or pipeline: a STANDARD access entry, with an access policy at cluster or namespace
     * scope, or only Kubernetes groups whose RBAC another layer binds (teams: the workloads layer).
     */
    | { kind: "user"; name: string; roleArn: pulumi.Input<string>; policy?: keyof typeof ACCESS_POLICIES; namespaces?: string[]; groups?: string[] }
    /** Nodes the platform launches itself (Karpenter, self-managed): an EC2_LINUX entry. */
    | { kind: "ec2-node"; name: string; roleArn: pulumi.Input<string> }
    /**
     * Managed node groups and Fargate: EKS creates their access entries itself; listed here for the
     * aws-auth mappings of API_AND_CONFIG_MAP mode.
     */
    | { kind: "managed-node" | "fargate"; name: string; roleArn: pulumi.Input<string> };

/** Authentication modes EKS moves between: one way only, towards access entries (EKS user guide, grant access with access entries). */
const MODE_ORDER = ["CONFIG_MAP", "API_AND_CONFIG_MAP", "API"];

/** Why EKS would refuse to move a running cluster from one authentication mode to another (undefined: it would not). */
export function authenticationModeProblem(deployed: string | undefined, wanted: string): string | undefined {
    if (deployed === undefined || deployed === wanted) return undefined;
    if (MODE_ORDER.indexOf(wanted) < MODE_ORDER.indexOf(deployed)) {
        return `the cluster runs in ${deployed} mode and EKS cannot go back to ${wanted} (modes move only towards API: ${MODE_ORDER.join(" -> ")}); keep ${deployed}`;
    }
    return undefined;
}

/** The IAM role an STS caller ARN stands for: `arn:aws:sts::<acct>:assumed-role/<name>/<session>` -> `arn:aws:iam::<acct>:role/<name>`. */
export function callerRole(callerArn: string): string {
    const assumed = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn);
    return assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : callerArn;
}

/** The role name of a role ARN (paths dropped: STS reports assumed roles without their path). */
const roleName = (arn: string): string => arn.slice(arn.lastIndexOf("/") + 1);

/**
 * Why a first deploy as `callerArn` would leave the cluster's admin with the wrong identity: EKS
 * makes whoever creates the cluster its admin, and the platform creates no entry for the deploy role.
 */
export function creatorProblem(deployRole: string | undefined, callerArn: string): string | undefined {
    if (!deployRole) return undefined;
    const caller = callerRole(callerArn);
    if (roleName(caller) === roleName(deployRole) && caller.split(":")[4] === deployRole.split(":")[4]) return undefined;
    return `the cluster is created by ${caller}, not the deploy role ${deployRole}: EKS makes the creator the cluster's admin and the platform makes no access entry for the deploy role, so run the first deploy as the deploy role`;
}

export interface AccessMappingsArgs {
    clusterName: pulumi.Input<string>;
    mode: PlatformConfig["authenticationMode"];
    identities: Identity[];
    /** For the aws-auth patch (API_AND_CONFIG_MAP mode only). */
    k8sProvider?: k8s.Provider;
}

/** The Kubernetes group a team's role maps to; the workloads layer binds its RBAC to it. */
export const teamGroup = (team: string): string => `team:${team}`;

/** The Kubernetes group of a team's read-only roles; the workloads layer binds the team's view Role to it. */
export const teamReadOnlyGroup = (team: string): string => `team:${team}:read-only`;

/**
 * The identities of the config's access section. Not the deploy role: it creates the cluster, and
 * EKS gives the creator its admin access entry itself (pulumi-eks sets
 * bootstrapClusterCreatorAdminPermissions); a second entry for it fails with ResourceInUseException.
 */
export function configIdentities(access: PlatformConfig["access"]): Identity[] {
    return [
        ...access.previewRoles.map((roleArn, i): Identity => ({ kind: "user", name: `preview-${i}`, roleArn, policy: "adminView" })),
        ...access.admins.map((roleArn, i): Identity => ({ kind: "user", name: `admin-${i}`, roleArn, policy: "admin" })),
        ...access.readOnly.map((roleArn, i): Identity => ({ kind: "user", name: `read-only-${i}`, roleArn, policy: "view" })),
        // No access policy: EKS allows what either a policy or RBAC allows, so a namespace-scoped
        // edit policy would override the workloads layer's least-privilege team roles (no secrets).
        ...access.teams.map((t): Identity => ({ kind: "user", name: `team-${t.name}`, roleArn: t.roleArn, groups: [teamGroup(t.name)] })),
        ...access.teams.flatMap((t) => t.readOnly.map((roleArn, i): Identity => ({ kind: "user", name: `team-${t.name}-read-only-${i}`, roleArn, groups: [teamReadOnlyGroup(t.name)] }))),
    ];
}

interface MapRole { rolearn: string; username: string; groups: string[] }

/** aws-auth mapRoles entries for the nodes and Fargate (what EKS itself would write). */
export function awsAuthRoles(identities: { kind: Identity["kind"]; roleArn: string }[]): MapRole[] {
    return identities.flatMap((id): MapRole[] => {
        switch (id.kind) {
            case "managed-node":
            case "ec2-node":
                return [{ rolearn: id.roleArn, username: "system:node:{{EC2PrivateDNSName}}", groups: ["system:bootstrappers", "system:nodes"] }];
            case "fargate":
                return [{ rolearn: id.roleArn, username: "system:node:{{SessionName}}", groups: ["system:bootstrappers", "system:nodes", "system:node-proxier"] }];
            default:
                return [];
        }
    });
}

export class AccessMappings extends pulumi.ComponentResource {
    constructor(name: string, args: AccessMappingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:AccessMappings", name, {}, opts);
        for (const id of args.identities) {
            if (id.kind === "managed-node" || id.kind === "fargate") continue;
            const entry = new aws.eks.AccessEntry(`${name}-${id.name}`, {
                clusterName: args.clusterName,
                principalArn: id.roleArn,
                type: id.kind === "ec2-node" ? "EC2_LINUX" : "STANDARD",
                kubernetesGroups: id.kind === "user" ? id.groups : undefined,
            }, { parent: this });
            if (id.kind !== "user" || !id.policy) continue;
            new aws.eks.AccessPolicyAssociation(`${name}-${id.name}`, {
                clusterName: args.clusterName,
                principalArn: entry.principalArn,
                policyArn: ACCESS_POLICIES[id.policy],
                accessScope: id.namespaces ? { type: "namespace", namespaces: id.namespaces } : { type: "cluster" },
            }, { parent: this });
        }

        if (args.mode === "API_AND_CONFIG_MAP") {
            if (!args.k8sProvider) throw new Error(`${name}: API_AND_CONFIG_MAP mode needs a Kubernetes provider for the aws-auth mappings`);
            const roles = pulumi
                .all(args.identities.map((id) => pulumi.output(id.roleArn).apply((roleArn) => ({ kind: id.kind, roleArn }))))
                .apply((ids) => YAML.stringify(awsAuthRoles(ids)));
            // A patch, never a ConfigMap resource: replacing aws-auth drops what EKS wrote and locks nodes out.
            new k8s.core.v1.ConfigMapPatch(`${name}-aws-auth`, {
                metadata: {
                    name: "aws-auth",
                    namespace: "kube-system",
                    annotations: { "pulumi.com/patchForce": "true" },
                },
                data: { mapRoles: roles },
            }, { parent: this, provider: args.k8sProvider, retainOnDelete: true });
        }
        this.registerOutputs({});
    }
}
