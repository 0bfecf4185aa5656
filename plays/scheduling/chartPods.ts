// Each Helm chart the platform installs, and the pods its templates build from the release's values
// (nobody can render a chart here, so each model is read from the chart's values.yaml and templates
// at the pinned version).
import { calicoPods } from "./calicoPods";
import { at, component, enabled, listAt, NOT_ON_FARGATE, numberAt, objectAt, placementOf, podOf, portOf, type PodModel, type Release } from "./pods";

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
