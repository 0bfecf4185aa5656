// How Prometheus finds an application's metrics: a PodMonitor (prometheus-operator) on its metrics
// port, labelled for the kube-prometheus-stack release whose Prometheus selects it.
import type { ApplicationSpec } from "../../lib/config/applications";
import { metadataOf, selectorLabels, type CustomObject } from "./manifest";

export const MONITORING_API = "monitoring.coreos.com/v1";
/** The kube-prometheus-stack release: its Prometheus selects monitors labelled `release: <release>` (serviceMonitorSelectorNilUsesHelmValues). */
export const PROMETHEUS_RELEASE = "kube-prometheus-stack";
/** Where Prometheus runs, and the label of its pods (set by the operator). */
export const PROMETHEUS_NAMESPACE = "monitoring";
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus" } as const;

/** The container port name of the metrics: the application's own port when they share it. */
export const metricsPortName = (app: ApplicationSpec): string => (app.metrics && app.metrics.port === app.port ? "http" : "metrics");

export function podMonitorManifest(app: ApplicationSpec): CustomObject<"PodMonitor"> | undefined {
    if (!app.metrics) return undefined;
    const meta = metadataOf(app);
    return {
        apiVersion: MONITORING_API,
        kind: "PodMonitor",
        metadata: { ...meta, labels: { ...meta.labels, release: PROMETHEUS_RELEASE } },
        spec: {
            selector: { matchLabels: selectorLabels(app) },
            namespaceSelector: { matchNames: [app.namespace] },
            podMetricsEndpoints: [{ port: metricsPortName(app), path: app.metrics.path, interval: "30s" }],
        },
    };
}
