// Layer 2, the cluster: the EKS control plane from the network layer's outputs, managed node
// groups, Fargate profiles, access mappings and the core EKS add-ons.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { layerAwsProvider } from "../../lib/awsProvider";
import { defineLayer, deployedOutputs } from "../../lib/layer";
import { baseTags, clusterName } from "../../lib/naming";
import { supportStatus, upgradeProblem } from "../../lib/versions";
import { attachManagedPolicies } from "../../lib/iam";
import { networkContract } from "../network/contract";
import { AccessMappings, authenticationModeProblem, configIdentities, creatorProblem, teamGroup, teamReadOnlyGroup, type Identity } from "../../lib/accessMappings";
import { clusterContract } from "./contract";
import { ControlPlane } from "./controlPlane";
import { EksAddons } from "./eksAddons";
import { Fargate } from "./fargate";
import { cacheRoots, ImageCache } from "./imageCache";
import { ManagedNodeGroup } from "./nodeGroup";

/** `arn:aws:iam::<account>:role/<path/>name` -> name */
const roleNameOf = (arn: string): string => arn.slice(arn.lastIndexOf("/") + 1);

interface Kubeconfig { clusters: { cluster: { server: string; "certificate-authority-data": string } }[] }

export const layer = defineLayer({
    name: "cluster",
    contract: clusterContract,
    upstream: { network: networkContract },
    async run({ config: c, upstream: { network } }) {
        const { kubernetesVersion: deployed, authenticationMode: deployedMode } = await deployedOutputs("cluster", ["kubernetesVersion", "authenticationMode"], c.organization);
        const problem = upgradeProblem(typeof deployed === "string" ? deployed : undefined, c.kubernetesVersion);
        if (problem) throw new Error(`platform:kubernetesVersion: ${problem}`);
        const modeProblem = authenticationModeProblem(typeof deployedMode === "string" ? deployedMode : undefined, c.authenticationMode);
        if (modeProblem) throw new Error(`platform:authenticationMode: ${modeProblem}`);
        // A first deploy creates the cluster: its creator becomes the admin.
        if (deployed === undefined) {
            const creator = creatorProblem(c.access.deployRole, (await aws.getCallerIdentity()).arn);
            if (creator) throw new Error(`platform:access.deployRole: ${creator}`);
        }
        if (supportStatus(c.kubernetesVersion, new Date()) === "extended") {
            pulumi.log.warn(`Kubernetes ${c.kubernetesVersion} is in EKS extended support (paid per cluster hour): plan the upgrade`);
        }

        const name = clusterName(c);
        const tags = baseTags(c, "cluster");
        const accountId = aws.getCallerIdentityOutput().accountId;
        // Every AWS resource of the layer is created through its provider (region, account, common tags).
        const providers = [layerAwsProvider(c, "cluster")];

        const controlPlane = new ControlPlane(name, {
            config: c,
            clusterName: name,
            vpcId: network.vpcId,
            vpcCidr: network.vpcCidr,
            privateSubnetIds: network.privateSubnetIds,
            peerCidrs: network.peerCidrs,
            accountId,
        }, { providers });
        const cluster = controlPlane.cluster;
        const k8sProvider = new k8s.Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfigJson });

        const fargate = new Fargate(name, {
            clusterName: name,
            privateSubnetIds: network.privateSubnetIds,
            profiles: c.fargateProfiles,
            logging: c.fargateLogging,
            region: c.region,
            accountId,
            k8sProvider,
        }, { dependsOn: [cluster], providers });

        const eksAddons = new EksAddons(name, { clusterName: name, config: c, fargateReady: fargate.ready }, { dependsOn: [cluster], providers });

        // Nodes come up Ready only with their network plugin: node groups wait for it (the config
        // refuses node groups in calico-overlay mode, where Calico comes with the add-ons layer;
        // plays/bringUp.ts checks the order in the plan).
        const nodeGroups = c.nodeGroups.map((spec) => new ManagedNodeGroup(`${name}-${spec.name}`, {
            cluster,
            clusterName: name,
            spec,
            kubernetesVersion: c.kubernetesVersion,
            subnetIds: network.privateSubnetIds,
            kmsKeyArn: controlPlane.kmsKeyArn,
            podNetworkMode: c.podNetwork.mode,
            instanceTags: tags,
        }, { dependsOn: eksAddons.nodeNetwork, providers }));

        // Without internet egress every image is pulled through the account's ECR: the cache, and
        // the right to fill it for every role that pulls (Fargate, the node groups; Karpenter's nodes in the add-ons layer).
        const roots = cacheRoots(c);
        const imageCache = roots && new ImageCache(`${name}-image-cache`, {
            ...roots,
            kmsKeyArn: controlPlane.kmsKeyArn,
            accountId,
            region: c.region,
            repositoryTags: tags,
        }, { providers });
        if (imageCache) {
            const pullers = [{ name: "fargate", roleArn: fargate.podExecutionRoleArn }, ...nodeGroups.map((g, i) => ({ name: c.nodeGroups[i].name, roleArn: g.roleArn }))];
            for (const puller of pullers) {
                attachManagedPolicies(`${name}-image-cache`, puller.roleArn.apply(roleNameOf), [{ key: puller.name, arn: imageCache.pullPolicyArn }], { parent: imageCache });
            }
        }

        const identities: Identity[] = [
            ...configIdentities(c.access),
            ...nodeGroups.map((g, i): Identity => ({ kind: "managed-node", name: c.nodeGroups[i].name, roleArn: g.roleArn })),
            { kind: "fargate", name: "fargate", roleArn: fargate.podExecutionRoleArn },
        ];
        new AccessMappings(name, {
            clusterName: name,
            mode: c.authenticationMode,
            identities,
            k8sProvider: c.authenticationMode === "API_AND_CONFIG_MAP" ? k8sProvider : undefined,
        }, { dependsOn: [cluster], providers });

        const kubeconfig = cluster.kubeconfigJson.apply((json) => JSON.parse(json) as Kubeconfig);
        return {
            clusterName: pulumi.output(name),
            endpoint: kubeconfig.apply((k) => k.clusters[0].cluster.server),
            certificateAuthority: kubeconfig.apply((k) => k.clusters[0].cluster["certificate-authority-data"]),
            kubeconfig: pulumi.secret(cluster.kubeconfigJson),
            oidcProviderArn: controlPlane.oidcProvider.arn,
            oidcProviderUrl: cluster.oidcProviderUrl,
            clusterSecurityGroupId: cluster.clusterSecurityGroupId,
            nodeSecurityGroupId: cluster.nodeSecurityGroupId,
            nodeRoleArns: pulumi.all(Object.fromEntries(nodeGroups.map((g, i) => [c.nodeGroups[i].name, g.roleArn]))),
            fargatePodExecutionRoleArn: fargate.podExecutionRoleArn,
            fargateSelectors: pulumi.output(c.fargateProfiles.flatMap((p) => p.selectors)),
            fargateLogGroupArn: fargate.logGroupArn,
            kmsKeyArn: controlPlane.kmsKeyArn,
            kubernetesVersion: pulumi.output(c.kubernetesVersion),
            authenticationMode: pulumi.output(c.authenticationMode),
            podNetworkMode: pulumi.output(c.podNetwork.mode),
            prefixDelegation: pulumi.output(c.podNetwork.mode === "vpc-cni" && c.vpcCni.prefixDelegation),
            podCidr: c.podNetwork.mode === "calico-overlay" ? pulumi.output(c.podNetwork.podCidr) : network.vpcCidr,
            serviceCidr: pulumi.output(c.serviceCidr),
            teamGroups: pulumi.output(Object.fromEntries(c.access.teams.map((t) => [t.name, teamGroup(t.name)]))),
            teamReadOnlyGroups: pulumi.output(Object.fromEntries(c.access.teams.map((t) => [t.name, teamReadOnlyGroup(t.name)]))),
            imageCache: imageCache ? imageCache.cache : pulumi.output(undefined),
            imageCachePullPolicyArn: imageCache ? imageCache.pullPolicyArn : pulumi.output(undefined),
        };
    },
});
