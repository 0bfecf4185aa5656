// plays/reachability.ts: each flow passing on the real plans, and failing on a plan mutated the way
// a reverted fix would leave it.
import { strict as assert } from "assert";
import type * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "../plays/play";
import { reachability } from "../plays/reachability";
import { PlanView } from "../plays/view";
import { MockEngine } from "../synth/engine";
import { CALL_FIXTURES, RESOURCE_FIXTURES } from "../synth/fixtures";
import type { Plan, PlannedResource } from "../synth/plan";
import { synthesize } from "../synth/synth";
import { envConfig, rejectionOf, synthEnv, synthProdWithNodeGroup } from "./helpers";

const run = (plan: Plan): string[] => reachability.run(new PlanView(plan)).map(formatProblem);
const all = (plan: Plan): PlannedResource[] => plan.layers.flatMap((l) => l.resources);
const ofType = (plan: Plan, type: string) => all(plan).filter((r) => r.type === type);
const without = (plan: Plan, drop: (r: PlannedResource) => boolean): Plan => {
    const copy = structuredClone(plan);
    for (const l of copy.layers) l.resources = l.resources.filter((r) => !drop(r));
    return copy;
};
const nodeClassOf = (plan: Plan) => ofType(plan, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")[0];

describe("play: reachability", () => {
    let dev: Plan;
    let prod: Plan;
    /** prod in vpc-cni mode with a managed node group (calico-overlay prod has none: Karpenter launches every node). */
    let groups: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
        groups = await synthProdWithNodeGroup();
    });

    it("passes dev and prod: every compute carries the EKS-managed cluster security group, whose self rule allows every flow between them", () => {
        assert.deepEqual(run(dev), []);
        assert.deepEqual(run(prod), []);
        assert.deepEqual(run(groups), []);
    });

    /** The plan with pulumi-eks's extra group added and Karpenter's node class selecting only it. */
    const karpenterOnExtraGroup = (base: Plan, extra: string): Plan => {
        const plan = structuredClone(base);
        plan.layers[1].resources.push({ urn: `urn:pulumi:${base.environment}::platform-cluster::eks:index:Cluster$aws:ec2/securityGroup:SecurityGroup::extra`, type: "aws:ec2/securityGroup:SecurityGroup", name: "extra", dependsOn: [], inputs: { tags: {} }, custom: true, remote: false, protect: false, retainOnDelete: false, id: extra });
        const spec = (nodeClassOf(plan).inputs.spec as { securityGroupSelectorTerms: unknown });
        spec.securityGroupSelectorTerms = [{ id: extra }];
        return plan;
    };

    it("Karpenter's nodes on a group without the cluster group's rules (pulumi-eks's extra group): node to node, CoreDNS, kubelet and the load balancer tag fail", () => {
        const extra = "sg-0e0e0e0e0e0e0e0e0";
        // calico-overlay prod: every EC2 node is Karpenter's, so node to node is Karpenter's nodes to themselves.
        const problems = run(karpenterOnExtraGroup(prod, extra)).join("\n");
        assert.match(problems, /node to node \(Calico VXLAN\): Karpenter's nodes \(EC2NodeClass default\) \(sg-0e0e0e0e0e0e0e0e0\) cannot reach Karpenter's nodes \(EC2NodeClass default\) \(sg-0e0e0e0e0e0e0e0e0\) on udp 4789: add an ingress rule to sg-0e0e0e0e0e0e0e0e0 for udp 4789 from sg-0e0e0e0e0e0e0e0e0/);
        assert.match(problems, /node to node \(Calico Typha\): .* on tcp 5473/);
        assert.match(problems, /pods to CoreDNS on Fargate \(DNS\): Karpenter's nodes .* cannot reach Fargate pods .* on udp 53/);
        assert.match(problems, /control plane to kubelet: the control plane \(sg-[0-9a-f]+\) cannot reach Karpenter's nodes \(EC2NodeClass default\) \(sg-0e0e0e0e0e0e0e0e0\) on tcp 10250: add an ingress rule to sg-0e0e0e0e0e0e0e0e0 for tcp 10250/);
        assert.match(problems, /Karpenter's nodes \(EC2NodeClass default\) carry 0 security groups tagged kubernetes.io\/cluster\/acme-prod/);
        // Beside a managed node group (vpc-cni mode): Karpenter's nodes and the group's cannot reach each other.
        const mixed = run(karpenterOnExtraGroup(groups, extra)).join("\n");
        assert.match(mixed, /node to node \(pods on any port\): Karpenter's nodes \(EC2NodeClass default\) \(sg-0e0e0e0e0e0e0e0e0\) cannot reach node group acme-prod-fixed's nodes \(sg-[0-9a-f]+\) on tcp 1:/);
        assert.match(mixed, /node to node \(pods on any port\): node group acme-prod-fixed's nodes \(sg-[0-9a-f]+\) cannot reach Karpenter's nodes \(EC2NodeClass default\) \(sg-0e0e0e0e0e0e0e0e0\)/);
    });

    it("the cluster group without its self rule: nodes to nodes fail in vpc-cni mode (dev) too", () => {
        const plan = without(dev, (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.endsWith("-self"));
        assert.match(run(plan).join("\n"), /node to node \(pods on any port\): Karpenter's nodes \(EC2NodeClass default\) .* on tcp 1:/);
    });

    it("a node group whose launch template names its own group carries only that group", () => {
        const plan = structuredClone(groups);
        const template = ofType(plan, "aws:ec2/launchTemplate:LaunchTemplate")[0];
        template.inputs.vpcSecurityGroupIds = ["sg-0abcabcabcabcabc0"];
        assert.match(run(plan).join("\n"), /control plane to kubelet: .* cannot reach node group acme-prod-fixed's nodes \(sg-0abcabcabcabcabc0\) on tcp 10250/);
    });

    it("the VPC endpoints and EFS: a group without the HTTPS or NFS rule fails", () => {
        const plan = structuredClone(prod);
        const endpoints = ofType(plan, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.name.endsWith("-endpoints"))!;
        endpoints.inputs.ingress = [];
        const noEfs = without(plan, (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.fromPort === 2049);
        const problems = run(noEfs).join("\n");
        assert.match(problems, /nodes and pods to the VPC endpoints: Fargate pods .* cannot reach the VPC endpoints \(sg-[0-9a-f]+\) on tcp 443/);
        assert.match(problems, /nodes and pods to the VPC endpoints: Karpenter's nodes \(EC2NodeClass default\) .* cannot reach the VPC endpoints \(sg-[0-9a-f]+\) on tcp 443/);
        assert.match(problems, /nodes to EFS \(NFS\): Karpenter's nodes \(EC2NodeClass default\) .* cannot reach the EFS mount targets .* on tcp 2049/);
        // A managed node group's nodes (vpc-cni mode) need the same rule.
        const groupsNoEfs = without(groups, (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.fromPort === 2049);
        assert.match(run(groupsNoEfs).join("\n"), /nodes to EFS \(NFS\): node group acme-prod-fixed's nodes .* cannot reach the EFS mount targets .* on tcp 2049/);
    });

    it("nodes and pods to the API: the control plane's group must admit them (its self rule, or the rule for the VPC's addresses)", () => {
        const selfOnly = without(prod, (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.endsWith("-self"));
        assert.doesNotMatch(run(selfOnly).join("\n"), /to the Kubernetes API:/, "the VPC's addresses are admitted to 443");
        const plan = without(selfOnly, (r) => r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && r.name.endsWith("-api"));
        assert.match(run(plan).join("\n"), /nodes and pods to the Kubernetes API: Fargate pods .* cannot reach the control plane .* on tcp 443/);
    });

    it("the VPN: a route back in the control plane's route tables (removing the VPN routes fails, naming the CIDR and the setting)", () => {
        const plan = without(prod, (r) => r.type === "aws:ec2/route:Route" && Boolean(r.inputs.transitGatewayId));
        const problems = run(plan);
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /VPN or peered VPC 10\.200\.0\.0\/16 to the Kubernetes API \(tcp 443\): no route back to 10\.200\.0\.0\/16 in the control plane's route tables rtb-.*: set platform:endpoint\.vpnGateway/);
    });

    it("a peered VPC: routes both ways (the peer side in the same account), an ingress rule, and a private-only endpoint", () => {
        const vpcCidr = "10.30.0.0/16";
        const noBack = without(prod, (r) => r.type === "aws:ec2/route:Route" && r.inputs.destinationCidrBlock === vpcCidr);
        assert.match(run(noBack).join("\n"), /peered VPC 10\.100\.0\.0\/16 to the Kubernetes API: no route back from the peer \(same account\) to 10\.30\.0\.0\/16 through pcx-[0-9a-f]+: list the peer's route tables in platform:peerings\[\]\.peerRouteTableIds/);
        const noThere = without(prod, (r) => r.type === "aws:ec2/route:Route" && r.inputs.destinationCidrBlock === "10.100.0.0/16");
        assert.match(run(noThere).join("\n"), /no route back to 10\.100\.0\.0\/16 in the control plane's route tables/);
        const publicToo = structuredClone(dev);
        const cluster = ofType(publicToo, "aws:eks/cluster:Cluster")[0];
        (cluster.inputs.vpcConfig as Record<string, unknown>).endpointPublicAccess = true;
        assert.match(run(publicToo).join("\n"), /with the public endpoint on, the peer resolves the API to its public addresses/);
        const crossAccount = structuredClone(noBack);
        ofType(crossAccount, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")[0].inputs.peerOwnerId = "444455556666";
        assert.deepEqual(run(crossAccount), [], "another account's route back is its owner's (documented in the runbook)");
    });

    it("an aws.ec2.Tag on a group another resource manages fails; one the cloud made (EKS) does not", () => {
        const plan = structuredClone(prod);
        const endpoints = ofType(plan, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.name.endsWith("-endpoints"))!;
        plan.layers[2].resources.push({ urn: "urn:pulumi:prod::platform-addons::aws:ec2/tag:Tag::t", type: "aws:ec2/tag:Tag", name: "t", dependsOn: [], inputs: { resourceId: endpoints.id, key: "k", value: "v" }, custom: true, remote: false, protect: false, retainOnDelete: false, id: "t" });
        assert.match(run(plan).join("\n"), /tags aws:ec2\/securityGroup:SecurityGroup acme-prod-endpoints, which another resource manages/);
    });

    it("reverting the fix (pulumi-eks's default security groups back on) fails `synth prod`, naming Karpenter's nodes and the missing rules", async () => {
        const cluster = RESOURCE_FIXTURES["eks:index:Cluster"];
        const reverted = (args: pulumi.runtime.MockResourceArgs, ctx: Parameters<typeof cluster>[1]) => cluster({ ...args, inputs: { ...args.inputs, skipDefaultSecurityGroups: undefined } }, ctx);
        const config = envConfig("prod");
        const engine = new MockEngine(config.region, { ...RESOURCE_FIXTURES, "eks:index:Cluster": reverted }, CALL_FIXTURES);
        const err = await rejectionOf(synthesize(config, "layered", undefined, engine));
        assert.match(err.message, /\[reachability\] node to node \(Calico VXLAN\): Karpenter's nodes \(EC2NodeClass default\) \(sg-[0-9a-f]+\) cannot reach Karpenter's nodes \(EC2NodeClass default\) \(sg-[0-9a-f]+\) on udp 4789/);
        assert.match(err.message, /\[reachability\] control plane to kubelet: the control plane \(.*\) cannot reach Karpenter's nodes \(EC2NodeClass default\) \(sg-[0-9a-f]+\) on tcp 10250/);
        assert.match(err.message, /\[reachability\] Karpenter's nodes \(EC2NodeClass default\) carry 0 security groups tagged kubernetes.io\/cluster\/acme-prod/);
    });
});
