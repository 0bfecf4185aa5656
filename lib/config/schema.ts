// The one schema of an environment's config: every `platform:` key (and `aws:region`) with its
// type, default and description. Cross-field rules live in `rules.ts`.
import { z } from "zod";
import { prefixLength } from "../cidr";
import { addonsSchema, karpenterSchema } from "./addons";
import { teamsSchema } from "./teams";
import { applicationsSchema } from "./applications";
import { chartsSchema, imageCacheSchema } from "./registries";
import { productionExceptionsSchema } from "./exceptions";
import { bool, cidr, dnsLabel, int, oneOf, retentionDays } from "./fields";
export { LOG_RETENTION_DAYS } from "./fields";
import { EKS_ADDON_VERSIONS, type EksAddonName } from "../versions";
import { DEFAULT_FARGATE_PROFILES, fargateProfileSchema, nodeGroupSchema } from "./compute";
export { AMI_TYPES, DEFAULT_FARGATE_PROFILES, TAINT_EFFECTS } from "./compute";

/** Interface endpoints every private cluster needs, whatever the config adds. */
export const REQUIRED_INTERFACE_ENDPOINTS = [
    "ec2", "ecr.api", "ecr.dkr", "sts", "logs", "elasticloadbalancing", "ssm", "ssmmessages", "ec2messages",
    "sqs", "eks", "eks-auth", "kms",
    // later layers: EFS CSI driver, Secrets Store CSI provider
    "elasticfilesystem", "secretsmanager",
] as const;

export const EGRESS_MODES = ["none", "nat-per-az", "single-nat"] as const;
export const POD_NETWORK_MODES = ["vpc-cni", "calico-overlay"] as const;
export const TIERS = ["production", "development"] as const;
export const AUTHENTICATION_MODES = ["API", "API_AND_CONFIG_MAP"] as const;
const roleArn = z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an IAM role ARN` });

/** The name of a service-linked role, e.g. `AWSServiceRoleForAutoScaling` (a custom suffix follows `_`). */
export const SERVICE_LINKED_ROLE = /^AWSServiceRoleFor[A-Za-z0-9+=,.@_-]+$/;

/**
 * EC2 Spot's service-linked role: Karpenter launches spot capacity through CreateFleet, which needs
 * it, and its controller policy (upstream's) may not create it. It exists once the account has
 * launched spot capacity; `aws iam create-service-linked-role --aws-service-name spot.amazonaws.com`
 * creates it (once per account: a second create fails).
 */
export const EC2_SPOT_SERVICE_LINKED_ROLE = "AWSServiceRoleForEC2Spot";

const eksAddonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an EKS add-on version such as "v1.12.4-eksbuild.18"` });

const peering = z.strictObject({
    name: dnsLabel.describe("Short name of the peering, used in resource names."),
    peerVpcId: z
        .string()
        .regex(/^vpc-[0-9a-f]{8,17}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a VPC id (vpc-...)` })
        .describe("The peer VPC."),
    peerCidr: cidr("the peer VPC").describe("CIDR of the peer VPC: routed from the private subnets, allowed to the cluster API."),
    peerOwnerId: z
        .string()
        .regex(/^\d{12}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a 12-digit AWS account id` })
        .optional()
        .describe("Account of the peer VPC; omit for this account."),
    peerRegion: z.string().optional().describe("Region of the peer VPC; omit for this region."),
    peerRouteTableIds: z
        .array(z.string().regex(/^rtb-[0-9a-f]{8,17}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a route table id (rtb-...)` }))
        .default([])
        .describe("Route tables of the peer VPC that get the route back to this VPC (same account only; in another account its owner adds the route)."),
});

export const configSchema = z.strictObject({
    region: z
        .string({ error: (iss) => (iss.input === undefined ? "is required (the AWS region of the environment)" : `${JSON.stringify(iss.input)} is not an AWS region name`) })
        .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an AWS region` })
        .describe("AWS region of the environment (`aws:region`)."),
    allowedAccountIds: z
        .array(z.string())
        .optional()
        .describe("The AWS provider's own setting (`aws:allowedAccountIds`): it refuses to act in any other account. Must be exactly `[platform:accountId]` when that is set."),
    accountId: z
        .string()
        .regex(/^\d{12}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an AWS account id (12 digits, quoted)` })
        .optional()
        .describe("The environment's AWS account (required in production). Every layer's AWS provider refuses any other (`aws:allowedAccountIds`); the offline synth, the policy pack, the image lists and the pre-warm script play this account."),
    name: dnsLabel.describe("Platform name; the cluster is named `<name>-<stack>` and every resource starts with it."),
    tier: oneOf(TIERS).describe(
        "`production` turns on the strict defaults: no internet egress, deletion protection, retained volumes.",
    ),
    productionExceptions: productionExceptionsSchema,
    organization: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/)
        .default("organization")
        .describe("Organization in stack references (`<organization>/<project>/<stack>`); self-managed backends use `organization`."),
    tags: z.record(z.string(), z.string()).default({}).describe("Extra tags on every AWS resource."),
    availabilityZones: z
        .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an availability zone name` }))
        .min(2, { error: "needs at least 2 availability zones" })
        .max(6, { error: "takes at most 6 availability zones" })
        .describe("Availability zones of the VPC, in the environment's region (2 to 6)."),
    // Checked here, not in a rule: the subnet plan enumerates the VPC's blocks, so a huge VPC must never reach it.
    vpcCidr: cidr("the VPC")
        .refine((v) => prefixLength(v) >= 16 && prefixLength(v) <= 24, {
            error: (iss) => `${JSON.stringify(iss.input)} must be a /16 to /24 (AWS allows /16 to /28; smaller cannot hold a cluster)`,
        })
        .describe("IPv4 CIDR of the VPC (/16 to /24)."),
    subnets: z
        .strictObject({
            privatePrefixLength: int(16, 28).default(19).describe("Prefix length of each private subnet (nodes, pods in vpc-cni mode, endpoints)."),
            publicPrefixLength: int(16, 28).default(24).describe("Prefix length of each public subnet (load balancers, NAT gateways); unused without egress."),
        })
        .prefault({})
        .describe("The subnet plan: one private (and, with egress, one public) subnet per zone."),
    egress: oneOf(EGRESS_MODES)
        .optional()
        .describe("Internet egress: `none` (fully private, no internet or NAT gateway), `nat-per-az` or `single-nat`. Default: `none` in production, `single-nat` otherwise."),
    vpcEndpoints: z
        .strictObject({
            interface: bool()
                .optional()
                .describe("Create the interface endpoints. Default: on without egress (where they are required), off with NAT (the S3 gateway endpoint is always on)."),
            extra: z
                .array(z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an endpoint service name such as "ecr.api"` }))
                .default([])
                .describe(`Interface endpoints beyond the required ones (${REQUIRED_INTERFACE_ENDPOINTS.join(", ")}).`),
        })
        .prefault({})
        .describe("VPC endpoints of the private subnets."),
    peerings: z.array(peering).default([]).describe("VPC peerings (for example to a CI tooling VPC); the peer CIDRs reach the cluster API."),
    flowLogs: z
        .strictObject({
            retentionDays: retentionDays.default(90).describe("Retention of the flow log group."),
            trafficType: oneOf(["ALL", "ACCEPT", "REJECT"] as const).default("ALL").describe("Traffic the flow logs record."),
        })
        .prefault({})
        .describe("VPC flow logs to CloudWatch Logs (always on)."),
    podNetwork: z
        .strictObject({
            mode: oneOf(POD_NETWORK_MODES).default("vpc-cni").describe("`vpc-cni` (pods take VPC addresses) or `calico-overlay` (pods take addresses from `podCidr`)."),
            podCidr: cidr("the pod overlay").default("100.64.0.0/16").describe("Pod CIDR in calico-overlay mode."),
            blockSize: int(20, 32).default(26).describe("Calico IPAM block size (each node takes blocks of this prefix)."),
        })
        .prefault({})
        .describe("How pods get their addresses."),
    serviceCidr: cidr("Kubernetes services")
        .default("172.20.0.0/16")
        .describe("Kubernetes service CIDR (/12 to /24, within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)."),
    capacity: z
        .strictObject({
            maxNodes: int(1, 5000).default(50).describe("Most nodes (EC2 and Fargate) the environment plans for."),
            maxPods: int(1, 250000).default(1500).describe("Most pods the environment plans for."),
        })
        .prefault({})
        .describe("Planned size: the subnets (or the pod CIDR) must hold it."),
    endpoint: z
        .strictObject({
            publicAccess: bool().default(false).describe("Open the public API endpoint (the private one is always on)."),
            publicAccessCidrs: z.array(cidr("public API access")).default([]).describe("CIDRs allowed to the public endpoint; required when it is open."),
            vpnCidrs: z.array(cidr("VPN")).default([]).describe("VPN CIDRs allowed to the private endpoint."),
            vpnGateway: z
                .string()
                .regex(/^(tgw|vgw)-[0-9a-f]{8,17}$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a transit gateway (tgw-...) or virtual private gateway (vgw-...) id` })
                .optional()
                .describe("Where the VPN reaches the VPC: a transit gateway (`tgw-...`, attached to the private subnets here) or a virtual private gateway (`vgw-...`, attached here). The private subnets route `vpnCidrs` back through it."),
        })
        .prefault({})
        .describe("Who reaches the Kubernetes API."),
    kubernetesVersion: z
        .string()
        .regex(/^1\.\d+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a Kubernetes minor version such as "1.35"` })
        .default("1.35")
        .describe("Kubernetes version of the control plane (an EKS-supported minor version; upgrades go one minor version at a time)."),
    upgradePolicy: oneOf(["STANDARD", "EXTENDED"] as const)
        .optional()
        .describe("EKS support type: `STANDARD` (auto-upgraded at the end of standard support) or `EXTENDED` (paid). Default: `EXTENDED` in production, `STANDARD` otherwise."),
    authenticationMode: oneOf(AUTHENTICATION_MODES)
        .default("API")
        .describe("`API` (EKS access entries) or `API_AND_CONFIG_MAP` (access entries plus the aws-auth ConfigMap)."),
    controlPlaneLogs: z
        .strictObject({ retentionDays: retentionDays.default(90).describe("Retention of the control-plane log group.") })
        .prefault({})
        .describe("All five control-plane log types (api, audit, authenticator, controllerManager, scheduler) go to CloudWatch Logs."),
    vpcCni: z
        .strictObject({
            prefixDelegation: bool().default(false).describe("Give nodes /28 prefixes instead of single addresses (more pods per node)."),
            warmIpTarget: int(0, 250).optional().describe("Free addresses each node keeps ready."),
            warmPrefixTarget: int(0, 64).optional().describe("Free prefixes each node keeps ready (prefix delegation)."),
            minimumIpTarget: int(0, 250).optional().describe("Addresses each node holds at least."),
        })
        .prefault({})
        .describe("Amazon VPC CNI settings (`vpc-cni` mode)."),
    eksAddonVersions: z
        .strictObject({
            coredns: eksAddonVersion.optional(),
            kubeProxy: eksAddonVersion.optional(),
            vpcCni: eksAddonVersion.optional(),
        })
        .default({})
        .describe("Overrides of the EKS add-on versions pinned per Kubernetes version in `lib/versions.ts`."),
    coredns: z
        .strictObject({
            minReplicas: int(2, 50).default(2).describe("Fewest CoreDNS replicas (on Fargate)."),
            maxReplicas: int(2, 100).default(10).describe("Most CoreDNS replicas (autoscaling)."),
        })
        .prefault({})
        .describe("CoreDNS runs on Fargate and scales with the cluster."),
    nodeGroups: z.array(nodeGroupSchema).default([]).describe("Managed node groups with fixed capacity (Karpenter provisions every other node). vpc-cni mode only: in calico-overlay mode the network plugin arrives with the add-ons layer, after the node groups, so give fixed capacity as a Karpenter node pool."),
    fargateProfiles: z.array(fargateProfileSchema).default(DEFAULT_FARGATE_PROFILES).describe("Fargate profiles; the defaults run CoreDNS and the Karpenter controller."),
    fargateLogging: z
        .strictObject({
            enabled: bool().default(true).describe("Ship Fargate pods' logs to CloudWatch Logs (Fargate's log router; Grafana reads them there): the only way their logs leave Fargate."),
            retentionDays: retentionDays.default(30).describe("Retention of the Fargate log group."),
        })
        .prefault({})
        .describe("Fargate logging (the aws-observability namespace and its aws-logging ConfigMap)."),
    access: z
        .strictObject({
            deployRole: roleArn
                .optional()
                .describe("The IAM role `pulumi up` runs as (CI's deploy role). It creates the cluster, and EKS makes the creator a cluster admin (pulumi-eks always asks it to): its access entry is EKS's, so it is never listed in `admins`. A first deploy by another identity is refused."),
            previewRoles: z
                .array(roleArn)
                .default([])
                .describe("IAM roles that run `pulumi preview` (CI on pull requests): cluster-wide read access including Secrets (AmazonEKSAdminViewPolicy), which a preview of Kubernetes resources reads."),
            admins: z.array(roleArn).default([]).describe("IAM roles with cluster admin."),
            readOnly: z.array(roleArn).default([]).describe("IAM roles with cluster-wide read-only access."),
            teams: z
                .array(z.strictObject({
                    name: dnsLabel.describe("Team name; its Kubernetes group is `team:<name>`."),
                    roleArn: roleArn.describe("The team's IAM role."),
                    namespaces: z.array(dnsLabel).min(1).describe("Namespaces the team edits."),
                    readOnly: z.array(roleArn).default([]).describe("IAM roles that may read the team's namespaces (its view Role, never Secrets); their Kubernetes group is `team:<name>:read-only`."),
                }))
                .default([])
                .describe("Team roles, each with edit rights in its namespaces."),
        })
        .prefault({})
        .describe("Who may use the cluster (EKS access entries; aws-auth too in API_AND_CONFIG_MAP mode)."),
    serviceLinkedRoles: z
        .array(z.string().regex(SERVICE_LINKED_ROLE, { error: (iss) => `${JSON.stringify(iss.input)} is not a service-linked role name such as "AWSServiceRoleForAutoScaling"` }))
        .default([])
        .describe(
            "Service-linked roles that already exist in the account (e.g. `AWSServiceRoleForAutoScaling`, there once the account has had an Auto Scaling group). " +
            "A key or trust policy may name only these: AWS refuses a policy that names a role which does not exist yet, and a service-linked role cannot be created twice. " +
            "A Karpenter pool with `spot` capacity needs `AWSServiceRoleForEC2Spot` listed (create it once per account: `aws iam create-service-linked-role --aws-service-name spot.amazonaws.com`).",
        ),
    imageCache: imageCacheSchema,
    charts: chartsSchema,
    karpenter: karpenterSchema,
    addons: addonsSchema,
    teams: teamsSchema,
    applications: applicationsSchema,
});

export type RawConfig = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/** The validated environment, with every default resolved. */
export type PlatformConfig = Omit<Parsed, "egress" | "vpcEndpoints" | "upgradePolicy" | "eksAddonVersions"> & {
    egress: (typeof EGRESS_MODES)[number];
    upgradePolicy: "STANDARD" | "EXTENDED";
    eksAddonVersions: Record<EksAddonName, string>;
    vpcEndpoints: { interface: boolean; extra: string[] };
    /** The stack (environment) name: `dev`, `prod`, ... */
    env: string;
    /**
     * The environment file's other settings of the AWS provider (`aws:<key>` besides region and
     * allowedAccountIds), as written: every layer's explicit provider takes them (lib/awsProvider.ts),
     * as the default provider would have read them.
     */
    awsSettings?: Record<string, unknown>;
};

export type EgressMode = PlatformConfig["egress"];
export type PodNetworkMode = PlatformConfig["podNetwork"]["mode"];

/** Defaults that depend on the tier. */
export function tierDefaults(parsed: Parsed, env: string): PlatformConfig {
    const egress = parsed.egress ?? defaultEgress(parsed.tier);
    return {
        ...parsed,
        env,
        egress,
        upgradePolicy: parsed.upgradePolicy ?? (parsed.tier === "production" ? "EXTENDED" : "STANDARD"),
        eksAddonVersions: { ...EKS_ADDON_VERSIONS[parsed.kubernetesVersion], ...parsed.eksAddonVersions },
        vpcEndpoints: { interface: parsed.vpcEndpoints.interface ?? egress === "none", extra: parsed.vpcEndpoints.extra },
    };
}

export function defaultEgress(tier: Parsed["tier"]): (typeof EGRESS_MODES)[number] {
    return tier === "production" ? "none" : "single-nat";
}
