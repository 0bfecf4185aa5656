// What Karpenter launches, as pure functions of the config: the default EC2NodeClass (Bottlerocket
// pinned by alias, the pre-created instance profile, encrypted volumes, IMDSv2) and NodePools,
// including one application's own dedicated pool.
import { DEDICATED_TAINT_KEY, type KarpenterConfig, type NodePoolSpec } from "./config/addons";
import type { PodNetworkMode } from "./config/schema";
import { INSTANCE_TYPES, architectureOf } from "./ec2";

/** Karpenter's API groups and versions, and the type tokens of its custom resources in a plan. */
export const NODE_CLASS_GROUP = "karpenter.k8s.aws";
export const NODE_CLASS_API = `${NODE_CLASS_GROUP}/v1`;
export const NODE_POOL_API = "karpenter.sh/v1";
export const NODE_CLASS_TYPE = `kubernetes:${NODE_CLASS_API}:EC2NodeClass`;
export const NODE_POOL_TYPE = `kubernetes:${NODE_POOL_API}:NodePool`;
/** Karpenter labels every node (and tags every instance) it launches with its pool. */
export const NODE_POOL_LABEL = "karpenter.sh/nodepool";
/** The one node class every pool of the platform uses. */
export const DEFAULT_NODE_CLASS = "default";
/** The private subnets (network layer) carry it. */
export const DISCOVERY_TAG = "karpenter.sh/discovery";

/** Pods per node when nothing limits them more: Kubernetes' default, and what the overlay and prefix delegation are sized for. */
export const DEFAULT_MAX_PODS = 110;

/** Tag keys Karpenter sets itself; the EC2NodeClass CRD rejects them in `spec.tags`. */
const RESERVED_TAG = (key: string) =>
    key.startsWith("kubernetes.io/cluster") || ["eks:eks-cluster-name", NODE_POOL_LABEL, "karpenter.sh/nodeclaim", `${NODE_CLASS_GROUP}/ec2nodeclass`].includes(key);

type Quantities = Record<string, string>;

interface Ebs { volumeSize: string; volumeType: "gp3"; encrypted: true; kmsKeyID: string; deleteOnTermination: true }

export interface EC2NodeClassSpec {
    amiSelectorTerms: { alias: string }[];
    instanceProfile: string;
    subnetSelectorTerms: { tags: Record<string, string> }[];
    securityGroupSelectorTerms: { id: string }[];
    blockDeviceMappings: { deviceName: string; ebs: Ebs }[];
    metadataOptions: { httpEndpoint: "enabled"; httpProtocolIPv6: "disabled"; httpPutResponseHopLimit: number; httpTokens: "required" };
    kubelet: { maxPods?: number; kubeReserved: Quantities; systemReserved: Quantities };
    tags: Record<string, string>;
}

export interface Manifest<S> {
    apiVersion: string;
    kind: string;
    metadata: { name: string; labels?: Record<string, string> };
    spec: S;
}

/** What the node class needs from the cluster layer's outputs. */
export interface NodeClassContext {
    clusterName: string;
    instanceProfile: string;
    /**
     * The EKS-managed cluster security group: Karpenter's nodes carry it like managed nodes and
     * Fargate pods, and it alone carries the `kubernetes.io/cluster/<name>` tag the load balancer
     * controller looks for.
     */
    clusterSecurityGroupId: string;
    kmsKeyArn: string;
    podNetworkMode: PodNetworkMode;
    prefixDelegation: boolean;
    tags: Record<string, string>;
}

/**
 * kubelet maxPods: the configured value; else 110 where the pod network is not bound by ENI
 * addresses (Calico overlay, VPC CNI prefix delegation); else none, so Karpenter computes the
 * ENI limit of each instance type itself.
 */
export function maxPodsFor(configured: number | undefined, mode: PodNetworkMode, prefixDelegation: boolean): number | undefined {
    if (configured !== undefined) return configured;
    return mode === "calico-overlay" || prefixDelegation ? DEFAULT_MAX_PODS : undefined;
}

const definedOnly = (q: Record<string, string | undefined>): Quantities =>
    Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));

const gp3 = (sizeGiB: number, kmsKeyID: string): Ebs => ({ volumeSize: `${sizeGiB}Gi`, volumeType: "gp3", encrypted: true, kmsKeyID, deleteOnTermination: true });

export function ec2NodeClass(k: KarpenterConfig, ctx: NodeClassContext): Manifest<EC2NodeClassSpec> {
    const discovery = [{ tags: { [DISCOVERY_TAG]: ctx.clusterName } }];
    const maxPods = maxPodsFor(k.maxPods, ctx.podNetworkMode, ctx.prefixDelegation);
    return {
        apiVersion: NODE_CLASS_API,
        kind: "EC2NodeClass",
        metadata: { name: DEFAULT_NODE_CLASS },
        spec: {
            // A pinned release, never `latest`: nodes are replaced only when the pin changes.
            amiSelectorTerms: [{ alias: `bottlerocket@${k.bottlerocketVersion}` }],
            // Never `role`: Karpenter would create the profile through IAM, which a private VPC cannot reach.
            instanceProfile: ctx.instanceProfile,
            subnetSelectorTerms: discovery,
            // By id: no tag on a group EKS owns, and never another group that happens to carry the tag.
            securityGroupSelectorTerms: [{ id: ctx.clusterSecurityGroupId }],
            // Bottlerocket's two volumes (both replace Karpenter's defaults); Karpenter puts the
            // kubelet's ephemeral storage on the data volume, /dev/xvdb.
            blockDeviceMappings: [
                { deviceName: "/dev/xvda", ebs: gp3(k.osVolumeGiB, ctx.kmsKeyArn) },
                { deviceName: "/dev/xvdb", ebs: gp3(k.dataVolumeGiB, ctx.kmsKeyArn) },
            ],
            // IMDSv2 only, and one hop: pods cannot reach the node role's credentials.
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            kubelet: {
                ...(maxPods === undefined ? {} : { maxPods }),
                kubeReserved: definedOnly(k.kubeReserved),
                systemReserved: definedOnly(k.systemReserved),
            },
            tags: Object.fromEntries(Object.entries(ctx.tags).filter(([key]) => !RESERVED_TAG(key))),
        },
    };
}

interface Requirement { key: string; operator: "In"; values: string[] }

/** A NodePool spec; the node class name may be an output of another resource. */
export interface NodePoolSpecManifest<ClassName = string> {
    template: {
        metadata: { labels: Record<string, string> };
        spec: {
            nodeClassRef: { group: string; kind: string; name: ClassName };
            requirements: Requirement[];
            taints: { key: string; value?: string; effect: string }[];
            expireAfter: string;
        };
    };
    disruption: { consolidationPolicy: string; consolidateAfter: string; budgets: NodePoolSpec["budgets"] };
    limits: { cpu: string; memory: string };
    weight?: number;
}

const requirement = (key: string, values: readonly string[]): Requirement => ({ key, operator: "In", values: [...values] });

/** A NodePool of the config (or of `dedicatedNodePool`), on the given node class. */
export function nodePool<ClassName = string>(pool: NodePoolSpec, nodeClassName: ClassName): Manifest<NodePoolSpecManifest<ClassName>> {
    return {
        apiVersion: NODE_POOL_API,
        kind: "NodePool",
        metadata: { name: pool.name },
        spec: {
            template: {
                metadata: { labels: pool.labels },
                spec: {
                    nodeClassRef: { group: NODE_CLASS_GROUP, kind: "EC2NodeClass", name: nodeClassName },
                    // Karpenter 1.x has no implicit requirements: each one is explicit.
                    requirements: [
                        requirement("karpenter.k8s.aws/instance-family", pool.instanceFamilies),
                        requirement("karpenter.k8s.aws/instance-size", pool.instanceSizes),
                        requirement("karpenter.sh/capacity-type", pool.capacityTypes),
                        requirement("kubernetes.io/arch", pool.architectures),
                        requirement("kubernetes.io/os", ["linux"]),
                    ],
                    taints: pool.taints,
                    expireAfter: pool.expireAfter,
                },
            },
            disruption: { consolidationPolicy: pool.consolidationPolicy, consolidateAfter: pool.consolidateAfter, budgets: pool.budgets },
            limits: { cpu: String(pool.limits.cpu), memory: `${pool.limits.memoryGiB}Gi` },
            ...(pool.weight === undefined ? {} : { weight: pool.weight }),
        },
    };
}

export interface DedicatedPoolOptions {
    /** The one instance type of the pool, e.g. "m6a.2xlarge": sized so the application fills it. */
    instanceType: string;
    /** Capacity of all the pool's nodes together: the instance type's size times the nodes allowed. */
    limits: NodePoolSpec["limits"];
    /** @default ["on-demand"] */
    capacityTypes?: NodePoolSpec["capacityTypes"];
    /** @default "168h" */
    expireAfter?: string;
    /** How long an empty node lives before it is removed. @default "5m" */
    consolidateAfter?: string;
}

/**
 * One application's own pool (named after it): a single instance type, tainted
 * `dedicated=<app>:NoSchedule` and labelled `dedicated=<app>`, consolidated only when empty so
 * the application is never moved to pack nodes. Its pods use `dedicatedPool(app)` (placement.ts).
 */
export function dedicatedNodePool(app: string, opts: DedicatedPoolOptions): NodePoolSpec {
    if (!INSTANCE_TYPES.has(opts.instanceType)) throw new Error(`dedicated node pool "${app}": "${opts.instanceType}" is not an EC2 instance type such as "m6a.2xlarge"`);
    const [family, size] = opts.instanceType.split(".");
    return {
        name: app,
        instanceFamilies: [family],
        instanceSizes: [size],
        architectures: [architectureOf(family)],
        capacityTypes: opts.capacityTypes ?? ["on-demand"],
        labels: { [DEDICATED_TAINT_KEY]: app },
        taints: [{ key: DEDICATED_TAINT_KEY, value: app, effect: "NoSchedule" }],
        limits: opts.limits,
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: opts.consolidateAfter ?? "5m",
        budgets: [{ nodes: "1" }],
        expireAfter: opts.expireAfter ?? "168h",
    };
}
