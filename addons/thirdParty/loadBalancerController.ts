// The AWS Load Balancer Controller: the default ingress path. ALBs for Ingresses (IngressClass
// `alb`, the cluster default), NLBs for Services of type LoadBalancer (its Service mutator webhook
// makes it the default implementation), `ip` targets so pods on Fargate can be targets too.
import type { Addon } from "../addon";
import { ALB_INGRESS_CLASS } from "../../lib/loadBalancers";
import { apiReachable, onAddonsPool } from "../../lib/placement";
import { loadBalancerController as declaration } from "../../lib/addons/loadBalancerController";
import { LOAD_BALANCER_CONTROLLER_POLICY } from "../../lib/addons/loadBalancerControllerPolicy";
import { ACCESS_LOG_PREFIXES, accessLogBucketFor } from "../accessLogs";
import { addonRelease, isProduction, replicasFor, type ValuesContext } from "./common";

export const LBC_NAMESPACE = "kube-system";
export const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";
/** The controller's webhook port (chart `webhookBindPort`). */
const WEBHOOK_PORT = 9443;

export interface LoadBalancerControllerSettings {
    clusterName: string;
    region: string;
    replicas: number;
    production: boolean;
    /** ALBs of the `alb` class log their requests here (under `alb/`). */
    accessLogBucket: string;
}

export function loadBalancerControllerValues(s: LoadBalancerControllerSettings, up: ValuesContext) {
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
        // Every ALB of the class logs its requests (the IngressClass references these parameters).
        ingressClassParams: {
            create: true,
            name: ALB_INGRESS_CLASS,
            spec: {
                loadBalancerAttributes: [
                    { key: "access_logs.s3.enabled", value: "true" },
                    { key: "access_logs.s3.bucket", value: s.accessLogBucket },
                    { key: "access_logs.s3.prefix", value: ACCESS_LOG_PREFIXES.alb },
                ],
            },
        },
        // Overlay pod addresses are not routable from a load balancer: targets are nodes there.
        defaultTargetType: up.podNetworkMode === "vpc-cni" ? "ip" : "instance",
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
                accessLogBucketFor(ctx, "aws-load-balancer-controller").apply((accessLogBucket) =>
                    loadBalancerControllerValues({ clusterName: ctx.clusterName, region: ctx.config.region, replicas: replicasFor(ctx), production: isProduction(ctx), accessLogBucket }, up)),
        }, opts),
};
