// The Vertical Pod Autoscaler in recommendation mode (updater and admission controller off unless `values` turn them on).
import { repo } from "../registries";
import { defineAddon, helm } from "./declaration";

const DESCRIPTION = "the Vertical Pod Autoscaler (recommendations only by default)";

export const vpa = defineAddon({
    key: "vpa",
    description: DESCRIPTION,
    charts: {
        /** The official chart; its README still calls it under development. */
        vpa: {
            chart: "vertical-pod-autoscaler",
            repository: "https://kubernetes.github.io/autoscaler",
            version: "0.11.0",
            images: [
                repo("registry.k8s.io", "autoscaling/vpa-recommender", "recommender.image.repository"),
                repo("registry.k8s.io", "autoscaling/vpa-updater", "updater.image.repository"),
                repo("registry.k8s.io", "autoscaling/vpa-admission-controller", "admissionController.image.repository"),
                repo("registry.k8s.io", "ingress-nginx/kube-webhook-certgen", "admissionController.certGen.image.repository"),
            ],
        },
    },
    config: helm(false, DESCRIPTION),
    // The recommender reads the resource metrics API.
    requires: ["metricsServer"],
    after: ["karpenter", "calico", "loadBalancerController", "metricsServer"],
    // calico-overlay mode: the admission controller's webhook on the host network.
    hostPorts: { admission: 10263 },
    iam: [],
});
