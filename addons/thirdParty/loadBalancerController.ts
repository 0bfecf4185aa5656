// The AWS Load Balancer Controller: the default ingress path. ALBs for Ingresses (IngressClass
// `alb`, the cluster default), NLBs for Services of type LoadBalancer (its Service mutator webhook
// makes it the default implementation), `ip` targets so pods on Fargate can be targets too.
import type { Addon } from "../catalog";
import { apiReachable, onAddonsPool } from "../../lib/placement";
import { loadBalancerController as declaration } from "../../lib/addons/loadBalancerController";
import { LOAD_BALANCER_CONTROLLER_POLICY } from "../../lib/addons/loadBalancerControllerPolicy";
import { addonRelease, isProduction, replicasFor, type Upstream } from "./common";

export const LBC_NAMESPACE = "kube-system";
export const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";
export const ALB_INGRESS_CLASS = "alb";
/** The controller's webhook port (chart `webhookBindPort`). */
const WEBHOOK_PORT = 9443;

export interface LoadBalancerControllerSettings {
    clusterName: string;
    region: string;
    replicas: number;
    production: boolean;
}

export function loadBalancerControllerValues(s: LoadBalancerControllerSettings, up: Upstream) {
    const api = apiReachable(up.podNetworkMode, declaration.hostPorts.webhook, WEBHOOK_PORT);
    // Without internet egress Shield, WAF and WAFv2 have no VPC endpoints: the controller must not call them.
    const edgeServices = up.egress !== "none";
    return {
        clusterName: s.clusterName,
        region: s.region,
        // Set explicitly: pods may not reach the instance metadata service.
        vpcId: up.vpcId,
        replicaCount: s.replicas,
        ...onAddonsPool(),
        podDisruptionBudget: s.production ? { maxUnavailable: 1 } : {},
        serviceAccount: { create: true, name: LBC_SERVICE_ACCOUNT, annotations: up.serviceAccountAnnotations },
        ingressClass: ALB_INGRESS_CLASS,
        createIngressClassResource: true,
        ingressClassConfig: { default: true },
        defaultTargetType: "ip",
        enableServiceMutatorWebhook: true,
        enableShield: edgeServices,
        enableWaf: edgeServices,
        enableWafv2: edgeServices,
        hostNetwork: api.hostNetwork,
        dnsPolicy: api.dnsPolicy,
        webhookBindPort: api.port,
        ...(api.hostNetwork ? { metricsBindAddr: `:${declaration.hostPorts.metrics}` } : {}),
    };
}

export const loadBalancerController: Addon = {
    declaration,
    install: (ctx, opts) =>
        addonRelease(ctx, `${ctx.clusterName}-aws-load-balancer-controller`, {
            key: "loadBalancerController",
            pin: declaration.charts.loadBalancerController,
            releaseName: "aws-load-balancer-controller",
            namespace: LBC_NAMESPACE,
            serviceAccountRole: { serviceAccount: LBC_SERVICE_ACCOUNT, compute: "ec2", policy: LOAD_BALANCER_CONTROLLER_POLICY },
            values: (up) =>
                loadBalancerControllerValues({ clusterName: ctx.clusterName, region: ctx.config.region, replicas: replicasFor(ctx), production: isProduction(ctx) }, up),
        }, opts),
};
