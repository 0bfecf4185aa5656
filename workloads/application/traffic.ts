// How traffic reaches an application: its Service (ClusterIP, headless for a stateful set, or an
// internal NLB through the load balancer controller) and its internal ALB Ingress. Load balancer
// targets follow the pod network: pods with VPC addresses are `ip` targets; pods on the Calico
// overlay, whose addresses no load balancer can route to, are reached through their nodes
// (`instance` targets on node ports, only the nodes running a pod: externalTrafficPolicy Local).
// With a certificate (ACM ARN) the load balancer terminates TLS with a current policy.
import type { ApplicationSpec } from "../../lib/config/applications";
import type * as pulumi from "@pulumi/pulumi";
import { appPort, fail, mapInput, metadataOf, selectorLabels, type BuildContext, type IngressObject, type ServiceObject } from "./manifest";
import { probesOf } from "./pod";

/** TLS 1.3 and 1.2 only (the load balancers' recommended policy). */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
export const HTTPS_PORT = 443;
export const NLB_CLASS = "service.k8s.aws/nlb";
/** Where NLBs log in the access-log bucket (its policy lets load balancers write under it). */
export const NLB_LOG_PREFIX = "nlb";

/** `ip` targets need pod addresses in the VPC; on the overlay the load balancer targets nodes. */
export const targetTypeOf = (ctx: Pick<BuildContext, "podNetwork">): "ip" | "instance" => (ctx.podNetwork === "vpc-cni" ? "ip" : "instance");

/** The load balancer controller's internal NLB, its targets, and TLS when the application has a certificate. */
export function nlbAnnotations(app: ApplicationSpec, ctx: Pick<BuildContext, "podNetwork" | "accessLogBucket">): Record<string, pulumi.Input<string>> {
    const target = targetTypeOf(ctx);
    const cert = app.service.certificateArn;
    return {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": target,
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        // Instance targets would see the client's address, from anywhere the NLB is reachable; the
        // NLB's own (VPC) address is what the team's allow-from-load-balancer policy admits.
        ...(target === "instance" ? { "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "preserve_client_ip.enabled=false" } : {}),
        ...(cert
            ? {
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": cert,
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": String(HTTPS_PORT),
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": TLS_POLICY,
                }
            : {}),
        // Access logs to the platform's bucket (an NLB logs the connections of its TLS listeners). The
        // add-ons layer has one whenever the load balancer controller is installed; without it there is
        // no NLB to log (a config rule), so none here means the add-ons stack is not the one this config deploys.
        "service.beta.kubernetes.io/aws-load-balancer-attributes": mapInput(ctx.accessLogBucket, (b) =>
            b ? `access_logs.s3.enabled=true,access_logs.s3.bucket=${b},access_logs.s3.prefix=${NLB_LOG_PREFIX}`
                : fail(app, "is an nlb service, but the add-ons layer has no access-log bucket (its output accessLogBucket): deploy the add-ons layer with the load balancer controller enabled first")),
    };
}

export function serviceManifest(app: ApplicationSpec, ctx: Pick<BuildContext, "podNetwork" | "accessLogBucket">): ServiceObject {
    const nlb = app.service.type === "nlb";
    const headless = app.kind === "stateful";
    const instance = targetTypeOf(ctx) === "instance";
    // An ALB with instance targets reaches the pods through a node port.
    const nodePort = !nlb && app.ingress !== undefined && instance;
    const port = nlb && app.service.certificateArn
        ? { name: "https", port: HTTPS_PORT, targetPort: "http", protocol: "TCP" }
        : { name: "http", port: appPort(app), targetPort: "http", protocol: "TCP" };
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: metadataOf(app, nlb ? nlbAnnotations(app, ctx) : undefined),
        spec: {
            type: nlb ? "LoadBalancer" : nodePort ? "NodePort" : "ClusterIP",
            // ip targets need no node ports (and the quota counts each one).
            ...(nlb ? { loadBalancerClass: NLB_CLASS, ...(instance ? {} : { allocateLoadBalancerNodePorts: false }) } : {}),
            ...((nlb || nodePort) && instance ? { externalTrafficPolicy: "Local" } : {}),
            ...(headless ? { clusterIP: "None", publishNotReadyAddresses: true } : {}),
            selector: selectorLabels(app),
            ports: [port],
        },
    };
}

export function ingressManifest(app: ApplicationSpec, ctx: Pick<BuildContext, "podNetwork" | "ingressClass">): IngressObject {
    const ingress = app.ingress ?? fail(app, "has no ingress");
    const readiness = probesOf(app).readiness;
    const tls: Record<string, string> = ingress.certificateArn
        ? {
                "alb.ingress.kubernetes.io/certificate-arn": ingress.certificateArn,
                "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: HTTPS_PORT }]),
                "alb.ingress.kubernetes.io/ssl-redirect": String(HTTPS_PORT),
                "alb.ingress.kubernetes.io/ssl-policy": TLS_POLICY,
            }
        : { "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }]) };
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: metadataOf(app, {
            "alb.ingress.kubernetes.io/target-type": targetTypeOf(ctx),
            "alb.ingress.kubernetes.io/scheme": "internal",
            "alb.ingress.kubernetes.io/healthcheck-path": readiness.http?.path ?? "/",
            ...tls,
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
