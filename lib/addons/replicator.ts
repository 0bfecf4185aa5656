// kubernetes-replicator: copies Secrets and ConfigMaps across namespaces on annotation.
import { repo } from "../registries";
import { defineAddon, helm } from "./declaration";

const DESCRIPTION = "kubernetes-replicator (copies secrets and config maps across namespaces)";

export const replicator = defineAddon({
    key: "replicator",
    description: DESCRIPTION,
    charts: {
        /** mittwald/kubernetes-replicator deploy/helm-chart Chart.yaml. */
        replicator: {
            chart: "kubernetes-replicator",
            repository: "https://helm.mittwald.de",
            version: "2.12.4",
            images: [repo("quay.io", "mittwald/kubernetes-replicator", "image.repository")],
        },
    },
    config: helm(true, DESCRIPTION),
    requires: [],
    after: ["karpenter", "calico", "loadBalancerController"],
    hostPorts: {},
    iam: [],
});
