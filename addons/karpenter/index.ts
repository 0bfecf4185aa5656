// platform:addons:Karpenter: everything Karpenter needs to launch every EC2 node of the platform.
// AWS: the controller's IRSA role (six policies, as upstream), the node role with its instance
// profile and EC2_LINUX access entry, the interruption queue and its EventBridge rules. Kubernetes: the karpenter-crd and karpenter
// releases (the controller on Fargate), the default EC2NodeClass and the config's NodePools.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AccessMappings } from "../../lib/accessMappings";
import { attachManagedPolicies, awsManagedPolicy, nodeRolePolicies, serviceTrust, type PolicyDocument } from "../../lib/iam";
import { imageCacheOn } from "../../lib/config/registries";
import { KARPENTER_REPOSITORY, type ChartPin } from "../../lib/versions";
import type { AddonContext } from "../addon";
import { HelmRelease } from "../helmRelease";
import { KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT, controllerValues, fargateProblem } from "./controller";
import { CONTROLLER_POLICY_NAMES, controllerPolicies } from "./iam";
import { InterruptionQueue } from "./interruption";
import { DEFAULT_NODE_CLASS, ec2NodeClass, nodePool, NODE_CLASS_API } from "../../lib/karpenterNodes";

export * from "./controller";
export * from "./iam";
export * from "./interruption";

/** The inline policy names of the controller role (upstream's managed policy names, less the cluster). */
export const controllerPolicyName = (name: (typeof CONTROLLER_POLICY_NAMES)[number]): string => `KarpenterController${name}Policy`;

const missing = (what: string): never => {
    throw new Error(`Karpenter: ${what} is missing`);
};

export class Karpenter extends pulumi.ComponentResource {
    /** The default EC2NodeClass: a workload's own pool references it. */
    readonly nodeClassName: pulumi.Output<string>;
    readonly nodePoolNames: pulumi.Output<string[]>;
    readonly nodeRoleArn: pulumi.Output<string>;
    readonly instanceProfileName: pulumi.Output<string>;
    readonly interruptionQueueName: pulumi.Output<string>;
    /** The controller's Helm release: whatever needs Karpenter's CRDs or nodes waits for it. */
    readonly release: HelmRelease;

    /**
     * `podNetwork`: what every node needs before it launches, beyond the cluster layer (Calico in
     * calico-overlay mode): the node class and pools wait for it, so no node comes up without its network plugin.
     */
    constructor(name: string, ctx: AddonContext, opts?: pulumi.ComponentResourceOptions, podNetwork: pulumi.Resource[] = []) {
        super("platform:addons:Karpenter", name, {}, opts);
        const k = ctx.config.karpenter;
        const cluster = ctx.clusterName;
        const tags = ctx.tags;
        const parent = { parent: this };

        // The controller must run before any node exists, so only Fargate can run it.
        const onFargate = ctx.cluster.fargateSelectors.apply((selectors) => {
            const problem = fargateProblem(selectors);
            if (problem) throw new Error(`Karpenter (${name}): ${problem}`);
            return true;
        });

        const nodeRole = new aws.iam.Role(`${name}-karpenter-node`, {
            description: `Nodes Karpenter launches in ${cluster}`,
            assumeRolePolicy: JSON.stringify(serviceTrust("ec2.amazonaws.com")),
        }, parent);
        // The node policies (the CNI's in vpc-cni mode) and, in a private environment, the right to
        // fill the image cache on a first pull: both decided from the config the cluster layer read too.
        const nodePolicies = attachManagedPolicies(`${name}-karpenter-node`, nodeRole.name, [
            ...nodeRolePolicies(ctx.config.podNetwork.mode).map(awsManagedPolicy),
            ...(imageCacheOn(ctx.config.imageCache, ctx.config.egress)
                ? [{ key: "image-cache", arn: ctx.cluster.imageCachePullPolicyArn.apply((arn) => arn ?? missing("the cluster layer's image cache pull policy (deploy the cluster layer first)")) }]
                : []),
        ], parent);
        // Created up front: a private VPC has no IAM endpoint through which Karpenter could create it.
        const instanceProfile = new aws.iam.InstanceProfile(`${name}-karpenter-node`, { role: nodeRole.name }, parent);
        // An EC2_LINUX access entry works in both API and API_AND_CONFIG_MAP modes; "API" keeps this
        // layer from writing aws-auth, whose mapRoles the cluster layer owns (a second writer drops its mappings).
        const nodeAccess = new AccessMappings(`${name}-karpenter`, {
            clusterName: cluster,
            mode: "API",
            identities: [{ kind: "ec2-node", name: "karpenter-node", roleArn: nodeRole.arn }],
        }, parent);

        const interruption = new InterruptionQueue(`${name}-karpenter`, { queueName: `${cluster}-karpenter` }, parent);
        const policies = pulumi
            .all([aws.getPartitionOutput({}, parent).partition, ctx.accountId, nodeRole.arn, interruption.queue.arn])
            .apply(([partition, accountId, nodeRoleArn, interruptionQueueArn]) =>
                controllerPolicies({ partition, region: ctx.config.region, accountId, clusterName: cluster, nodeRoleArn, interruptionQueueArn }));
        const policyInputs: Record<string, pulumi.Output<PolicyDocument>> = Object.fromEntries(
            CONTROLLER_POLICY_NAMES.map((p) => [controllerPolicyName(p), policies.apply((all) => all[p])]),
        );

        const chart = (chartName: string): ChartPin => ({ chart: chartName, repository: KARPENTER_REPOSITORY, version: k.version });
        // CRDs from their own release: Helm never upgrades the CRDs a chart ships in crds/.
        const crds = new HelmRelease(`${name}-karpenter-crd`, {
            releaseName: "karpenter-crd",
            chart: chart("karpenter-crd"),
            namespace: KARPENTER_NAMESPACE,
            values: () => ({}),
            sources: ctx.sources,
            provider: ctx.provider,
        }, parent);
        this.release = new HelmRelease(`${name}-karpenter`, {
            releaseName: "karpenter",
            chart: chart("karpenter"),
            namespace: KARPENTER_NAMESPACE,
            skipCrds: true,
            overrides: k.values,
            sources: ctx.sources,
            serviceAccountRole: {
                serviceAccount: KARPENTER_SERVICE_ACCOUNT,
                // The controller runs on Fargate, where Pod Identity does not reach: IRSA.
                compute: "fargate",
                clusterName: cluster,
                policies: policyInputs,
                oidc: { oidcProviderArn: ctx.cluster.oidcProviderArn, oidcProviderUrl: ctx.cluster.oidcProviderUrl },
            },
            values: (roleArn, serviceAccountAnnotations) =>
                pulumi
                    .all([roleArn ?? missing("the controller's IRSA role"), serviceAccountAnnotations, ctx.cluster.endpoint, interruption.queue.name, ctx.network.egress, onFargate])
                    .apply(([, annotations, clusterEndpoint, interruptionQueue, egress]) =>
                        controllerValues({ clusterName: cluster, clusterEndpoint, interruptionQueue, isolatedVPC: egress === "none", serviceAccountAnnotations: annotations, replicas: k.replicas })),
            provider: ctx.provider,
        }, { parent: this, dependsOn: [crds, ...nodePolicies, nodeAccess] }); // the nodes' access outlives the controller: it drains joined nodes on destroy

        // Node class and pools depend on the release: a destroy removes them first, Karpenter drains
        // and terminates their nodes, and only then is Karpenter itself removed. They also wait for
        // the nodes' access entry, without which a node cannot join.
        const spec = pulumi
            .all([instanceProfile.name, ctx.cluster.clusterSecurityGroupId, ctx.cluster.kmsKeyArn, ctx.cluster.podNetworkMode, ctx.cluster.prefixDelegation])
            .apply(([profile, clusterSecurityGroupId, kmsKeyArn, podNetworkMode, prefixDelegation]) =>
                ec2NodeClass(k, { clusterName: cluster, instanceProfile: profile, clusterSecurityGroupId, kmsKeyArn, podNetworkMode, prefixDelegation, tags }).spec);
        const nodeClass = new k8s.apiextensions.CustomResource(`${name}-karpenter-${DEFAULT_NODE_CLASS}`, {
            apiVersion: NODE_CLASS_API,
            kind: "EC2NodeClass",
            metadata: { name: DEFAULT_NODE_CLASS },
            spec,
        }, { parent: this, provider: ctx.provider, dependsOn: [this.release, nodeAccess, ...podNetwork] });

        const pools = k.nodePools.map((pool) => {
            const manifest = nodePool(pool, DEFAULT_NODE_CLASS);
            return new k8s.apiextensions.CustomResource(`${name}-karpenter-${pool.name}`, manifest, {
                parent: this,
                provider: ctx.provider,
                dependsOn: [this.release, nodeClass, ...podNetwork],
            });
        });

        this.nodeClassName = nodeClass.metadata.name;
        this.nodePoolNames = pulumi.all(pools.map((p) => p.metadata.name));
        this.nodeRoleArn = nodeRole.arn;
        this.instanceProfileName = instanceProfile.name;
        this.interruptionQueueName = interruption.queue.name;
        this.registerOutputs({
            nodeClassName: this.nodeClassName,
            nodePoolNames: this.nodePoolNames,
            nodeRoleArn: this.nodeRoleArn,
            instanceProfileName: this.instanceProfileName,
            interruptionQueueName: this.interruptionQueueName,
        });
    }
}
