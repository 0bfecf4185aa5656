// The kinds of node a plan provides: Fargate (one node per pod, for the pods a profile selects),
// each managed node group, each Karpenter NodePool. For each: the labels its nodes have or may
// have, its taints, and how many nodes it can have at most.
import type { NodeLabels, NodeSelectorRequirement, Taint, TaintEffect } from "./match";

export type NodeKindType = "fargate" | "node-group" | "karpenter";

export interface NodeKind {
    type: NodeKindType;
    /** Readable: `Fargate`, `node group fixed`, `NodePool addons`. */
    name: string;
    resource: string;
    labels: NodeLabels;
    taints: Taint[];
    /** The most nodes of this kind at once (an upper bound). */
    maxNodes: number;
    /** The fewest (node groups' minimum size; 0 for Karpenter and Fargate). */
    minNodes: number;
}

export interface FargateSelector { namespace: string; labels?: Record<string, string> }

/** Labels every node carries, whatever its kind (zone, hostname, instance type). */
const ANY_NODE: NodeLabels = {
    "kubernetes.io/hostname": "any",
    "topology.kubernetes.io/zone": "any",
    "topology.kubernetes.io/region": "any",
    "node.kubernetes.io/instance-type": "any",
    "kubernetes.io/os": ["linux"],
};

/** What EKS sets on Fargate nodes: the compute-type label and taint. */
export const FARGATE_LABEL = "eks.amazonaws.com/compute-type";
export const FARGATE_TAINT: Taint = { key: FARGATE_LABEL, value: "fargate", effect: "NoSchedule" };

export function fargateKind(resource: string, maxNodes: number): NodeKind {
    return {
        type: "fargate",
        name: "Fargate",
        resource,
        labels: { ...ANY_NODE, "kubernetes.io/arch": ["amd64"], [FARGATE_LABEL]: ["fargate"] },
        taints: [FARGATE_TAINT],
        maxNodes,
        minNodes: 0,
    };
}

/** Whether a Fargate profile selector takes the pod (namespace, and every selector label on the pod). */
export const fargateSelects = (s: FargateSelector, pod: { namespace: string; labels: Record<string, string> }): boolean =>
    s.namespace === pod.namespace && Object.entries(s.labels ?? {}).every(([k, v]) => pod.labels[k] === v);

const EKS_TAINT_EFFECTS: Record<string, TaintEffect> = { NO_SCHEDULE: "NoSchedule", NO_EXECUTE: "NoExecute", PREFER_NO_SCHEDULE: "PreferNoSchedule" };

export interface NodeGroupInputs {
    nodeGroupName?: string;
    amiType?: string;
    capacityType?: string;
    instanceTypes?: string[];
    labels?: Record<string, string>;
    taints?: { key: string; value?: string; effect: string }[];
    scalingConfig?: { minSize?: number; maxSize?: number; desiredSize?: number };
}

export function nodeGroupKind(resource: string, name: string, g: NodeGroupInputs): NodeKind {
    const arm = /ARM|arm64/.test(g.amiType ?? "");
    return {
        type: "node-group",
        name: `node group ${name}`,
        resource,
        labels: {
            ...ANY_NODE,
            "kubernetes.io/arch": [arm ? "arm64" : "amd64"],
            "eks.amazonaws.com/nodegroup": [name],
            "eks.amazonaws.com/capacityType": [g.capacityType ?? "ON_DEMAND"],
            ...Object.fromEntries(Object.entries(g.labels ?? {}).map(([k, v]) => [k, [v]])),
        },
        taints: (g.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECTS[t.effect] ?? (t.effect as TaintEffect) })),
        maxNodes: g.scalingConfig?.maxSize ?? 1,
        minNodes: g.scalingConfig?.minSize ?? 0,
    };
}

/**
 * vCPUs of an instance size, at the low end across families (a `medium` has 1 in some families,
 * 2 in the t family), so node counts derived from a CPU limit are upper bounds.
 */
export function vcpusOfSize(size: string): number {
    if (["nano", "micro", "small", "medium"].includes(size)) return 1;
    if (size === "large") return 2;
    if (size === "xlarge") return 4;
    const m = /^(\d+)xlarge$/.exec(size);
    if (m) return 4 * Number(m[1]);
    return 64; // metal
}

/** Labels Karpenter puts on its nodes from the instance type it picks. */
const KARPENTER_WELL_KNOWN = ["karpenter.k8s.aws/instance-family", "karpenter.k8s.aws/instance-size", "karpenter.k8s.aws/instance-category", "karpenter.sh/capacity-type", "kubernetes.io/arch"];

export interface NodePoolManifest {
    metadata?: { name?: string };
    spec?: {
        limits?: { cpu?: string | number };
        template?: {
            metadata?: { labels?: Record<string, string> };
            spec?: { requirements?: NodeSelectorRequirement[]; taints?: Taint[] };
        };
    };
}

export function nodePoolKind(resource: string, pool: NodePoolManifest): NodeKind {
    const name = pool.metadata?.name ?? "?";
    const template = pool.spec?.template;
    const requirements = template?.spec?.requirements ?? [];
    const labels: NodeLabels = { ...ANY_NODE, "karpenter.sh/nodepool": [name] };
    for (const key of KARPENTER_WELL_KNOWN) labels[key] = "any";
    for (const r of requirements) {
        if (r.operator === "In") labels[r.key] = r.values ?? [];
        else if (r.operator === "DoesNotExist") delete labels[r.key];
        else labels[r.key] = "any";
    }
    for (const [k, v] of Object.entries(template?.metadata?.labels ?? {})) labels[k] = [v];
    // The smallest instance the pool may launch gives the most nodes within its CPU limit.
    const sizes = requirements.find((r) => r.key === "karpenter.k8s.aws/instance-size" && r.operator === "In")?.values;
    const smallest = sizes && sizes.length > 0 ? Math.min(...sizes.map(vcpusOfSize)) : 1;
    const cpu = Number(pool.spec?.limits?.cpu ?? Number.POSITIVE_INFINITY);
    return {
        type: "karpenter",
        name: `NodePool ${name}`,
        resource,
        labels,
        taints: template?.spec?.taints ?? [],
        maxNodes: Number.isFinite(cpu) ? Math.floor(cpu / smallest) : Number.MAX_SAFE_INTEGER,
        minNodes: 0,
    };
}
