// How traffic reaches an application: its Service (ClusterIP, headless for a stateful set, or an
// NLB through the load balancer controller) and its ALB Ingress.
import type { ApplicationSpec } from "../../lib/config/applications";
import { appPort, fail, metadataOf, selectorLabels, type BuildContext, type IngressObject, type ServiceObject } from "./manifest";
import { probesOf } from "./pod";

/** The load balancer controller's internal NLB with ip targets (pods directly, no node ports). */
export const NLB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
} as const;

export function serviceManifest(app: ApplicationSpec): ServiceObject {
    const nlb = app.service.type === "nlb";
    const headless = app.kind === "stateful";
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: metadataOf(app, nlb ? { ...NLB_ANNOTATIONS } : undefined),
        spec: {
            type: nlb ? "LoadBalancer" : "ClusterIP",
            ...(nlb ? { loadBalancerClass: "service.k8s.aws/nlb" } : {}),
            ...(headless ? { clusterIP: "None", publishNotReadyAddresses: true } : {}),
            selector: selectorLabels(app),
            ports: [{ name: "http", port: appPort(app), targetPort: "http", protocol: "TCP" }],
        },
    };
}

export function ingressManifest(app: ApplicationSpec, ctx: BuildContext): IngressObject {
    const ingress = app.ingress ?? fail(app, "has no ingress");
    const readiness = probesOf(app).readiness;
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: metadataOf(app, {
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/scheme": "internal",
            "alb.ingress.kubernetes.io/healthcheck-path": readiness.http?.path ?? "/",
        }),
        spec: {
            ingressClassName: ctx.ingressClass,
            rules: [{
                host: ingress.host,
                http: { paths: [{ path: ingress.path, pathType: "Prefix", backend: { service: { name: app.name, port: { name: "http" } } } }] },
            }],
        },
    };
}
