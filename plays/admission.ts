// Admission, played offline: per namespace, what the API server's admission plugins would do to
// the plan's Kubernetes objects. LimitRanger fills in container defaults and refuses what exceeds
// `max`; ResourceQuota counts objects (pods, services.loadbalancers, services.nodeports, claims)
// and sums requests and limits at each workload's peak (the autoscaler's maximum plus the rollout
// surge, a StatefulSet's replicas, a Job's parallelism); PodSecurity refuses pods above the
// namespace's enforced level; Priority refuses a PriorityClass that does not exist, a system class
// in a tenant namespace, or a class another team created. Each refusal names the object, the
// namespace and the rule, as the API server would.
import { quantityValue } from "../lib/config/fields";
import { play } from "./play";

/** A Kubernetes object of the plan and the resource that declares it. */
export interface PlacedObject {
    resource: string;
    object: KubeObject;
}

export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [field: string]: unknown;
}

export interface AdmissionProblem {
    resource: string;
    message: string;
}

type Resources = Record<string, string>;
interface Container {
    name: string;
    resources?: { requests?: Resources; limits?: Resources };
    securityContext?: Record<string, unknown> & { capabilities?: { add?: string[]; drop?: string[] } };
    ports?: { hostPort?: number }[];
}
interface PodSpec {
    containers: Container[];
    initContainers?: Container[];
    securityContext?: Record<string, unknown>;
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    volumes?: Record<string, unknown>[];
    priorityClassName?: string;
}

/** Classes every cluster has; only the platform's own namespaces run at them. */
const SYSTEM_PRIORITY_CLASSES = new Set(["system-cluster-critical", "system-node-critical"]);
const TEAM_LABEL = "platform/team";
const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";

/** A workload and the most pods (and claims) it has at once. */
interface Workload {
    at: PlacedObject;
    pod: PodSpec;
    /** Pods at the peak: the autoscaler's maximum plus the rollout surge, a set's replicas, a job's parallelism. */
    peakPods: number;
    why: string;
    claims: { storage: string }[];
}

const spec = (o: KubeObject): Record<string, any> => (o.spec ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const idOf = (o: KubeObject): string => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** A rollout's surge (an int or a percentage of the replicas, rounded up, as the Deployment controller does). */
function surgeOf(value: unknown, replicas: number): number {
    if (value === undefined) return Math.ceil(replicas * 0.25);
    if (typeof value === "number") return value;
    const percent = /^(\d+)%$/.exec(String(value));
    return percent ? Math.ceil((replicas * Number(percent[1])) / 100) : Number(value);
}

function workloadsOf(objects: PlacedObject[]): Workload[] {
    const hpas = objects.filter((p) => p.object.kind === "HorizontalPodAutoscaler");
    const hpaMax = (o: KubeObject): number | undefined => {
        const hpa = hpas.find((h) => h.object.metadata.namespace === o.metadata.namespace && spec(h.object).scaleTargetRef?.kind === o.kind && spec(h.object).scaleTargetRef?.name === o.metadata.name);
        return hpa ? Number(spec(hpa.object).maxReplicas) : undefined;
    };
    return objects.flatMap((at): Workload[] => {
        const o = at.object;
        const s = spec(o);
        switch (o.kind) {
            case "Deployment": {
                const max = hpaMax(o);
                const replicas = max ?? s.replicas ?? 1;
                const surge = s.strategy?.type === "Recreate" ? 0 : surgeOf(s.strategy?.rollingUpdate?.maxSurge, replicas);
                return [{ at, pod: s.template.spec, peakPods: replicas + surge, why: `${max !== undefined ? `autoscaler maximum ${max}` : `${replicas} replicas`} + rollout surge ${surge}`, claims: [] }];
            }
            case "StatefulSet": {
                const replicas = s.replicas ?? 1;
                const claims = (s.volumeClaimTemplates ?? []).map((t: Record<string, any>) => ({ storage: t.spec?.resources?.requests?.storage ?? "0" })); // eslint-disable-line @typescript-eslint/no-explicit-any
                return [{ at, pod: s.template.spec, peakPods: replicas, why: `${replicas} replicas`, claims: Array.from({ length: replicas }, () => claims).flat() }];
            }
            case "Job":
                return [{ at, pod: s.template.spec, peakPods: s.parallelism ?? 1, why: `parallelism ${s.parallelism ?? 1}`, claims: [] }];
            case "CronJob": {
                const job = s.jobTemplate?.spec ?? {};
                // Replace briefly runs the old and the new run; Allow may overlap without bound (counted as two).
                const overlap = s.concurrencyPolicy === "Forbid" ? 1 : 2;
                const parallelism = job.parallelism ?? 1;
                return [{ at, pod: job.template.spec, peakPods: parallelism * overlap, why: `parallelism ${parallelism}${overlap > 1 ? ` × 2 overlapping runs (${s.concurrencyPolicy ?? "Allow"})` : ""}`, claims: [] }];
            }
            default:
                return [];
        }
    });
}

interface LimitRangeItem { type: string; default?: Resources; defaultRequest?: Resources; max?: Resources; min?: Resources }

/** A container after LimitRanger: defaults filled in (requests default to limits when only those are set). */
function withDefaults(c: Container, items: LimitRangeItem[]): { requests: Resources; limits: Resources } {
    const item = items.find((i) => i.type === "Container");
    const limits = { ...(item?.default ?? {}), ...(c.resources?.limits ?? {}) };
    const requests = { ...(item?.defaultRequest ?? {}), ...pick(c.resources?.limits ?? {}, (k) => !(item?.defaultRequest ?? {})[k]), ...(c.resources?.requests ?? {}) };
    return { requests, limits };
}

const pick = (r: Resources, keep: (key: string) => boolean): Resources => Object.fromEntries(Object.entries(r).filter(([k]) => keep(k)));

/** The LimitRanger's refusals of one container. */
function limitRangeProblems(w: Workload, c: Container, effective: { requests: Resources; limits: Resources }, items: LimitRangeItem[], rangeName: string): string[] {
    const item = items.find((i) => i.type === "Container");
    if (!item) return [];
    const problems: string[] = [];
    for (const [resource, max] of Object.entries(item.max ?? {})) {
        const limit = effective.limits[resource];
        if (limit === undefined) problems.push(`maximum ${resource} usage per Container is ${max}, but no limit is specified (LimitRange ${rangeName})`);
        else if (quantityValue(limit) > quantityValue(max)) problems.push(`maximum ${resource} usage per Container is ${max}, but limit is ${limit} (LimitRange ${rangeName})`);
    }
    for (const [resource, min] of Object.entries(item.min ?? {})) {
        const request = effective.requests[resource];
        if (request !== undefined && quantityValue(request) < quantityValue(min)) problems.push(`minimum ${resource} usage per Container is ${min}, but request is ${request} (LimitRange ${rangeName})`);
    }
    return problems.map((p) => `${idOf(w.at.object)}: container ${c.name}: forbidden: ${p}`);
}

/** The pod's requests and limits as the quota counts them: the containers' sum, or the largest init container if more. */
function podUsage(pod: PodSpec, items: LimitRangeItem[]): { requests: Record<string, number>; limits: Record<string, number>; unset: string[] } {
    const sum = (cs: Container[], field: "requests" | "limits") => {
        const total: Record<string, number> = {};
        for (const c of cs) for (const [k, v] of Object.entries(withDefaults(c, items)[field])) total[k] = (total[k] ?? 0) + quantityValue(v);
        return total;
    };
    const requests = sum(pod.containers, "requests");
    const limits = sum(pod.containers, "limits");
    for (const init of pod.initContainers ?? []) {
        const e = withDefaults(init, items);
        for (const [k, v] of Object.entries(e.requests)) requests[k] = Math.max(requests[k] ?? 0, quantityValue(v));
        for (const [k, v] of Object.entries(e.limits)) limits[k] = Math.max(limits[k] ?? 0, quantityValue(v));
    }
    // A quota on requests.cpu (etc.) refuses a pod with a container that has none, even after defaults.
    const unset = ["cpu", "memory"].flatMap((r) => [
        ...([...pod.containers, ...(pod.initContainers ?? [])].some((c) => withDefaults(c, items).requests[r] === undefined) ? [`requests.${r}`] : []),
        ...([...pod.containers, ...(pod.initContainers ?? [])].some((c) => withDefaults(c, items).limits[r] === undefined) ? [`limits.${r}`] : []),
    ]);
    return { requests, limits, unset };
}

const format = (resource: string, value: number): string =>
    resource.endsWith("cpu") ? (Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`) : resource.endsWith("memory") || resource.endsWith("storage") ? `${+(value / 2 ** 30).toFixed(2)}Gi` : String(value);

/** Pod Security Standards, as the PodSecurity admission plugin checks them (the checks the platform's pods can hit). */
export function podSecurityProblems(pod: PodSpec, level: string): string[] {
    if (level === "privileged") return [];
    const all = [...pod.containers, ...(pod.initContainers ?? [])];
    const problems: string[] = [];
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push("host namespaces (hostNetwork, hostPID or hostIPC is true)");
    if (all.some((c) => c.securityContext?.privileged === true)) problems.push("privileged (a container sets securityContext.privileged=true)");
    if (all.some((c) => (c.ports ?? []).some((p) => p.hostPort))) problems.push("hostPort (a container uses a host port)");
    if ((pod.volumes ?? []).some((v) => "hostPath" in v)) problems.push("hostPath volumes");
    const BASELINE_CAPS = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
    const added = all.flatMap((c) => c.securityContext?.capabilities?.add ?? []);
    if (added.some((cap) => !BASELINE_CAPS.has(cap))) problems.push(`non-default capabilities (${added.filter((cap) => !BASELINE_CAPS.has(cap)).join(", ")})`);
    const seccomp = (sc: Record<string, unknown> | undefined) => (sc?.seccompProfile as { type?: string } | undefined)?.type;
    if (seccomp(pod.securityContext) === "Unconfined" || all.some((c) => seccomp(c.securityContext) === "Unconfined")) problems.push("seccompProfile (Unconfined)");
    if (level !== "restricted") return problems;
    if (all.some((c) => c.securityContext?.allowPrivilegeEscalation !== false)) problems.push("allowPrivilegeEscalation != false (every container must set securityContext.allowPrivilegeEscalation=false)");
    if (all.some((c) => !(c.securityContext?.capabilities?.drop ?? []).includes("ALL"))) problems.push("unrestricted capabilities (every container must drop ALL)");
    if (added.some((cap) => cap !== "NET_BIND_SERVICE")) problems.push("unrestricted capabilities (only NET_BIND_SERVICE may be added)");
    const nonRoot = (sc: Record<string, unknown> | undefined) => sc?.runAsNonRoot as boolean | undefined;
    if (!all.every((c) => (nonRoot(c.securityContext) ?? nonRoot(pod.securityContext)) === true)) problems.push("runAsNonRoot != true (the pod or every container must set runAsNonRoot=true)");
    if (pod.securityContext?.runAsUser === 0 || all.some((c) => c.securityContext?.runAsUser === 0)) problems.push("runAsUser=0");
    const profile = (sc: Record<string, unknown> | undefined) => seccomp(sc);
    if (!all.every((c) => ["RuntimeDefault", "Localhost"].includes(profile(c.securityContext) ?? profile(pod.securityContext) ?? ""))) problems.push("seccompProfile (the pod or every container must set RuntimeDefault or Localhost)");
    const ALLOWED = new Set(["name", "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);
    const restrictedVolumes = (pod.volumes ?? []).flatMap((v) => Object.keys(v).filter((k) => !ALLOWED.has(k)));
    if (restrictedVolumes.length > 0) problems.push(`restricted volume types (${[...new Set(restrictedVolumes)].join(", ")})`);
    return problems;
}

/** Every refusal of the API server's admission over the plan's objects. */
export function admissionProblems(objects: PlacedObject[]): AdmissionProblem[] {
    const problems: AdmissionProblem[] = [];
    const refuse = (at: PlacedObject, message: string) => problems.push({ resource: at.resource, message });
    const inNamespace = (kind: string, ns: string) => objects.filter((p) => p.object.kind === kind && p.object.metadata.namespace === ns);
    const namespaces = new Map(objects.filter((p) => p.object.kind === "Namespace").map((p) => [p.object.metadata.name, p.object]));
    const priorityClasses = new Map(objects.filter((p) => p.object.kind === "PriorityClass").map((p) => [p.object.metadata.name, p.object]));
    const workloads = workloadsOf(objects);

    for (const w of workloads) {
        const o = w.at.object;
        const ns = o.metadata.namespace ?? "default";
        const namespace = namespaces.get(ns);
        // PodSecurity: the namespace's enforced level.
        const level = namespace?.metadata.labels?.[PSA_ENFORCE];
        if (level) {
            for (const p of podSecurityProblems(w.pod, level)) refuse(w.at, `${idOf(o)}: pods would violate PodSecurity "${level}:latest" in namespace ${ns}: ${p}`);
        }
        // Priority: the class exists; system classes only outside tenant namespaces; a team's class for its own pods.
        const pc = w.pod.priorityClassName;
        if (pc) {
            const team = namespace?.metadata.labels?.[TEAM_LABEL];
            const owner = priorityClasses.get(pc)?.metadata.labels?.[TEAM_LABEL];
            if (SYSTEM_PRIORITY_CLASSES.has(pc)) {
                if (team) refuse(w.at, `${idOf(o)}: forbidden: the ${pc} PriorityClass is reserved for the platform's namespaces, and ${ns} belongs to team ${team} (Priority admission)`);
            } else if (!priorityClasses.has(pc)) {
                refuse(w.at, `${idOf(o)}: pods in namespace ${ns} are forbidden: no PriorityClass with name ${pc} was found (Priority admission)`);
            } else if (team && owner && owner !== team) {
                refuse(w.at, `${idOf(o)}: forbidden: PriorityClass ${pc} belongs to team ${owner}, not to team ${team} of namespace ${ns}`);
            }
        }
        // LimitRanger.
        for (const range of inNamespace("LimitRange", ns)) {
            const items = (spec(range.object).limits ?? []) as LimitRangeItem[];
            for (const c of [...w.pod.containers, ...(w.pod.initContainers ?? [])]) {
                for (const p of limitRangeProblems(w, c, withDefaults(c, items), items, range.object.metadata.name)) refuse(w.at, p);
            }
        }
    }

    // ResourceQuota: every quota of a namespace against everything in it at its peak.
    for (const quota of objects.filter((p) => p.object.kind === "ResourceQuota")) {
        const ns = quota.object.metadata.namespace ?? "default";
        const hard = (spec(quota.object).hard ?? {}) as Resources;
        const items = inNamespace("LimitRange", ns).flatMap((r) => (spec(r.object).limits ?? []) as LimitRangeItem[]);
        const used: Record<string, number> = {};
        const add = (resource: string, value: number) => (used[resource] = (used[resource] ?? 0) + value);
        const contributors: Record<string, string[]> = {};
        const note = (resource: string, who: string) => (contributors[resource] ??= []).push(who);
        for (const w of workloads.filter((x) => (x.at.object.metadata.namespace ?? "default") === ns)) {
            const usage = podUsage(w.pod, items);
            const missing = usage.unset.filter((r) => r in hard);
            if (missing.length > 0) refuse(w.at, `${idOf(w.at.object)}: forbidden: failed quota: ${quota.object.metadata.name}: must specify ${missing.join(",")}`);
            const who = `${idOf(w.at.object)} (${w.peakPods} pods: ${w.why})`;
            add("pods", w.peakPods); note("pods", who);
            for (const [r, v] of Object.entries(usage.requests)) { add(`requests.${r}`, v * w.peakPods); note(`requests.${r}`, who); }
            for (const [r, v] of Object.entries(usage.limits)) { add(`limits.${r}`, v * w.peakPods); note(`limits.${r}`, who); }
            for (const claim of w.claims) { add("persistentvolumeclaims", 1); add("requests.storage", quantityValue(claim.storage)); }
            if (w.claims.length > 0) { note("persistentvolumeclaims", who); note("requests.storage", who); }
        }
        for (const claim of inNamespace("PersistentVolumeClaim", ns)) {
            add("persistentvolumeclaims", 1);
            add("requests.storage", quantityValue(spec(claim.object).resources?.requests?.storage ?? "0"));
        }
        for (const svc of inNamespace("Service", ns)) {
            const s = spec(svc.object);
            const ports = (s.ports ?? []).length;
            if (s.type === "LoadBalancer") { add("services.loadbalancers", 1); note("services.loadbalancers", idOf(svc.object)); }
            // A LoadBalancer Service allocates a node port per port unless allocateLoadBalancerNodePorts is false.
            const nodePorts = s.type === "NodePort" || (s.type === "LoadBalancer" && s.allocateLoadBalancerNodePorts !== false)
                ? ports
                : (s.ports ?? []).filter((p: { nodePort?: number }) => p.nodePort).length;
            if (nodePorts > 0) { add("services.nodeports", nodePorts); note("services.nodeports", `${idOf(svc.object)} (${nodePorts} node port(s))`); }
            add("services", 1);
        }
        for (const [resource, limit] of Object.entries(hard)) {
            const value = used[resource] ?? 0;
            const limited = quantityValue(limit);
            // Quantities are compared with a little tolerance for float sums (e.g. 0.1 + 0.2).
            if (value > limited + 1e-9) {
                const at = objects.find((p) => contributors[resource]?.some((c) => c.startsWith(idOf(p.object)))) ?? quota;
                refuse(at, `namespace ${ns}: forbidden: exceeded quota: ${quota.object.metadata.name}, requested: ${resource}=${format(resource, value)}, limited: ${resource}=${limit}; by ${(contributors[resource] ?? []).join(", ")}`);
            }
        }
    }
    return problems;
}

export const admission = play(
    { id: "admission", description: "What the API server's admission (LimitRanger, ResourceQuota at each workload's peak, PodSecurity, Priority) would refuse, per namespace" },
    (view, problem) => {
        const objects = view.manifests().map(({ resource, manifest }) => ({ resource: resource.urn, object: manifest as KubeObject }));
        return admissionProblems(objects).map((p) => problem(p.message, p.resource));
    },
);
