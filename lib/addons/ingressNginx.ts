// ingress-nginx: retired upstream in March 2026 (4.15.1 is the final release), off by default,
// behind an NLB the load balancer controller creates.
import { reg } from "../registries";
import { defineAddon, helm } from "./declaration";

const DESCRIPTION = "ingress-nginx (retired upstream in March 2026, no more fixes: off by default)";

export const ingressNginx = defineAddon({
    key: "ingressNginx",
    description: DESCRIPTION,
    charts: {
        /** Retired upstream in March 2026: 4.15.1 (controller v1.15.1) is the final release. */
        ingressNginx: {
            chart: "ingress-nginx",
            repository: "https://kubernetes.github.io/ingress-nginx",
            version: "4.15.1",
            // One registry for all of the chart's images (controller, admission webhook patch, default backend).
            images: [reg("registry.k8s.io", "ingress-nginx", "global.image.registry")],
        },
    },
    config: helm(false, DESCRIPTION),
    // Its Service is an NLB of the load balancer controller (`aws-load-balancer-type: external`).
    requires: ["loadBalancerController"],
    after: ["karpenter", "calico", "loadBalancerController"],
    hostPorts: { webhook: 8443 },
    iam: [],
});
