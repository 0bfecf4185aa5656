// The pods a plan would run, and where they may go: the workloads' own manifests, every Helm
// release's pods as its chart builds them from its values (nobody can render a chart here, so each
// chart the platform installs has a model below, read from its values.yaml and templates at the
// pinned version), the pods the Calico operator renders from its Installation (tigera/operator
// v1.42.3, pkg/render), and the EKS managed add-ons' pods (their published configuration).
import type { RequiredNodeAffinity, Toleration } from "./match";

export type PodKind = "Deployment" | "DaemonSet" | "StatefulSet" | "Job";

export interface HostPort { port: number; protocol?: "TCP" | "UDP"; /** Bound to this address only (link-local agents); all addresses when absent. */ ip?: string }

export interface PodModel {
    /** The resource that creates it (URN). */
    resource: string;
    /** Readable: `kube-system/node-local-dns (DaemonSet of release node-local-dns)`. */
    name: string;
    kind: PodKind;
    namespace: string;
    labels: Record<string, string>;
    replicas: number;
    tolerations: Toleration[];
    nodeSelector: Record<string, string>;
    affinity?: RequiredNodeAffinity;
    hostNetwork: boolean;
    hostPorts: HostPort[];
    /** Replicas must sit on different nodes (host ports, required anti-affinity per hostname). */
    oneNodeEach: boolean;
    /**
     * The Calico operator scales Typha with the number of nodes (every node, Fargate's included:
     * pkg/common/autoscale.go GetExpectedTyphaScale); the play computes the replicas.
     */
    scalesWithNodes?: boolean;
    /** Like a DaemonSet, it must be able to run on every EC2 node kind. */
    everyEc2Node?: boolean;
}

export type Values = Record<string, unknown>;

const isObject = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

/** A nested value: `at(values, "controller", "nodeSelector")`. */
export function at(values: unknown, ...path: string[]): unknown {
    let v: unknown = values;
    for (const p of path) v = isObject(v) ? v[p] : undefined;
    return v;
}

const objectAt = (values: unknown, ...path: string[]): Values => {
    const v = at(values, ...path);
    return isObject(v) ? v : {};
};
const listAt = <T>(values: unknown, ...path: string[]): T[] => {
    const v = at(values, ...path);
    return Array.isArray(v) ? (v as T[]) : [];
};
const numberAt = (values: unknown, fallback: number, ...path: string[]): number => {
    const v = at(values, ...path);
    return typeof v === "number" ? v : fallback;
};
const enabled = (values: unknown, fallback: boolean, ...path: string[]): boolean => {
    const v = at(values, ...path, "enabled");
    return typeof v === "boolean" ? v : fallback;
};

/** The scheduling part of a pod spec (a manifest's `spec.template.spec`, or a chart component's values). */
export interface Placement {
    tolerations: Toleration[];
    nodeSelector: Record<string, string>;
    affinity?: RequiredNodeAffinity;
    oneNodeEach: boolean;
}

export function placementOf(spec: unknown): Placement {
    const required = at(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution") as RequiredNodeAffinity | undefined;
    const antiAffinity = listAt<{ topologyKey?: string }>(spec, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution");
    return {
        tolerations: listAt<Toleration>(spec, "tolerations"),
        nodeSelector: objectAt(spec, "nodeSelector") as Record<string, string>,
        affinity: required && Array.isArray(required.nodeSelectorTerms) ? required : undefined,
        oneNodeEach: antiAffinity.some((t) => t.topologyKey === "kubernetes.io/hostname"),
    };
}

/** Host ports of a pod spec: every container port on the host network, else those with a `hostPort`. */
export function hostPortsOf(spec: unknown): HostPort[] {
    const hostNetwork = at(spec, "hostNetwork") === true;
    return [...listAt<Values>(spec, "initContainers"), ...listAt<Values>(spec, "containers")].flatMap((c) =>
        listAt<{ containerPort?: number; hostPort?: number; protocol?: "TCP" | "UDP"; hostIP?: string }>(c, "ports").flatMap((p) => {
            const port = p.hostPort ?? (hostNetwork ? p.containerPort : undefined);
            return port ? [{ port, protocol: p.protocol, ip: p.hostIP }] : [];
        }));
}

export interface Release { resource: string; name: string; namespace: string; chart: string; version?: string; values: Values }

/** What every pod of a release shares; `component` names the pod within the release. */
function podOf(r: Release, component: string, kind: PodKind, fields: Partial<PodModel> & { placement?: Placement }): PodModel {
    const { placement, ...rest } = fields;
    const p = placement ?? { tolerations: [], nodeSelector: {}, oneNodeEach: false };
    const hostPorts = rest.hostPorts ?? [];
    const namespace = rest.namespace ?? r.namespace;
    return {
        resource: r.resource,
        name: `${namespace}/${component} (${kind} of ${r.chart.startsWith("EKS add-on") ? r.chart : `release ${r.name}, chart ${r.chart}`})`,
        kind,
        namespace,
        labels: { "app.kubernetes.io/instance": r.name },
        replicas: 1,
        hostNetwork: false,
        ...rest,
        hostPorts,
        tolerations: p.tolerations,
        nodeSelector: p.nodeSelector,
        affinity: p.affinity,
        oneNodeEach: p.oneNodeEach || hostPorts.length > 0,
    };
}

/** A chart component configured by `<path>.replicas|nodeSelector|tolerations|affinity`. */
function component(r: Release, name: string, kind: PodKind, path: string[], extra: Partial<PodModel> = {}): PodModel {
    const v = at(r.values, ...path);
    return podOf(r, name, kind, { replicas: kind === "DaemonSet" ? 1 : numberAt(v, 1, "replicas"), placement: placementOf(v), ...extra });
}

/** The port of an address such as ":8080" or "0.0.0.0:8080". */
const portOf = (address: unknown, fallback: number): number => {
    const m = typeof address === "string" ? /:(\d+)$/.exec(address) : null;
    return m ? Number(m[1]) : fallback;
};

// --- Calico: what the operator renders from the Installation (tigera/operator v1.42.3) ---------

/** rmeta.TolerateAll (pkg/render/common/meta/meta.go): what Typha, calico-node and the CSI driver tolerate by default. */
export const TOLERATE_ALL: Toleration[] = [
    { key: "CriticalAddonsOnly", operator: "Exists" },
    { operator: "Exists", effect: "NoSchedule" },
    { operator: "Exists", effect: "NoExecute" },
];
/** What the operator sets on calico-node and csi-node-driver when `kubernetesProvider: EKS` (pkg/render/node.go, csi.go). */
export const NOT_ON_FARGATE: RequiredNodeAffinity = {
    nodeSelectorTerms: [{ matchExpressions: [{ key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] }] }],
};
const TOLERATE_CONTROL_PLANE: Toleration[] = [
    { key: "node-role.kubernetes.io/master", effect: "NoSchedule" },
    { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
];
/** Typha's port and health port (felix's 9099 minus one) on the host network (pkg/render/typha.go). */
export const TYPHA_PORTS = [5473, 9098];

/** A `*Deployment` override of the Installation or APIServer: `spec.template.spec` fields replace the rendered ones (nodeSelector merges). */
function withOverride(base: Placement & { hostNetwork: boolean }, override: unknown): Placement & { hostNetwork: boolean } {
    const spec = at(override, "spec", "template", "spec");
    if (!isObject(spec)) return base;
    const o = placementOf(spec);
    return {
        tolerations: "tolerations" in spec ? o.tolerations : base.tolerations,
        nodeSelector: { ...base.nodeSelector, ...o.nodeSelector },
        affinity: "affinity" in spec ? o.affinity : base.affinity,
        oneNodeEach: base.oneNodeEach,
        hostNetwork: typeof spec.hostNetwork === "boolean" ? spec.hostNetwork : base.hostNetwork,
    };
}

function calicoPods(r: Release): PodModel[] {
    const inst = objectAt(r.values, "installation");
    const eks = inst.kubernetesProvider === "EKS";
    const overlay = at(inst, "cni", "type") === "Calico";
    const cpTolerations = listAt<Toleration>(inst, "controlPlaneTolerations");
    const cpSelector = objectAt(inst, "controlPlaneNodeSelector") as Record<string, string>;
    const cpReplicas = numberAt(inst, 2, "controlPlaneReplicas");
    const linux = { "kubernetes.io/os": "linux" };
    const pods: PodModel[] = [
        podOf(r, "tigera-operator", "Deployment", { hostNetwork: true, placement: placementOf(r.values) }),
    ];
    if (inst.enabled === false) return pods;
    const everyNode = { tolerations: TOLERATE_ALL, nodeSelector: linux, affinity: eks ? NOT_ON_FARGATE : undefined, oneNodeEach: false };
    pods.push(podOf(r, "calico-node", "DaemonSet", { namespace: "calico-system", hostNetwork: true, hostPorts: [{ port: 9099, ip: "127.0.0.1" }], placement: withOverride({ ...everyNode, hostNetwork: true }, inst.calicoNodeDaemonSet) }));
    pods.push(podOf(r, "csi-node-driver", "DaemonSet", { namespace: "calico-system", placement: withOverride({ ...everyNode, hostNetwork: false }, inst.csiNodeDriverDaemonSet) }));
    // Typha: TolerateAll unless controlPlaneTolerations is set (then those alone); no node selector
    // but linux; the typhaDeployment override last.
    const typhaBase = { tolerations: cpTolerations.length > 0 ? cpTolerations : TOLERATE_ALL, nodeSelector: linux, affinity: undefined, oneNodeEach: true, hostNetwork: true };
    const typha = withOverride(typhaBase, inst.typhaDeployment);
    pods.push(podOf(r, "calico-typha", "Deployment", { namespace: "calico-system", hostNetwork: typha.hostNetwork, hostPorts: TYPHA_PORTS.map((port) => ({ port })), placement: typha, scalesWithNodes: true, everyEc2Node: true }));
    const kc = withOverride({ tolerations: [...cpTolerations, ...TOLERATE_CONTROL_PLANE, { key: "CriticalAddonsOnly", operator: "Exists" }], nodeSelector: { ...linux, ...cpSelector }, oneNodeEach: false, hostNetwork: false }, inst.calicoKubeControllersDeployment);
    pods.push(podOf(r, "calico-kube-controllers", "Deployment", { namespace: "calico-system", placement: kc }));
    if (enabled(r.values, true, "apiServer")) {
        const api = objectAt(r.values, "apiServer");
        // On EKS with the Calico CNI both run on the host network, tolerating everything (pkg/render/apiserver.go, webhooks/render.go).
        const base = (hostNetwork: boolean) => ({
            tolerations: hostNetwork ? TOLERATE_ALL : [...cpTolerations, ...TOLERATE_CONTROL_PLANE], nodeSelector: { ...linux, ...cpSelector }, oneNodeEach: false, hostNetwork,
        });
        const server = withOverride(base(eks && overlay), api.apiServerDeployment);
        pods.push(podOf(r, "calico-apiserver", "Deployment", { namespace: "calico-system", replicas: cpReplicas, hostNetwork: server.hostNetwork, hostPorts: server.hostNetwork ? [{ port: 5443 }] : [], placement: server }));
        const hooks = withOverride(base(eks && overlay), api.calicoWebhooksDeployment);
        pods.push(podOf(r, "calico-webhooks", "Deployment", { namespace: "calico-system", replicas: cpReplicas, hostNetwork: hooks.hostNetwork, hostPorts: hooks.hostNetwork ? [{ port: 6443 }] : [], placement: hooks }));
    }
    return pods;
}

// --- Helm charts ------------------------------------------------------------------------------

type ChartModel = (r: Release) => PodModel[];

/**
 * Each chart the platform installs, at its pinned version: its pods as its templates build them
 * from the values (release values merged over the chart's defaults when the snapshot is there).
 * What a model cannot see (template logic beyond values) is said in its comment.
 */
export const CHART_MODELS: Record<string, ChartModel> = {
    // CRD-only charts: no pods.
    "karpenter-crd": () => [],
    "crd.projectcalico.org.v1": () => [],
    // karpenter 1.14.1 templates/deployment.yaml: nodeSelector, tolerations, affinity (default:
    // karpenter.sh/nodepool DoesNotExist and one pod per node), hostNetwork.
    karpenter: (r) => [component(r, "karpenter", "Deployment", [], {
        replicas: numberAt(r.values, 2, "replicas"),
        hostNetwork: at(r.values, "hostNetwork") === true,
        labels: { "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": r.name },
    })],
    "tigera-operator": calicoPods,
    "aws-load-balancer-controller": (r) => {
        const host = at(r.values, "hostNetwork") === true;
        return [component(r, "aws-load-balancer-controller", "Deployment", [], {
            replicas: numberAt(r.values, 2, "replicaCount"),
            hostNetwork: host,
            hostPorts: host ? [{ port: numberAt(r.values, 9443, "webhookBindPort") }, { port: portOf(at(r.values, "metricsBindAddr"), 8080) }] : [],
        })];
    },
    "ingress-nginx": (r) => {
        const c = objectAt(r.values, "controller");
        const host = c.hostNetwork === true;
        const kind = c.kind === "DaemonSet" ? "DaemonSet" : "Deployment";
        return [
            component(r, "ingress-nginx-controller", kind, ["controller"], {
                replicas: numberAt(c, 1, "replicaCount"),
                hostNetwork: host,
                hostPorts: host ? [{ port: numberAt(c, 80, "containerPort", "http") }, { port: numberAt(c, 443, "containerPort", "https") }, { port: numberAt(c, 8443, "admissionWebhooks", "port") }, { port: 10254 }] : [],
            }),
            ...(enabled(c, true, "admissionWebhooks") ? [component(r, "ingress-nginx-admission-patch", "Job", ["controller", "admissionWebhooks", "patch"])] : []),
        ];
    },
    "kubernetes-replicator": (r) => [component(r, "kubernetes-replicator", "Deployment", [])],
    // kubecost 3.2.1: one Deployment (StatefulSet for the stores) per component, each with its own scheduling keys.
    kubecost: (r) => ["frontend", "aggregator", "localStore", "cloudCost", "clusterController", "forecasting", "finopsagent"]
        .filter((c) => enabled(r.values, true, c))
        .map((c) => component(r, `kubecost-${c}`, "Deployment", [c])),
    "metrics-server": (r) => {
        const host = enabled(r.values, false, "hostNetwork");
        return [component(r, "metrics-server", "Deployment", [], { hostNetwork: host, hostPorts: host ? [{ port: numberAt(r.values, 10250, "containerPort") }] : [] })];
    },
    "kube-prometheus-stack": (r) => {
        const v = r.values;
        const operatorHost = at(v, "prometheusOperator", "hostNetwork") === true;
        const exporter = objectAt(v, "prometheus-node-exporter");
        const exporterPlacement = placementOf(exporter);
        return [
            component(r, "prometheus-operator", "Deployment", ["prometheusOperator"], {
                hostNetwork: operatorHost,
                hostPorts: operatorHost ? [{ port: numberAt(v, 10250, "prometheusOperator", "tls", "internalPort") }] : [],
            }),
            ...(enabled(v, true, "prometheusOperator", "admissionWebhooks", "patch") ? [component(r, "prometheus-operator-admission-patch", "Job", ["prometheusOperator", "admissionWebhooks", "patch"])] : []),
            ...(enabled(v, true, "prometheus") ? [component(r, "prometheus", "StatefulSet", ["prometheus", "prometheusSpec"])] : []),
            ...(enabled(v, true, "alertmanager") ? [component(r, "alertmanager", "StatefulSet", ["alertmanager", "alertmanagerSpec"])] : []),
            ...(enabled(v, true, "grafana") ? [component(r, "grafana", "Deployment", ["grafana"])] : []),
            ...(enabled(v, true, "kubeStateMetrics") ? [component(r, "kube-state-metrics", "Deployment", ["kube-state-metrics"])] : []),
            // prometheus-node-exporter 4.56.1 templates/daemonset.yaml: without a required node
            // affinity of the release's own, the chart adds one that excludes Fargate (values.yaml: "The
            // default nodeAffinity excludes Fargate nodes and virtual kubelets").
            ...(enabled(v, true, "nodeExporter") ? [podOf(r, "prometheus-node-exporter", "DaemonSet", {
                hostNetwork: exporter.hostNetwork !== false,
                hostPorts: exporter.hostNetwork !== false ? [{ port: numberAt(exporter, 9100, "service", "port") }] : [],
                placement: { ...exporterPlacement, affinity: exporterPlacement.affinity ?? NOT_ON_FARGATE },
            })] : []),
        ];
    },
    // loki 8.1.3: each component's own keys; the gateway and the caches are on unless disabled.
    loki: (r) => {
        const v = r.values;
        const deployments = (["singleBinary", "write", "read", "backend"] as const)
            .filter((c) => numberAt(v, 0, c, "replicas") > 0)
            .map((c) => component(r, `loki-${c}`, c === "read" ? "Deployment" : "StatefulSet", [c]));
        return [
            ...deployments,
            ...(enabled(v, true, "gateway") ? [component(r, "loki-gateway", "Deployment", ["gateway"])] : []),
            ...(["chunksCache", "resultsCache"] as const).filter((c) => enabled(v, true, c)).map((c) => component(r, `loki-${c}`, "StatefulSet", [c])),
            ...(enabled(v, true, "lokiCanary") ? [component(r, "loki-canary", "DaemonSet", ["lokiCanary"])] : []),
        ];
    },
    "secrets-store-csi-driver": (r) => (enabled(r.values, true, "linux") ? [component(r, "secrets-store-csi-driver", "DaemonSet", ["linux"])] : []),
    // The provider's DaemonSet (3.1.1): nodeSelector, tolerations, affinity at the top level; it runs
    // on the pod network (the driver reaches it through a socket on the host).
    "secrets-store-csi-driver-provider-aws": (r) => [component(r, "secrets-store-csi-driver-provider-aws", "DaemonSet", [])],
    // node-local-dns 2.1.3: always on the host network: DNS on the link-local address (and the
    // kube-dns address in iptables mode), health and metrics on the node's addresses.
    "node-local-dns": (r) => {
        const local = String(at(r.values, "config", "localDns") ?? "169.254.20.25");
        return [component(r, "node-local-dns", "DaemonSet", [], {
            hostNetwork: true,
            hostPorts: [{ port: 53, protocol: "UDP", ip: local }, { port: 53, protocol: "TCP", ip: local }, { port: numberAt(r.values, 8080, "config", "healthPort") }, { port: 9253 }],
        })];
    },
    "vertical-pod-autoscaler": (r) => {
        const v = r.values;
        const admission = objectAt(v, "admissionController");
        const host = admission.hostNetwork === true;
        const port = listAt<string>(admission, "extraArgs").map((a) => /^--port=(\d+)$/.exec(a)).find(Boolean);
        return [
            ...(enabled(v, true, "recommender") ? [component(r, "vpa-recommender", "Deployment", ["recommender"])] : []),
            ...(enabled(v, true, "updater") ? [component(r, "vpa-updater", "Deployment", ["updater"])] : []),
            ...(enabled(v, true, "admissionController") ? [
                component(r, "vpa-admission-controller", "Deployment", ["admissionController"], { hostNetwork: host, hostPorts: host ? [{ port: port ? Number(port[1]) : 8000 }] : [] }),
                component(r, "vpa-admission-certgen", "Job", ["admissionController", "certGen"]),
            ] : []),
        ];
    },
    "fluent-bit": (r) => {
        const host = at(r.values, "hostNetwork") === true;
        const kind = at(r.values, "kind") === "Deployment" ? "Deployment" : "DaemonSet";
        return [component(r, "fluent-bit", kind, [], { replicas: numberAt(r.values, 1, "replicaCount"), hostNetwork: host, hostPorts: host ? [{ port: numberAt(r.values, 2020, "metricsPort") }] : [] })];
    },
};

/** The chart's name from a release's `chart` (a name, or an `oci://` reference ending in it). */
export const chartNameOf = (chart: string): string => chart.replace(/\/+$/, "").split("/").pop() ?? chart;

// --- EKS managed add-ons ----------------------------------------------------------------------

export interface ManagedAddon { resource: string; addonName: string; configuration: Values }

/**
 * The pods of the EKS managed add-ons, from their configuration and the add-ons' published
 * defaults (`aws eks describe-addon-configuration`): their node agents exclude Fargate by node
 * affinity, their controllers tolerate CriticalAddonsOnly and NoExecute taints for 300 s.
 */
export function managedAddonPods(a: ManagedAddon): PodModel[] {
    const c = a.configuration;
    const release: Release = { resource: a.resource, name: a.addonName, namespace: "kube-system", chart: `EKS add-on ${a.addonName}`, values: c };
    const controllerDefaults: Toleration[] = [{ key: "CriticalAddonsOnly", operator: "Exists" }, { operator: "Exists", effect: "NoExecute" }];
    const agent = (name: string, ports: HostPort[], hostNetwork: boolean, tolerations: Toleration[] = [{ operator: "Exists" }]): PodModel =>
        podOf(release, name, "DaemonSet", { hostNetwork, hostPorts: ports, placement: { tolerations, nodeSelector: {}, affinity: NOT_ON_FARGATE, oneNodeEach: false } });
    const controller = (name: string, path: string[], replicas: number): PodModel => {
        const p = placementOf(at(c, ...path));
        return podOf(release, name, "Deployment", { replicas, placement: { ...p, tolerations: "tolerations" in objectAt(c, ...path) ? p.tolerations : controllerDefaults } });
    };
    switch (a.addonName) {
        case "coredns":
            return [podOf(release, "coredns", "Deployment", {
                labels: { "k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns" },
                replicas: numberAt(c, 2, "autoScaling", "minReplicas"),
                placement: { tolerations: controllerDefaults, nodeSelector: {}, oneNodeEach: false },
            })];
        case "kube-proxy":
            return [agent("kube-proxy", [{ port: 10249, ip: "127.0.0.1" }, { port: 10256 }], true)];
        case "vpc-cni":
            return [agent("aws-node", [{ port: 61678, ip: "127.0.0.1" }, { port: 61679, ip: "127.0.0.1" }], true)];
        case "eks-pod-identity-agent":
            // The agent answers on 169.254.170.23:80 and probes on 2703 (its DaemonSet, host network).
            return [agent("eks-pod-identity-agent", [{ port: 80, ip: "169.254.170.23" }, { port: 2703 }], true)];
        case "aws-ebs-csi-driver":
            return [
                controller("ebs-csi-controller", ["controller"], 2),
                agent("ebs-csi-node", [], false, at(c, "node", "tolerateAllTaints") === true ? [{ operator: "Exists" }] : listAt<Toleration>(c, "node", "tolerations")),
            ];
        case "aws-efs-csi-driver":
            // efs-csi-node runs on the host network with its health port 9809.
            return [controller("efs-csi-controller", ["controller"], 2), agent("efs-csi-node", [{ port: 9809 }], true)];
        default:
            return [];
    }
}

// --- Manifests --------------------------------------------------------------------------------

const WORKLOAD_KINDS: Record<string, PodKind> = { Deployment: "Deployment", StatefulSet: "StatefulSet", DaemonSet: "DaemonSet", Job: "Job", CronJob: "Job" };

/** The pod of a workload manifest (Deployment, StatefulSet, DaemonSet, Job, CronJob), or undefined. */
export function manifestPod(resource: string, manifest: Values): PodModel | undefined {
    const kind = WORKLOAD_KINDS[String(manifest.kind)];
    if (!kind) return undefined;
    const template = manifest.kind === "CronJob" ? at(manifest, "spec", "jobTemplate", "spec", "template") : at(manifest, "spec", "template");
    const spec = at(template, "spec");
    const namespace = String(at(manifest, "metadata", "namespace") ?? "default");
    const hostPorts = hostPortsOf(spec);
    const placement = placementOf(spec);
    return {
        resource,
        name: `${namespace}/${String(at(manifest, "metadata", "name"))} (${String(manifest.kind)})`,
        kind,
        namespace,
        labels: objectAt(template, "metadata", "labels") as Record<string, string>,
        replicas: kind === "Job" ? numberAt(manifest, 1, "spec", "parallelism") : numberAt(manifest, 1, "spec", "replicas"),
        hostNetwork: at(spec, "hostNetwork") === true,
        hostPorts,
        ...placement,
        oneNodeEach: placement.oneNodeEach || hostPorts.length > 0,
    };
}
