// platform:cluster:EksAddons: CoreDNS (on Fargate, autoscaled), kube-proxy and, in vpc-cni mode,
// the Amazon VPC CNI, as EKS managed add-ons with pinned versions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../lib/config/schema";

export interface EksAddonsArgs {
    clusterName: pulumi.Input<string>;
    config: PlatformConfig;
    /** CoreDNS starts only once the Fargate profile that selects it exists. */
    fargateReady: pulumi.Resource[];
}

export function corednsConfiguration(c: PlatformConfig) {
    return {
        computeType: "Fargate",
        autoScaling: { enabled: true, minReplicas: c.coredns.minReplicas, maxReplicas: c.coredns.maxReplicas },
    };
}

export function vpcCniConfiguration(c: PlatformConfig) {
    const env: Record<string, string> = { ENABLE_PREFIX_DELEGATION: String(c.vpcCni.prefixDelegation) };
    if (c.vpcCni.warmIpTarget !== undefined) env.WARM_IP_TARGET = String(c.vpcCni.warmIpTarget);
    if (c.vpcCni.warmPrefixTarget !== undefined) env.WARM_PREFIX_TARGET = String(c.vpcCni.warmPrefixTarget);
    if (c.vpcCni.minimumIpTarget !== undefined) env.MINIMUM_IP_TARGET = String(c.vpcCni.minimumIpTarget);
    return { env };
}

export class EksAddons extends pulumi.ComponentResource {
    /**
     * What a node needs before it can become Ready and reach the API: the VPC CNI (vpc-cni mode) and
     * kube-proxy. Node groups wait for these; in calico-overlay mode the network plugin comes with the add-ons layer.
     */
    readonly nodeNetwork: pulumi.Resource[];

    constructor(name: string, args: EksAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:cluster:EksAddons", name, {}, opts);
        const c = args.config;
        const addon = (addonName: string, version: string, configuration?: object, dependsOn: pulumi.Resource[] = []) =>
            new aws.eks.Addon(`${name}-${addonName}`, {
                clusterName: args.clusterName,
                addonName,
                addonVersion: version,
                configurationValues: configuration ? JSON.stringify(configuration) : undefined,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            }, { parent: this, dependsOn });

        const cni = c.podNetwork.mode === "vpc-cni" ? [addon("vpc-cni", c.eksAddonVersions.vpcCni, vpcCniConfiguration(c))] : [];
        const kubeProxy = addon("kube-proxy", c.eksAddonVersions.kubeProxy, undefined, cni);
        addon("coredns", c.eksAddonVersions.coredns, corednsConfiguration(c), args.fargateReady);
        this.nodeNetwork = [...cni, kubeProxy];
        this.registerOutputs({});
    }
}
