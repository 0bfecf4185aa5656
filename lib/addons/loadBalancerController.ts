// The AWS Load Balancer Controller: the default ingress path (ALBs for Ingresses, NLBs for
// Services of type LoadBalancer). Its Service mutating webhook (failurePolicy Fail) intercepts
// every Service create, so everything that creates a Service runs after it (aws-load-balancer-controller #4140).
import { repo } from "../registries";
import { defineAddon, helm } from "./declaration";

const DESCRIPTION = "the AWS Load Balancer Controller (ALB for Ingress, NLB for Services): the default ingress path";

export const loadBalancerController = defineAddon({
    key: "loadBalancerController",
    description: DESCRIPTION,
    charts: {
        /** Controller v3 (chart version = controller version since v3.0.0). CRDs: upgrade by hand before the chart. */
        loadBalancerController: {
            chart: "aws-load-balancer-controller",
            repository: "https://aws.github.io/eks-charts",
            version: "3.5.0",
            images: [repo("public.ecr.aws", "eks/aws-load-balancer-controller", "image.repository")],
        },
    },
    config: helm(true, DESCRIPTION),
    requires: [],
    // Its webhooks must be reachable (Calico) before anything creates a Service or an Ingress.
    after: ["karpenter", "calico"],
    // calico-overlay mode: the webhook on the host network, and its metrics away from NodeLocal DNSCache's health port (8080).
    hostPorts: { webhook: 9443, metrics: 10262 },
    iam: [{ namespace: "kube-system", serviceAccount: "aws-load-balancer-controller", inline: "the controller's published policy (lib/addons/loadBalancerControllerPolicy.ts)" }],
});
