// Kubernetes workloads and team namespaces: pod hardening, resources, images, disruption budgets,
// Pod Security labels and default-deny network policies.
import { asArray, asRecord, at, isTrue, ofType, rule, verdict, type Finding, type PolicyResource, type PolicyStack } from "../rule";

/** Where each workload kind keeps its pod spec. */
export const POD_SPEC_PATHS: Record<string, string> = {
    "kubernetes:core/v1:Pod": "spec",
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
};
export const HELM_RELEASE_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];

interface Workload {
    resource: PolicyResource;
    namespace: string;
    pod: Record<string, unknown>;
    containers: Record<string, unknown>[];
}

function workloads(stack: PolicyStack): Workload[] {
    return stack.resources
        .filter((r) => POD_SPEC_PATHS[r.type])
        .map((r) => {
            const pod = asRecord(at(r.props, POD_SPEC_PATHS[r.type]));
            const containers = [...asArray(pod.initContainers), ...asArray(pod.containers)].map(asRecord);
            return { resource: r, namespace: String(at(r.props, "metadata.namespace") ?? "default"), pod, containers };
        });
}

const each = (stack: PolicyStack, problem: (w: Workload) => string | undefined, ok: string): Finding[] =>
    workloads(stack).map((w) => verdict(w.resource, problem(w), ok));

const names = (cs: Record<string, unknown>[]) => cs.map((c) => String(c.name ?? "?")).join(", ");

export const k8sNoPrivileged = rule(
    {
        id: "k8s-no-privileged",
        description: "No container runs privileged or may escalate privileges.",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 4.2.1 (minimize privileged containers), 4.2.5 (allowPrivilegeEscalation)",
    },
    (stack) =>
        each(
            stack,
            (w) => {
                const privileged = w.containers.filter((c) => isTrue(at(c, "securityContext.privileged")));
                const escalating = w.containers.filter((c) => at(c, "securityContext.allowPrivilegeEscalation") !== false);
                const problems = [
                    privileged.length && `privileged containers: ${names(privileged)}`,
                    escalating.length && `containers without allowPrivilegeEscalation: false: ${names(escalating)}`,
                ].filter(Boolean);
                return problems.length ? problems.join("; ") : undefined;
            },
            "no privileged container",
        ),
);

/**
 * The system add-ons that may use the host's namespaces, and why: the control plane cannot reach
 * pod addresses on a Calico overlay, so webhooks and APIs it calls listen on the node's address;
 * node-local DNS serves on a link-local address on every node.
 */
export const HOST_NETWORK_ADDONS: Record<string, string> = {
    "aws-load-balancer-controller": "webhook called by the API server",
    "ingress-nginx": "admission webhook called by the API server",
    "metrics-server": "metrics API called by the API server",
    "kube-prometheus-stack": "Prometheus operator webhook",
    "vertical-pod-autoscaler": "admission controller webhook",
    "tigera-operator": "Calico's API server and webhooks",
    "node-local-dns": "node-local DNS cache on 169.254.20.10",
};
const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"];

/** Every `hostNetwork`/`hostPID`/`hostIPC: true` in a values tree, with its path. */
function hostNamespacesIn(value: unknown, path = ""): string[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => hostNamespacesIn(v, `${path}[${i}]`));
    if (!value || typeof value !== "object") return [];
    return Object.entries(value).flatMap(([k, v]) =>
        HOST_NAMESPACES.includes(k) && isTrue(v) ? [`${path}${path ? "." : ""}${k}`] : hostNamespacesIn(v, `${path}${path ? "." : ""}${k}`),
    );
}

/** The chart's name, from `chart` (a name or an `oci://` reference). */
export const chartName = (r: PolicyResource): string => String(r.props.chart ?? "").split("/").pop() ?? "";

export const k8sNoHostNamespaces = rule(
    {
        id: "k8s-no-host-namespaces",
        description: `No pod shares the host's network, PID or IPC namespace, except the named system add-ons that need it (${Object.keys(HOST_NETWORK_ADDONS).join(", ")}).`,
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 4.2.2 (hostPID), 4.2.3 (hostIPC), 4.2.4 (hostNetwork)",
    },
    (stack) => [
        ...each(stack, (w) => {
            const shared = HOST_NAMESPACES.filter((k) => isTrue(w.pod[k]));
            return shared.length ? `shares the host's ${shared.join(", ")}` : undefined;
        }, "no host namespace"),
        ...ofType(stack, ...HELM_RELEASE_TYPES).map((r) => {
            const shared = hostNamespacesIn(r.props.values);
            const chart = chartName(r);
            if (!shared.length) return verdict(r, undefined, "no host namespace in values");
            return verdict(
                r,
                HOST_NETWORK_ADDONS[chart] ? undefined : `chart ${chart} is not a system add-on allowed on the host's namespaces, but sets ${shared.join(", ")}`,
                `${shared.join(", ")}: ${HOST_NETWORK_ADDONS[chart]}`,
            );
        }),
    ],
);

export const k8sNonRoot = rule(
    {
        id: "k8s-non-root",
        description: "Every container runs as a non-root user (runAsNonRoot, never UID 0).",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 4.2.6 (minimize the admission of root containers)",
    },
    (stack) =>
        each(stack, (w) => {
            const podNonRoot = isTrue(at(w.pod, "securityContext.runAsNonRoot"));
            const root = w.containers.filter((c) => {
                const uid = at(c, "securityContext.runAsUser") ?? at(w.pod, "securityContext.runAsUser");
                const nonRoot = at(c, "securityContext.runAsNonRoot");
                return Number(uid) === 0 || nonRoot === false || (!podNonRoot && !isTrue(nonRoot));
            });
            return root.length ? `containers that may run as root: ${names(root)}` : undefined;
        }, "runs as non-root"),
);

export const k8sResources = rule(
    {
        id: "k8s-requests-limits",
        description: "Every container requests CPU and memory and has a memory limit (a CPU limit is the team's choice: it throttles).",
        severity: "mandatory",
        reference: "EKS Best Practices: Reliability, Applications (configure and size resource requests and limits)",
    },
    (stack) =>
        each(stack, (w) => {
            const missing = w.containers.flatMap((c) =>
                ["requests.cpu", "requests.memory", "limits.memory"].filter((k) => at(c, `resources.${k}`) === undefined).map((k) => `${String(c.name)} ${k}`),
            );
            return missing.length ? `missing ${missing.join(", ")}` : undefined;
        }, "requests and memory limits set"),
);

/** Why an image reference floats, or undefined: no tag, `latest`, or no digest and no tag. */
export function floatingImage(image: string): string | undefined {
    if (image.includes("@sha256:")) return undefined;
    const last = image.split("/").pop() ?? image;
    const tag = last.includes(":") ? last.split(":").pop() : undefined;
    if (!tag) return `${image} has no tag (it means latest)`;
    return tag === "latest" ? `${image} uses latest` : undefined;
}

export const k8sPinnedImages = rule(
    {
        id: "k8s-pinned-images",
        description: "Every image is pinned by a tag other than latest, or by digest.",
        severity: "mandatory",
        reference: "EKS Best Practices: Security, Image security (use immutable tags or digests)",
    },
    (stack) =>
        each(stack, (w) => {
            const floating = w.containers.map((c) => floatingImage(String(c.image ?? ""))).filter(Boolean);
            return floating.length ? floating.join("; ") : undefined;
        }, "images pinned"),
);

const matches = (selector: unknown, labels: Record<string, unknown>) => {
    const wanted = asRecord(at(selector, "matchLabels"));
    return Object.keys(wanted).length > 0 && Object.entries(wanted).every(([k, v]) => labels[k] === v);
};

/** Replicas a workload runs at least: its own count, or its HorizontalPodAutoscaler's minimum. */
function minReplicas(stack: PolicyStack, w: Workload): number {
    const name = at(w.resource.props, "metadata.name");
    const hpa = ofType(stack, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").find(
        (h) => at(h.props, "metadata.namespace") === w.namespace && at(h.props, "spec.scaleTargetRef.name") === name,
    );
    const replicas = at(w.resource.props, "spec.replicas") ?? at(hpa?.props, "spec.minReplicas") ?? 1;
    return Number(replicas);
}

export const k8sDisruptionBudget = rule(
    {
        id: "k8s-disruption-budget",
        description: "A Deployment or StatefulSet that runs more than one replica has a PodDisruptionBudget selecting its pods.",
        severity: "mandatory",
        reference: "EKS Best Practices: Reliability, Applications (protect critical workloads with PodDisruptionBudgets)",
    },
    (stack) => {
        const budgets = ofType(stack, "kubernetes:policy/v1:PodDisruptionBudget");
        return workloads(stack)
            .filter((w) => ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(w.resource.type) && minReplicas(stack, w) > 1)
            .map((w) => {
                const labels = asRecord(at(w.resource.props, "spec.template.metadata.labels"));
                const covered = budgets.some((b) => at(b.props, "metadata.namespace") === w.namespace && matches(at(b.props, "spec.selector"), labels));
                return verdict(w.resource, covered ? undefined : `${minReplicas(stack, w)} replicas and no PodDisruptionBudget selects their pods`, "covered by a PodDisruptionBudget");
            });
    },
);

export const TEAM_LABEL = "platform/team";
export const PSA_LEVELS = ["restricted", "baseline"];

export const k8sTeamNamespace = rule(
    {
        id: "k8s-team-namespace-guardrails",
        description: "Every team namespace enforces a Pod Security Standard (restricted or baseline) and has a default-deny network policy for ingress and egress.",
        severity: "mandatory",
        reference: "CIS Amazon EKS Benchmark 4.2 (Pod Security Standards), 4.3.2 (all namespaces have network policies); EKS Best Practices: Security, Multi-tenancy",
    },
    (stack) => {
        const policies = ofType(stack, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        return ofType(stack, "kubernetes:core/v1:Namespace")
            .filter((ns) => at(ns.props, `metadata.labels`) && asRecord(at(ns.props, "metadata.labels"))[TEAM_LABEL])
            .map((ns) => {
                const name = at(ns.props, "metadata.name");
                const level = asRecord(at(ns.props, "metadata.labels"))["pod-security.kubernetes.io/enforce"];
                const denyAll = policies.some((p) => {
                    const spec = asRecord(at(p.props, "spec"));
                    const types = asArray(spec.policyTypes);
                    return (
                        at(p.props, "metadata.namespace") === name &&
                        Object.keys(asRecord(spec.podSelector)).length === 0 &&
                        types.includes("Ingress") && types.includes("Egress") &&
                        !asArray(spec.ingress).length && !asArray(spec.egress).length
                    );
                });
                const problems = [
                    !PSA_LEVELS.includes(String(level)) && `Pod Security enforce level is ${String(level ?? "unset")}`,
                    !denyAll && "no default-deny network policy (empty pod selector, Ingress and Egress, no rules)",
                ].filter(Boolean);
                return verdict(ns, problems.length ? problems.join("; ") : undefined, `enforces ${String(level)}, default deny`);
            });
    },
);

export const KUBERNETES_RULES = [k8sNoPrivileged, k8sNoHostNamespaces, k8sNonRoot, k8sResources, k8sPinnedImages, k8sDisruptionBudget, k8sTeamNamespace];
