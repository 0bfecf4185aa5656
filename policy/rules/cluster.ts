// Control plane: endpoint exposure, logs, secrets encryption, authentication, version, deletion.
import { EKS_VERSIONS, supportStatus } from "../../lib/versions";
import { asArray, at, isTrue, ofType, rule, verdict, type PolicyResource, type PolicyStack } from "../rule";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The settings the rules read, from the `eks:index:Cluster` component's inputs or the `aws:eks/cluster:Cluster` it creates. */
interface ClusterView {
    privateAccess: unknown;
    publicAccess: unknown;
    publicAccessCidrs: unknown;
    logTypes: unknown;
    kmsKeyArn: unknown;
    /** Encryption is configured, though the key may not be known yet (preview). */
    encryptionDeclared: boolean;
    authenticationMode: unknown;
    version: unknown;
    deletionProtection: unknown;
}

function clusterView(r: PolicyResource): ClusterView {
    const p = r.props;
    if (r.type === "eks:index:Cluster") {
        return {
            privateAccess: p.endpointPrivateAccess,
            publicAccess: p.endpointPublicAccess,
            publicAccessCidrs: p.publicAccessCidrs,
            logTypes: p.enabledClusterLogTypes,
            kmsKeyArn: p.encryptionConfigKeyArn,
            encryptionDeclared: "encryptionConfigKeyArn" in p || "encryptionConfig" in p,
            authenticationMode: p.authenticationMode ?? at(p, "accessConfig.authenticationMode"),
            version: p.version,
            deletionProtection: p.deletionProtection,
        };
    }
    return {
        privateAccess: at(p, "vpcConfig.endpointPrivateAccess"),
        publicAccess: at(p, "vpcConfig.endpointPublicAccess"),
        publicAccessCidrs: at(p, "vpcConfig.publicAccessCidrs"),
        logTypes: p.enabledClusterLogTypes,
        kmsKeyArn: asArray(p.encryptionConfig).map((c) => at(c, "provider.keyArn")).find(Boolean),
        encryptionDeclared: asArray(p.encryptionConfig).some((c) => asArray(at(c, "resources")).includes("secrets")),
        authenticationMode: at(p, "accessConfig.authenticationMode"),
        version: p.version,
        deletionProtection: p.deletionProtection,
    };
}

export const CLUSTER_TYPES = ["eks:index:Cluster", "aws:eks/cluster:Cluster"];

const eachCluster = (stack: PolicyStack, check: (c: ClusterView, r: PolicyResource) => ReturnType<typeof verdict>) =>
    ofType(stack, ...CLUSTER_TYPES).map((r) => check(clusterView(r), r));

export const clusterPrivateEndpoint = rule(
    {
        id: "cluster-private-endpoint",
        description: "The cluster's private API endpoint is on, so nodes and operators in the VPC reach it without leaving it.",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 5.4.2 (private endpoint enabled, public access disabled)",
    },
    (stack) =>
        eachCluster(stack, (c, r) =>
            verdict(r, isTrue(c.privateAccess) ? undefined : "the private endpoint is off: set endpointPrivateAccess: true", "private endpoint on"),
        ),
);

export const OPEN_TO_ALL = ["0.0.0.0/0", "::/0"];

export const clusterPublicEndpoint = rule(
    {
        id: "cluster-public-endpoint",
        description: "The public API endpoint is off, or open only to listed CIDRs; never to 0.0.0.0/0 in production.",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 5.4.1 (restrict access to the control plane endpoint)",
    },
    (stack) =>
        eachCluster(stack, (c, r) => {
            if (!isTrue(c.publicAccess)) return verdict(r, undefined, "public endpoint off");
            const cidrs = asArray(c.publicAccessCidrs).map(String);
            // EKS opens a public endpoint without a CIDR list to everyone.
            const open = cidrs.length === 0 || cidrs.some((x) => OPEN_TO_ALL.includes(x));
            if (!open) return verdict(r, undefined, `public endpoint restricted to ${cidrs.join(", ")}`);
            return verdict(
                r,
                stack.production || cidrs.length === 0
                    ? `the public endpoint is open to the internet${cidrs.length ? ` (${cidrs.join(", ")})` : " (no publicAccessCidrs)"}: turn it off (platform:endpoint.publicAccess: false) or restrict platform:endpoint.publicAccessCidrs`
                    : undefined,
                "public endpoint open to 0.0.0.0/0 outside production",
            );
        }),
);

export const clusterLogs = rule(
    {
        id: "cluster-control-plane-logs",
        description: `Every control-plane log type (${CONTROL_PLANE_LOG_TYPES.join(", ")}) goes to CloudWatch.`,
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 2.1.1 (enable audit logs); EKS Best Practices: Security, Auditing and logging",
    },
    (stack) =>
        eachCluster(stack, (c, r) => {
            const on = asArray(c.logTypes).map(String);
            const missing = CONTROL_PLANE_LOG_TYPES.filter((t) => !on.includes(t));
            return verdict(r, missing.length ? `control-plane logs off: ${missing.join(", ")}` : undefined, "all control-plane logs on");
        }),
);

export const clusterSecretsEncryption = rule(
    {
        id: "cluster-secrets-encryption",
        description: "Kubernetes secrets are envelope-encrypted with a customer-managed KMS key.",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 5.3.1 (encrypt Kubernetes secrets with KMS customer master keys)",
    },
    (stack) => {
        const keys = ofType(stack, "aws:kms/key:Key");
        return eachCluster(stack, (c, r) => {
            const arn = typeof c.kmsKeyArn === "string" ? c.kmsKeyArn : undefined;
            const ownKey = r.dependencies.some((d) => keys.some((k) => k.urn === d));
            if (arn === undefined && !(c.encryptionDeclared && ownKey) && !(r.type === "aws:eks/cluster:Cluster" && c.encryptionDeclared)) return verdict(r, "secrets are not encrypted: give the cluster a customer-managed KMS key", "");
            if (arn !== undefined && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\//.test(arn)) {
                return verdict(r, `secrets key ${arn} is not a customer-managed KMS key ARN (an alias or AWS-managed key cannot be used)`, "");
            }
            return verdict(r, undefined, `secrets encrypted with ${arn ?? "the stack's KMS key"}`);
        });
    },
);

export const ACCESS_ENTRY_MODES = ["API", "API_AND_CONFIG_MAP"];

export const clusterAuthentication = rule(
    {
        id: "cluster-access-entries",
        description: "Cluster access is managed with EKS access entries (authentication mode API or API_AND_CONFIG_MAP), not the aws-auth ConfigMap alone.",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 5.5.1 (manage Kubernetes RBAC users with IAM); EKS Best Practices: Security, Identity and Access Management (use EKS access entries)",
    },
    (stack) =>
        eachCluster(stack, (c, r) =>
            verdict(
                r,
                ACCESS_ENTRY_MODES.includes(String(c.authenticationMode))
                    ? undefined
                    : `authentication mode ${String(c.authenticationMode ?? "CONFIG_MAP (default)")} does not use access entries: set platform:authenticationMode to API`,
                `authentication mode ${String(c.authenticationMode)}`,
            ),
        ),
);

export const clusterVersion = rule(
    {
        id: "cluster-supported-version",
        description: "The cluster runs a Kubernetes version EKS supports today (standard or extended support).",
        severity: "mandatory",
        reference: "EKS Best Practices: Cluster Upgrades (keep your cluster up to date); Amazon EKS Kubernetes version lifecycle",
    },
    (stack) =>
        eachCluster(stack, (c, r) => {
            const version = String(c.version ?? "");
            const status = supportStatus(version, stack.today);
            if (status === "unknown") return verdict(r, `Kubernetes ${version || "(unset)"} is not an EKS version (known: ${Object.keys(EKS_VERSIONS).join(", ")})`, "");
            if (status === "ended") return verdict(r, `Kubernetes ${version} is past the end of EKS extended support (${EKS_VERSIONS[version].extendedSupportEnd}): upgrade platform:kubernetesVersion`, "");
            return verdict(r, undefined, `Kubernetes ${version} in ${status} support`);
        }),
);

export const clusterDeletionProtection = rule(
    {
        id: "cluster-deletion-protection",
        description: "A production cluster has EKS deletion protection on and is protected in the Pulumi state.",
        severity: "mandatory",
        reference: "EKS Best Practices: Reliability (protect the control plane); EKS cluster deletion protection",
    },
    (stack) =>
        stack.production
            ? eachCluster(stack, (c, r) => {
                    const missing = [!isTrue(c.deletionProtection) && "deletionProtection", !r.protect && "the Pulumi protect option"].filter(Boolean);
                    return verdict(r, missing.length ? `a production cluster without ${missing.join(" and ")}` : undefined, "deletion protection on and protected");
                })
            : [],
);

export const CLUSTER_RULES = [
    clusterPrivateEndpoint,
    clusterPublicEndpoint,
    clusterLogs,
    clusterSecretsEncryption,
    clusterAuthentication,
    clusterVersion,
    clusterDeletionProtection,
];
