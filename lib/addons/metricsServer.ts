// metrics-server: the resource metrics API (metrics.k8s.io), an aggregated API the API server calls.
import { repo } from "../registries";
import { defineAddon, helm } from "./declaration";

const DESCRIPTION = "metrics-server (resource metrics for autoscaling and `kubectl top`)";

export const metricsServer = defineAddon({
    key: "metricsServer",
    description: DESCRIPTION,
    charts: {
        /** metrics-server v0.8.1. */
        metricsServer: {
            chart: "metrics-server",
            repository: "https://kubernetes-sigs.github.io/metrics-server",
            version: "3.13.1",
            images: [
                repo("registry.k8s.io", "metrics-server/metrics-server", "image.repository"),
                repo("registry.k8s.io", "autoscaling/addon-resizer", "addonResizer.image.repository"),
            ],
        },
    },
    config: helm(true, DESCRIPTION),
    requires: [],
    after: ["karpenter", "calico", "loadBalancerController"],
    // calico-overlay mode: on the host network, off the kubelet's 10250 (its default).
    hostPorts: { api: 10260 },
    iam: [],
});
