// ingress-nginx: retired upstream in March 2026 (4.15.1 is the final release, no more fixes). It
// stays available for workloads that still need it, off by default, behind an NLB; the load
// balancer controller's `alb` class remains the cluster's default IngressClass.
import * as pulumi from "@pulumi/pulumi";
import type { Addon } from "../addon";
import { nlbAnnotations } from "../../lib/loadBalancers";
import { apiReachable, onAddonsPool } from "../../lib/placement";
import { ingressNginx as declaration } from "../../lib/addons/ingressNginx";
import { addonRelease, replicasFor, type ValuesContext } from "./common";

export const NGINX_INGRESS_CLASS = "nginx";
export const INGRESS_NGINX_RETIRED =
    "ingress-nginx is enabled: its upstream project retired in March 2026 and receives no more fixes, security fixes included. " +
    "Prefer the AWS Load Balancer Controller (IngressClass `alb`, the default) and plan the migration.";
/** nginx's HTTP and HTTPS ports when it runs on the host network (calico-overlay mode). */
export const HOST_NETWORK_HTTP_PORTS = { http: 10080, https: 10443 } as const;
/** The admission webhook's port (chart `controller.admissionWebhooks.port`). */
const WEBHOOK_PORT = 8443;

export function ingressNginxValues(replicas: number, up: ValuesContext) {
    const api = apiReachable(up.podNetworkMode, declaration.hostPorts.webhook, WEBHOOK_PORT);
    return {
        controller: {
            kind: "Deployment",
            replicaCount: replicas,
            // The chart creates a PodDisruptionBudget when it runs more than one replica.
            minAvailable: 1,
            ...onAddonsPool(),
            ingressClassResource: { name: NGINX_INGRESS_CLASS, enabled: true, default: false },
            service: { type: "LoadBalancer", annotations: nlbAnnotations(up.egress === "none" ? "internal" : "internet-facing") }, // internal without internet egress
            hostNetwork: api.hostNetwork,
            dnsPolicy: api.dnsPolicy,
            admissionWebhooks: { enabled: true, port: api.port },
            // On the host network, nginx's 80 would collide with the Pod Identity agent (169.254.170.23:80 on
            // every node): its own ports there, behind the NLB's `ip` targets.
            ...(api.hostNetwork ? {
                containerPort: { http: HOST_NETWORK_HTTP_PORTS.http, https: HOST_NETWORK_HTTP_PORTS.https },
                extraArgs: { "http-port": String(HOST_NETWORK_HTTP_PORTS.http), "https-port": String(HOST_NETWORK_HTTP_PORTS.https) },
            } : {}),
        },
    };
}

export const ingressNginx: Addon = {
    declaration,
    install: (ctx, opts) => {
        pulumi.log.warn(INGRESS_NGINX_RETIRED);
        return addonRelease(ctx, `${ctx.clusterName}-ingress-nginx`, {
            key: "ingressNginx",
            pin: declaration.charts.ingressNginx,
            releaseName: "ingress-nginx",
            namespace: "ingress-nginx",
            values: (up) => ingressNginxValues(replicasFor(ctx), up),
        }, opts);
    },
};
