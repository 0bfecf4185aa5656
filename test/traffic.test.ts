// The traffic play: load balancer targets follow the pod network, and network policies admit the
// load balancer, Prometheus and a pod's own AWS calls; on the real plans and on plans mutated to
// break one rule each. (Team egress CIDRs with no route are a config rule: see the last test.)
import { strict as assert } from "assert";
import { monitorSelector, traffic } from "../plays/traffic";
import type { Plan } from "../synth/synth";
import { baseEntries, layerOf, problemsOf, synthEnv } from "./helpers";
import { playSays, withWorkload, type AnyObject } from "./planEdits";

const mutate = withWorkload;

function without(plan: Plan, kind: string, name: string, namespace: string): Plan {
    const copy = structuredClone(plan);
    const layer = layerOf(copy, "workloads");
    const before = layer.resources.length;
    layer.resources = layer.resources.filter((x) => !(x.inputs.kind === kind && (x.inputs.metadata as AnyObject)?.name === name && (x.inputs.metadata as AnyObject)?.namespace === namespace));
    assert.equal(layer.resources.length, before - 1, `removed ${kind} ${namespace}/${name}`);
    return copy;
}

const said = playSays(traffic);

describe("plays: traffic", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    it("passes the reference environments", () => {
        assert.equal(said(dev), "");
        assert.equal(said(prod), "");
    });

    it("refuses ip targets on the Calico overlay, and instance targets without node ports", () => {
        const nlb = mutate(prod, "Service", "payments-api", (s) => (s.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] = "ip"));
        assert.match(said(nlb), /Service payments\/payments-api: ip targets would be Calico overlay pod addresses, which no load balancer can route to/);
        const alb = mutate(prod, "Ingress", "search-api", (i) => (i.metadata.annotations["alb.ingress.kubernetes.io/target-type"] = "ip"));
        assert.match(said(alb), /Ingress search\/search-api: ip targets would be Calico overlay pod addresses/);
        const noPorts = mutate(prod, "Service", "payments-api", (s) => (s.spec.allocateLoadBalancerNodePorts = false));
        assert.match(said(noPorts), /instance targets are node ports, but allocateLoadBalancerNodePorts is false/);
        const clusterIp = mutate(prod, "Service", "search-api", (s) => (s.spec.type = "ClusterIP"));
        assert.match(said(clusterIp), /Ingress search\/search-api: instance targets need a NodePort \(or LoadBalancer\) Service, but search-api is ClusterIP/);
        assert.equal(said(mutate(dev, "Ingress", "search-api", (i) => (i.metadata.annotations["alb.ingress.kubernetes.io/target-type"] = "ip"))), "", "dev's pods have VPC addresses");
    });

    it("refuses a load balancer that no network policy lets in", () => {
        const broken = without(prod, "NetworkPolicy", "allow-from-load-balancer", "payments");
        assert.match(said(broken), /Service payments\/payments-api: the load balancer connects from the VPC \(10.30.0.0\/16\), but no network policy in payments admits it/);
        const narrowed = mutate(prod, "NetworkPolicy", "allow-from-load-balancer", (p) => (p.spec.ingress[0].from = [{ ipBlock: { cidr: "100.64.0.0/14" } }]));
        assert.match(said(narrowed), /the load balancer connects from the VPC/);
    });

    it("refuses a PodMonitor no Prometheus selects, or one Prometheus cannot reach", () => {
        // The chart's Prometheus selects monitors by its podMonitorSelector (none: every monitor, as configured).
        const selective = structuredClone(prod);
        const release = layerOf(selective, "addons").resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "kube-prometheus-stack") ?? assert.fail("no kube-prometheus-stack");
        (release.inputs.values as AnyObject).prometheus.prometheusSpec.podMonitorSelector = { matchLabels: { scrape: "platform" } };
        assert.match(said(selective), /PodMonitor search\/search-api: the kube-prometheus-stack Prometheus selects PodMonitors labelled scrape=platform, and this one lacks scrape/);
        assert.deepEqual(monitorSelector({}, "PodMonitor", "kube-prometheus-stack"), { release: "kube-prometheus-stack" }, "the chart's default: its release label");
        const blocked = without(prod, "NetworkPolicy", "search-api-allow-prometheus", "search");
        assert.match(said(blocked), /PodMonitor search\/search-api: Prometheus \(namespace monitoring\) scrapes port http, but no network policy in search admits it/);
    });

    it("refuses a pod whose role calls AWS but whose egress cannot reach the endpoints", () => {
        const blocked = without(prod, "NetworkPolicy", "payments-settle-allow-aws-apis", "payments");
        const message = said(blocked);
        assert.match(message, /CronJob payments\/payments-settle: its role calls s3, but no network policy lets its pods reach the S3 gateway endpoint's ranges on 443/);
        assert.match(message, /CronJob payments\/payments-settle: its role comes through EKS Pod Identity, but no network policy lets its pods reach the agent on their node \(169\.254\.170\.23\/32 port 80\)/);
        // The agent's rule alone removed.
        const noAgent = mutate(prod, "NetworkPolicy", "payments-settle-allow-aws-apis", (o) => {
            o.spec.egress = o.spec.egress.filter((r: AnyObject) => !r.to.some((p: AnyObject) => p.ipBlock?.cidr === "169.254.170.23/32"));
        });
        assert.match(said(noAgent), /CronJob payments\/payments-settle: its role comes through EKS Pod Identity, but no network policy lets its pods reach the agent/);
        assert.doesNotMatch(said(noAgent), /calls s3/);
        // The same application with IRSA (as on Fargate): the annotation names the role, and the pods trade their token at STS.
        const irsa = structuredClone(prod);
        const workloads = layerOf(irsa, "workloads");
        const association = workloads.resources.find((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.inputs.serviceAccount === "payments-settle") ?? assert.fail("no association");
        workloads.resources = workloads.resources.filter((r) => r !== association);
        const sa = workloads.resources.find((r) => r.inputs.kind === "ServiceAccount" && (r.inputs.metadata as AnyObject).name === "payments-settle") ?? assert.fail("no service account");
        (sa.inputs.metadata as AnyObject).annotations = { "eks.amazonaws.com/role-arn": association.inputs.roleArn };
        assert.match(said(irsa), /CronJob payments\/payments-settle: its role calls sts, but no network policy lets its pods reach the sts interface endpoint/);
        layerOf(irsa, "network").outputs.interfaceEndpoints = (layerOf(irsa, "network").outputs.interfaceEndpoints as string[]).filter((s) => s !== "sts");
        assert.match(said(irsa), /its role calls sts, but the VPC has no sts endpoint and no internet egress/);
    });

    it("refuses a team egress CIDR with no route (config rule), and accepts one in a peered VPC or with egress", () => {
        const entries = (egress: string, cidrs: string[]) => ({
            ...baseEntries(),
            "platform:tier": "production",
            "platform:egress": egress,
            ...(egress === "none" ? {} : { "platform:productionExceptions": { internetEgress: { reason: "the card processor is reachable only over the internet" } } }),
            "platform:peerings": [{ name: "tooling", peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidr: "10.100.0.0/16" }],
            "platform:access": { teams: [{ name: "payments", roleArn: "arn:aws:iam::111122223333:role/team-payments", namespaces: ["payments"] }] },
            "platform:teams": [{ name: "payments", network: { egressCidrs: cidrs } }],
        });
        assert.match(problemsOf(entries("none", ["198.51.100.0/24"])).join("\n"), /platform:teams\[0\]\.network\.egressCidrs\[0\]: 198.51.100.0\/24 has no route: the environment has no internet egress/);
        assert.throws(() => problemsOf(entries("none", ["10.100.40.0/24"])), /expected the config to be rejected/);
        assert.throws(() => problemsOf(entries("single-nat", ["198.51.100.0/24"])), /expected the config to be rejected/);
    });
});
