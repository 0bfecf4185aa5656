// What an application's pods may reach and be reached by beyond its team's namespace policies:
// Prometheus on the metrics port, and the AWS APIs its own role calls (STS for IRSA, then each
// service of its IAM statements) through the VPC's endpoints or, with egress, the NAT; with EKS Pod
// Identity, the agent on its node instead of STS.
import type * as Input from "@pulumi/kubernetes/types/input";
import { POD_IDENTITY_AGENT, type IdentityMechanism } from "../../lib/applicationIdentity";
import type { ApplicationSpec } from "../../lib/config/applications";
import { fail, mapInput, metadataOf, selectorLabels, type AwsReach, type BuildContext, type NetworkPolicyObject } from "./manifest";
import { metricsPortName, PROMETHEUS_NAMESPACE, PROMETHEUS_POD_LABELS } from "./monitoring";

/** The namespace name label the API server sets on every namespace. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
const HTTPS = [{ protocol: "TCP", port: 443 }];

/** Whether the application's own pods call AWS (secrets alone reach the pod as files: the CSI provider on the node calls Secrets Manager, not the pod). */
export const callsAws = (app: ApplicationSpec): boolean => app.serviceAccount.iamStatements.length > 0 || app.serviceAccount.iamPolicyArns.length > 0;

/**
 * The AWS services the application's own pods call: those of its inline statements, and STS with
 * IRSA (the SDK trades the pod's token there); with EKS Pod Identity the agent on the node does that.
 */
export function awsServicesOf(app: ApplicationSpec, mechanism: IdentityMechanism): string[] {
    if (!callsAws(app)) return [];
    const fromStatements = app.serviceAccount.iamStatements.filter((s) => s.effect === "Allow").flatMap((s) => s.actions.map((a) => a.split(":")[0]));
    return [...new Set([...(mechanism === "irsa" ? ["sts"] : []), ...fromStatements])].sort();
}

/** Where each service is reached (and, with Pod Identity, the agent), or a refusal naming the missing route. */
export function awsEgressRules(app: ApplicationSpec, reach: AwsReach, mechanism: IdentityMechanism): Input.networking.v1.NetworkPolicyEgressRule[] {
    const agent: Input.networking.v1.NetworkPolicyEgressRule[] = mechanism === "pod-identity" && callsAws(app)
        ? [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT.cidr } }], ports: [{ protocol: "TCP", port: POD_IDENTITY_AGENT.port }] }]
        : [];
    const peers = awsServicesOf(app, mechanism).flatMap((service): Input.networking.v1.NetworkPolicyPeer[] => {
        // S3 through its gateway endpoint: the route table sends its public ranges there.
        if (service === "s3" && reach.s3Cidrs.length > 0) return reach.s3Cidrs.map((cidr) => ({ ipBlock: { cidr } }));
        if (reach.interfaceEndpoints.includes(service)) return reach.privateSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } }));
        if (reach.internet) return [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }];
        return fail(app, `calls ${service} (its IAM statements), but the VPC has no ${service} endpoint and no internet egress: add it to platform:vpcEndpoints.extra`);
    });
    const unique = [...new Map(peers.map((p) => [JSON.stringify(p), p])).values()];
    return [...agent, ...(unique.length > 0 ? [{ to: unique, ports: HTTPS }] : [])];
}

/** The application's own network policies (its team's namespace denies everything else). */
export function networkPolicyManifests(app: ApplicationSpec, ctx: BuildContext): NetworkPolicyObject[] {
    const podSelector = { matchLabels: selectorLabels(app) };
    const policies: NetworkPolicyObject[] = [];
    if (app.metrics && ctx.monitoring) {
        policies.push({
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: metadataOf(app, undefined, `${app.name}-allow-prometheus`),
            spec: {
                podSelector,
                policyTypes: ["Ingress"],
                ingress: [{
                    from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: PROMETHEUS_NAMESPACE } }, podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } }],
                    ports: [{ protocol: "TCP", port: metricsPortName(app) }],
                }],
            },
        });
    }
    const mechanism = ctx.identity?.mechanism;
    if (mechanism && callsAws(app) && ctx.awsReach !== undefined) {
        policies.push({
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: metadataOf(app, undefined, `${app.name}-allow-aws-apis`),
            spec: mapInput(ctx.awsReach, (reach) => ({ podSelector, policyTypes: ["Egress"], egress: awsEgressRules(app, reach, mechanism) })),
        });
    }
    return policies;
}
