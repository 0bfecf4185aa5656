// kube-prometheus-stack: Prometheus, Alertmanager, Grafana and the Prometheus operator (whose CRDs
// ServiceMonitor, PodMonitor and PrometheusRule the workloads use).
import { z } from "zod";
import { int } from "../config/fields";
import { reg } from "../registries";
import { defineAddon, helmAddon, optionalAddon } from "./declaration";

const DESCRIPTION = "kube-prometheus-stack (Prometheus, Alertmanager, Grafana)";

export const monitoring = defineAddon({
    key: "monitoring",
    description: DESCRIPTION,
    charts: {
        /** Majors bump often and may need a CRD upgrade first (chart README, "Upgrading"). Subcharts: grafana 12.11.1, kube-state-metrics 8.4.0, prometheus-node-exporter 4.56.1. */
        monitoring: {
            chart: "kube-prometheus-stack",
            repository: "https://prometheus-community.github.io/helm-charts",
            version: "88.5.3",
            // Several upstreams: per-image registry keys (a chart-wide global.imageRegistry would send them all to one).
            images: [
                reg("quay.io", "prometheus-operator/prometheus-operator", "prometheusOperator.image.registry"),
                reg("quay.io", "prometheus-operator/prometheus-config-reloader", "prometheusOperator.prometheusConfigReloader.image.registry"),
                reg("registry.k8s.io", "ingress-nginx/kube-webhook-certgen", "prometheusOperator.admissionWebhooks.patch.image.registry"),
                reg("quay.io", "thanos/thanos", "prometheusOperator.thanosImage.registry"),
                reg("quay.io", "prometheus/prometheus", "prometheus.prometheusSpec.image.registry"),
                reg("quay.io", "prometheus/alertmanager", "alertmanager.alertmanagerSpec.image.registry"),
                reg("docker.io", "grafana/grafana", "grafana.image.registry"),
                reg("quay.io", "kiwigrid/k8s-sidecar", "grafana.sidecar.image.registry"),
                reg("docker.io", "library/busybox", "grafana.initChownData.image.registry"),
                reg("docker.io", "curlimages/curl", "grafana.downloadDashboardsImage.registry"),
                reg("registry.k8s.io", "kube-state-metrics/kube-state-metrics", "kube-state-metrics.image.registry"),
                reg("quay.io", "prometheus/node-exporter", "prometheus-node-exporter.image.registry"),
            ],
        },
    },
    config: optionalAddon(helmAddon(true, DESCRIPTION).extend({
        retention: z.string().regex(/^\d+(h|d|w|y)$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a Prometheus retention such as "15d"` }).default("15d").describe("How long Prometheus keeps metrics."),
        storageGiB: int(1, 16384).default(50).describe("Prometheus volume size (gp3)."),
    }), DESCRIPTION),
    // Prometheus and Alertmanager keep data on gp3 volumes.
    requires: ["ebsCsi"],
    after: ["karpenter", "calico", "storage", "loadBalancerController"],
    // calico-overlay mode: the operator's admission webhook on the host network, off the kubelet's 10250.
    hostPorts: { operatorWebhook: 10261 },
    // Grafana reads CloudWatch (metrics, Fargate pods' logs) with its own role.
    iam: [{ namespace: "monitoring", serviceAccount: "grafana", inline: "CloudWatch metrics and the cluster's log groups (grafanaCloudWatchPolicy)" }],
});
