// The remote components' modeled children (synth/remoteComponents.ts): what pulumi-eks v4.3.0
// creates for the platform's inputs, and what EKS itself creates, as the later checks rely on them.
import { strict as assert } from "assert";
import type * as pulumi from "@pulumi/pulumi";
import type { PlannedResource } from "../synth/engine";
import { eksManagedNodeGroup } from "../synth/eksManagedNodeGroup";
import { eksCluster, type ModeledChild } from "../synth/remoteComponents";
import type { Plan } from "../synth/synth";
import { layerOf, synthEnv, synthProdWithNodeGroup } from "./helpers";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const modeledOf = (plan: Plan, layer: string): PlannedResource[] => layerOf(plan, layer).resources.filter((r) => r.modeled);
const ctx = { region: "eu-west-1", accountId: "111122223333", callerRoleArn: "arn:aws:iam::111122223333:role/platform-deployer" };
const args = (inputs: Record<string, unknown>, type = "eks:index:Cluster"): pulumi.runtime.MockResourceArgs => ({ type, name: "c", inputs, custom: false });
const BASE = { name: "c", vpcId: "vpc-1", privateSubnetIds: ["subnet-1", "subnet-2"], skipDefaultNodeGroup: true, authenticationMode: "API", useDefaultVpcCni: true };
const ofType = (children: ModeledChild[], type: string) => children.filter((c) => c.type === type);

describe("modeled children of remote components", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    it("every modeled object sits beneath a component of the plan and names its upstream source", () => {
        for (const plan of [dev, prod]) {
            const urns = new Set(plan.layers.flatMap((l) => l.resources.map((r) => r.urn)));
            const modeled = plan.layers.flatMap((l) => l.resources.filter((r) => r.modeled));
            assert.ok(modeled.length > 0);
            for (const r of modeled) {
                assert.ok(r.parent && urns.has(r.parent), `${r.urn} beneath ${r.parent}`);
                assert.match(String(r.modeledFrom), /^(pulumi\/pulumi-eks@v4\.3\.0 nodejs\/eks\/|AWS: )/, r.urn);
            }
        }
    });

    it("the cluster: the EKS cluster itself, with the EKS-managed security group and its self rule, and no security group of pulumi-eks's own", () => {
        for (const plan of [dev, prod]) {
            const modeled = modeledOf(plan, "cluster");
            const [cluster] = modeled.filter((r) => r.type === "aws:eks/cluster:Cluster");
            const sgId = (cluster.outputs?.vpcConfig as { clusterSecurityGroupId: string }).clusterSecurityGroupId;
            assert.equal(layerOf(plan, "cluster").outputs.clusterSecurityGroupId, sgId, "clusterSecurityGroupId is the EKS-managed group");
            const groups = modeled.filter((r) => r.type === SG);
            assert.deepEqual(groups.map((g) => g.id), [sgId], "only the EKS-managed group");
            assert.equal((groups[0].inputs.tags as Record<string, string>)[`kubernetes.io/cluster/${cluster.id}`], "owned");
            const self = modeled.find((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            assert.deepEqual([self?.inputs.securityGroupId, self?.inputs.referencedSecurityGroupId, self?.inputs.ipProtocol], [sgId, sgId, "-1"]);
            assert.match(String(self?.modeledFrom), /^AWS: /);
            assert.deepEqual((cluster.inputs.accessConfig as Record<string, unknown>).bootstrapClusterCreatorAdminPermissions, true);
        }
    });

    it("the cluster creator's admin access entry, as EKS's doing", () => {
        const entries = modeledOf(prod, "cluster").filter((r) => r.type === "aws:eks/accessEntry:AccessEntry");
        assert.deepEqual(entries.map((e) => e.inputs.principalArn), ["arn:aws:iam::111122223333:role/platform-deployer"]);
        const [policy] = modeledOf(prod, "cluster").filter((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.match(String(policy.inputs.policyArn), /AmazonEKSClusterAdminPolicy$/);
    });

    it("no OIDC provider from pulumi-eks (createOidcProvider off), no add-ons it would install, and the OIDC URL has its https:// scheme", () => {
        for (const plan of [dev, prod]) {
            const modeled = modeledOf(plan, "cluster");
            assert.equal(modeled.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
            assert.equal(modeled.filter((r) => r.type === "aws:eks/addon:Addon").length, 0, "kube-proxy, CoreDNS and the VPC CNI come pinned from EksAddons");
            assert.match(String(layerOf(plan, "cluster").outputs.oidcProviderUrl), /^https:\/\/oidc\.eks\./);
        }
    });

    it("the managed node group: its aws.eks.NodeGroup, on the platform's launch template by version number", async () => {
        // calico-overlay prod has no managed node group: prod in vpc-cni mode with its former fixed group.
        const [group] = modeledOf(await synthProdWithNodeGroup(), "cluster").filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
        const lt = group.inputs.launchTemplate as { id: string; version: string };
        assert.match(lt.id, /^lt-/);
        assert.equal(lt.version, "1");
        assert.equal(group.inputs.nodeGroupName, "acme-prod-fixed");
        assert.equal(group.inputs.clusterName, "acme-prod");
    });

    it("the network layer has no remote component: an internet gateway with egress (dev), none without (prod)", () => {
        assert.equal(modeledOf(dev, "network").length, 0);
        const igws = (plan: Plan) => layerOf(plan, "network").resources.filter((r) => r.type === "aws:ec2/internetGateway:InternetGateway");
        assert.equal(igws(dev).length, 1);
        assert.equal(igws(prod).length, 0);
    });

    describe("the model follows the inputs (pulumi-eks v4.3.0)", () => {
        it("without skipDefaultSecurityGroups: its own cluster group (no ingress, returned as clusterSecurityGroupId) and a node group with five rules", () => {
            const { state, children } = eksCluster(args(BASE), ctx);
            const groups = ofType(children, SG);
            assert.deepEqual(groups.map((g) => g.name), ["c-eksClusterSecurityGroup", "eks-cluster-sg-c", "c-nodeSecurityGroup"]);
            assert.equal(state.clusterSecurityGroupId, groups[0].id);
            assert.equal(state.nodeSecurityGroupId, groups[2].id);
            assert.deepEqual(ofType(children, "aws:ec2/securityGroupRule:SecurityGroupRule").map((r) => r.name), [
                "c-eksClusterInternetEgressRule", "c-eksNodeIngressRule", "c-eksNodeClusterIngressRule",
                "c-eksExtApiServerClusterIngressRule", "c-eksNodeInternetEgressRule", "c-eksClusterIngressRule",
            ]);
        });

        it("createOidcProvider: the provider with a thumbprint fetched by the deploy machine; without it oidcProviderArn is empty", () => {
            const withProvider = eksCluster(args({ ...BASE, createOidcProvider: true }), ctx);
            const [provider] = ofType(withProvider.children, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
            assert.match(String((provider.inputs.thumbprintLists as string[])[0]), /fetched from https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com/);
            assert.match(String(withProvider.state.oidcProviderArn), /^arn:aws:iam::111122223333:oidc-provider\/oidc\.eks\./);
            assert.equal(eksCluster(args(BASE), ctx).state.oidcProviderArn, "");
        });

        it("the VPC CNI and kube-proxy add-ons unless turned off", () => {
            const { children } = eksCluster(args({ ...BASE, useDefaultVpcCni: undefined }), ctx);
            assert.deepEqual(ofType(children, "aws:eks/addon:Addon").map((a) => a.inputs.addonName), ["kube-proxy", "vpc-cni"]);
        });

        it("refuses inputs it does not model, and a launch template version that is not a number", () => {
            assert.throws(() => eksCluster(args({ ...BASE, fargate: true }), ctx), /does not model the input "fargate"/);
            assert.throws(
                () => eksManagedNodeGroup(args({ clusterName: "c", nodeGroupName: "g", launchTemplate: { id: "lt-1", version: "undefined" } }, "eks:index:ManagedNodeGroup"), ctx),
                /needs an id and a version number/,
            );
        });
    });
});
