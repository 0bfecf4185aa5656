// How the Kubernetes scheduler (and Karpenter, and the DaemonSet controller) decide whether a pod
// may run on a kind of node: taints against tolerations, node selectors and required node
// affinity against the labels the node has or may have. Only the rules this platform relies on:
// preferred affinity and pod (anti-)affinity do not decide where a pod can run at all.

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint { key: string; value?: string; effect: TaintEffect }

export interface Toleration { key?: string; operator?: "Equal" | "Exists"; value?: string; effect?: string }

export interface NodeSelectorRequirement { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt"; values?: string[] }

/** `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`: the terms are ORed, a term's expressions ANDed. */
export interface RequiredNodeAffinity { nodeSelectorTerms: { matchExpressions?: NodeSelectorRequirement[] }[] }

/**
 * The labels a kind of node has or may have: a label's possible values, or `"any"` for a label
 * every such node has with a value nobody fixed in advance (zone, hostname, instance type).
 * A key that is not here is a label these nodes never carry.
 */
export type NodeLabels = Record<string, string[] | "any">;

/** Kubernetes' rule (k8s.io/api core/v1 Toleration.ToleratesTaint). */
export function tolerates(t: Toleration, taint: Taint): boolean {
    if (t.effect && t.effect !== taint.effect) return false;
    if ((t.operator ?? "Equal") === "Exists") return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
}

/** The taints that keep the pod off (PreferNoSchedule only steers). */
export function untolerated(tolerations: Toleration[], taints: Taint[]): Taint[] {
    return taints.filter((taint) => taint.effect !== "PreferNoSchedule" && !tolerations.some((t) => tolerates(t, taint)));
}

const possible = (labels: NodeLabels, key: string): string[] | "any" | undefined => labels[key];

function requirementMet(r: NodeSelectorRequirement, labels: NodeLabels): boolean {
    const values = possible(labels, r.key);
    switch (r.operator) {
        case "Exists": return values !== undefined;
        case "DoesNotExist": return values === undefined;
        case "In": return values === "any" || (values ?? []).some((v) => (r.values ?? []).includes(v));
        // A node whose label may take a value outside the list (or has no such label) satisfies NotIn.
        case "NotIn": return values === undefined || values === "any" || values.some((v) => !(r.values ?? []).includes(v));
        default: return values !== undefined; // Gt/Lt: numeric labels this platform does not constrain
    }
}

/** Whether some node of this kind satisfies a node selector and the required node affinity. */
export function selectable(labels: NodeLabels, nodeSelector: Record<string, string>, affinity: RequiredNodeAffinity | undefined): boolean {
    const selectorMet = Object.entries(nodeSelector).every(([key, value]) => requirementMet({ key, operator: "In", values: [value] }, labels));
    if (!selectorMet) return false;
    const terms = affinity?.nodeSelectorTerms ?? [];
    return terms.length === 0 || terms.some((term) => (term.matchExpressions ?? []).every((r) => requirementMet(r, labels)));
}

/** Why a pod may not run on a kind of node, or undefined when it may. */
export function placementProblem(
    pod: { tolerations: Toleration[]; nodeSelector: Record<string, string>; affinity?: RequiredNodeAffinity },
    node: { labels: NodeLabels; taints: Taint[] },
): string | undefined {
    const taints = untolerated(pod.tolerations, node.taints);
    if (taints.length > 0) return `does not tolerate ${taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`).join(", ")}`;
    if (!selectable(node.labels, pod.nodeSelector, pod.affinity)) return "its node selector or required node affinity matches none of these nodes";
    return undefined;
}
