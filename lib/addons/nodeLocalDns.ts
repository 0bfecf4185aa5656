// NodeLocal DNSCache: a DNS cache on every node (host network, link-local address). deliveryhero's
// chart (upstream ships only a manifest), published on GHCR since October 2024 (its README; the
// old charts.deliveryhero.io no longer serves it).
import { repo } from "../registries";
import { defineAddon, helm } from "./declaration";

const DESCRIPTION = "NodeLocal DNSCache (for large clusters: avoids DNS throttling)";

export const nodeLocalDns = defineAddon({
    key: "nodeLocalDns",
    description: DESCRIPTION,
    charts: {
        nodeLocalDns: {
            chart: "node-local-dns",
            repository: "oci://ghcr.io/deliveryhero/helm-charts",
            version: "2.1.3",
            images: [repo("registry.k8s.io", "dns/k8s-dns-node-cache", "image.repository")],
        },
    },
    config: helm(false, DESCRIPTION),
    requires: [],
    // Its Services (upstream DNS, metrics) go through the load balancer controller's webhook.
    after: ["karpenter", "calico", "loadBalancerController"],
    // The cache on the host network: DNS on the link-local address, its health port.
    hostPorts: { dns: 53, health: 8080 },
    iam: [],
});
