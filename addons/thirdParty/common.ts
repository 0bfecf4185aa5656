// What the third-party add-ons share: replicas per tier, the IRSA annotation, the chart pin with
// the config's version, and a HelmRelease fed the cluster's and network's outputs once resolved.
import * as pulumi from "@pulumi/pulumi";
import type { EgressMode, PodNetworkMode } from "../../lib/config/schema";
import type { ChartPin } from "../../lib/versions";
import type { AddonContext, AddonKey } from "../addon";
import { dependenciesOf, HelmRelease, type ServiceAccountRole, type Values } from "../helmRelease";

export const isProduction = (ctx: AddonContext): boolean => ctx.config.tier === "production";

/** Production runs two replicas (with a disruption budget where the chart has one); development one. */
export const replicasFor = (ctx: AddonContext): number => (isProduction(ctx) ? 2 : 1);

/** The chart's pin, at the config's version when it sets one. */
export const pinned = (pin: ChartPin, version: string | undefined): ChartPin => (version ? { ...pin, version } : pin);

/** The upstream outputs an add-on's values depend on, resolved. */
export interface ValuesContext {
    podNetworkMode: PodNetworkMode;
    egress: EgressMode;
    vpcId: string;
    serviceCidr: string;
    /** The service account role's ARN, when the release has one. */
    roleArn?: string;
    /** Prometheus (kube-prometheus-stack) is installed: ServiceMonitors have their CRD. */
    monitored: boolean;
    /** What the release's service account carries for its AWS identity: IRSA's role annotation; none with Pod Identity. */
    serviceAccountAnnotations: Record<string, string>;
}

type HelmAddonKey = Exclude<AddonKey, "ebsCsi" | "efsCsi" | "podIdentityAgent" | "calico">;

export interface AddonReleaseArgs {
    key: HelmAddonKey;
    pin: ChartPin;
    /** Default: `platform:addons.<key>.version`. */
    version?: string;
    /** Default: `platform:addons.<key>.values`. */
    overrides?: Values;
    releaseName: string;
    namespace: string;
    values(upstream: ValuesContext): pulumi.Input<Values>;
    serviceAccountRole?: ServiceAccountRole;
    createNamespace?: boolean;
    timeoutSeconds?: number;
}

/** A HelmRelease of an add-on: its pin (or the config's version), its values, the config's overrides. */
export function addonRelease(ctx: AddonContext, name: string, args: AddonReleaseArgs, opts: pulumi.ComponentResourceOptions): HelmRelease {
    const config = ctx.config.addons[args.key];
    return new HelmRelease(name, {
        releaseName: args.releaseName,
        chart: pinned(args.pin, args.version ?? config.version),
        namespace: args.namespace,
        createNamespace: args.createNamespace,
        timeoutSeconds: args.timeoutSeconds,
        overrides: args.overrides ?? config.values,
        sources: ctx.sources,
        values: (roleArn, annotations) =>
            pulumi
                .all([ctx.cluster.podNetworkMode, ctx.network.egress, ctx.network.vpcId, ctx.cluster.serviceCidr, roleArn, annotations])
                .apply(([podNetworkMode, egress, vpcId, serviceCidr, arn, serviceAccountAnnotations]) =>
                    pulumi.output(args.values({ podNetworkMode, egress, vpcId, serviceCidr, roleArn: arn, serviceAccountAnnotations, monitored: ctx.config.addons.monitoring.enabled }))),
        serviceAccountRole: args.serviceAccountRole && {
            ...args.serviceAccountRole,
            clusterName: ctx.clusterName,
            oidc: { oidcProviderArn: ctx.cluster.oidcProviderArn, oidcProviderUrl: ctx.cluster.oidcProviderUrl },
        },
        provider: ctx.provider,
    }, opts);
}

/** An add-on made of more than one release or cloud object: everything under one component. */
export class AddonGroup extends pulumi.ComponentResource {
    constructor(kind: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(`platform:addons:${kind}`, name, {}, opts);
        this.registerOutputs({});
    }

    /** Options of a child: parented here, waiting for what the add-on waits for (children do not inherit `dependsOn`). */
    child(opts: pulumi.ComponentResourceOptions, extra: pulumi.Resource[] = []): pulumi.ComponentResourceOptions {
        return { parent: this, dependsOn: [...dependenciesOf(opts), ...extra] };
    }
}
