// Layer 4, the workloads: a Team (namespaces with guard rails, RBAC, network policies, an optional
// own node pool) per team of `platform:access.teams`, and the applications of `platform:applications`.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { addonsContract } from "../addons/contract";
import { clusterContract } from "../infra/cluster/contract";
import { networkContract } from "../infra/network/contract";
import { inBatches } from "../lib/batches";
import { teamSettingsOf } from "../lib/config/teams";
import { foreignApplicationImages } from "../lib/config/registries";
import { applicationCompute } from "../lib/applicationIdentity";
import { addonsOffer } from "../lib/config/addonNeeds";
import { layerAwsProvider } from "../lib/awsProvider";
import { defineLayer } from "../lib/layer";
import { clusterName } from "../lib/naming";
import { Application } from "./application/component";
import type { AwsReach } from "./application/manifest";
import { workloadsContract } from "./contract";
import { Team } from "./team";

export const layer = defineLayer({
    name: "workloads",
    contract: workloadsContract,
    upstream: { network: networkContract, cluster: clusterContract, addons: addonsContract },
    async run({ config: c, upstream: { network, cluster, addons } }) {
        const name = clusterName(c);
        const production = c.tier === "production";
        // Every AWS resource of the layer is created through its provider (region, account, common tags).
        const providers = [layerAwsProvider(c, "workloads")];
        const provider = new k8s.Provider(`${name}-workloads`, { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });
        const networkCidrs = pulumi.all([network.vpcCidr, cluster.serviceCidr]).apply(([vpcCidr, serviceCidr]) => ({ vpcCidr, serviceCidr }));

        // The tenants are the environment's `access.teams`: the cluster layer maps their roles to
        // groups, this layer gives the groups their namespaces.
        const teams = new Map<string, Team>();
        const teamSteps = c.access.teams.map((team) => () => teams.set(team.name, new Team(`${name}-${team.name}`, {
            team,
            settings: teamSettingsOf(c.teams, team.name),
            group: cluster.teamGroups.apply((groups) => groups[team.name] ?? fail(`the cluster layer maps no group for team "${team.name}": deploy the cluster layer first`)),
            readOnlyGroup: cluster.teamReadOnlyGroups.apply((groups) => groups[team.name] ?? fail(`the cluster layer maps no read-only group for team "${team.name}": deploy the cluster layer first`)),
            nodeClassName: addons.nodeClassName,
            provider,
            production,
            kubernetesVersion: cluster.kubernetesVersion,
            network: networkCidrs,
        }, { providers })));

        // How pods reach AWS: the network layer's endpoints, or its NAT; S3 through the gateway endpoint's ranges.
        const s3PrefixList = aws.ec2.getManagedPrefixListOutput({ name: `com.amazonaws.${c.region}.s3` });
        const awsReach = pulumi.all([network.interfaceEndpoints, network.privateSubnetCidrs, network.egress, s3PrefixList.entries]).apply(
            ([interfaceEndpoints, privateSubnetCidrs, egress, entries]): AwsReach => ({
                interfaceEndpoints,
                privateSubnetCidrs,
                internet: egress !== "none",
                s3Cidrs: entries.map((e) => e.cidr),
            }),
        );

        // Where each application's pods run decides its identity (EKS Pod Identity on EC2 nodes, IRSA on Fargate).
        const fargateSelectors = c.fargateProfiles.flatMap((p) => p.selectors);
        const offer = addonsOffer(c.addons);
        const applicationSteps = c.applications.map((app) => () => {
            const team = teams.get(app.team) ?? fail(`platform:applications: team "${app.team}" is not in platform:access.teams`);
            new Application(`${name}-${app.namespace}-${app.name}`, {
                app,
                addons,
                offer,
                clusterName: cluster.clusterName,
                oidc: { oidcProviderArn: cluster.oidcProviderArn, oidcProviderUrl: cluster.oidcProviderUrl },
                compute: applicationCompute(app, fargateSelectors),
                placement: team.placement,
                provider,
                production,
                podNetwork: c.podNetwork.mode,
                monitoring: c.addons.monitoring.enabled,
                awsReach,
            }, { dependsOn: [team], providers });
        });
        // Hundreds of tenants are thousands of resources: registered a batch at a time (lib/batches.ts).
        await inBatches([...teamSteps, ...applicationSteps]);

        // A private environment pulls from its own account's ECR only (the config checked the region).
        // Kept at run time: the config rule foreignAccountProblems judges the account only when
        // platform:accountId is set (optional outside production); the deploying account is known here.
        const imagesChecked = cluster.imageCache.apply((cache) => {
            const problems = cache ? foreignApplicationImages(c.applications, cache.registry.split(".")[0]) : [];
            if (problems.length > 0) throw new Error(problems.join("; "));
            return true;
        });

        return {
            namespaces: pulumi.output(Object.fromEntries(c.access.teams.map((t) => [t.name, t.namespaces]))),
            applications: imagesChecked.apply(() => Object.fromEntries(c.applications.map((a) => [`${a.namespace}/${a.name}`, a.kind]))),
        };
    },
});

function fail(message: string): never {
    throw new Error(message);
}
