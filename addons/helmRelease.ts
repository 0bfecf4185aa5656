// platform:addons:HelmRelease: every chart of the platform goes through here. A pinned chart,
// its namespace, atomic upgrades with a timeout, typed values with the config's overrides merged
// over them, and optionally the AWS identity of the chart's service account (lib/podIdentity.ts).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import deepmerge from "deepmerge";
import { dependenciesOf } from "../lib/dependencies";
import type { PolicyDocument } from "../lib/iam";
import { PodAwsIdentity, type OidcProvider, type PodCompute } from "../lib/podIdentity";
import { chartReference, imageOverrides, type ImageCache } from "../lib/images";
import type { ChartPin } from "../lib/versions";

export { dependenciesOf };

export type Values = Record<string, unknown>;

/** Config overrides over the platform's values: objects merge key by key, arrays and scalars are replaced. */
export function mergeValues(base: Values, overrides: Values): Values {
    return deepmerge(base, overrides, { arrayMerge: (_, source: unknown[]) => source });
}

export interface ServiceAccountRole {
    /** The chart's service account the role is bound to. */
    serviceAccount: string;
    /** Where the chart's pods run: Fargate takes IRSA, EC2 nodes EKS Pod Identity (lib/podIdentity.ts). */
    compute: PodCompute;
    /** The policy the chart documents, inline on the role. */
    policy?: pulumi.Input<PolicyDocument>;
    /** Several inline policies by name, for charts whose upstream splits its permissions. */
    policies?: Record<string, pulumi.Input<PolicyDocument>>;
    /** AWS managed policies by name, e.g. `AmazonEBSCSIDriverPolicy`. */
    managedPolicies?: string[];
}

/** Where every release's chart and images come from (one value for the whole layer). */
export interface Sources {
    /** OCI registry that serves every chart (`platform:charts.mirror`). */
    chartMirror?: string;
    /** The ECR pull-through cache: the chart's images are pointed at it (registry map, lib/images.ts). */
    imageCache: pulumi.Input<ImageCache | undefined>;
}

export interface HelmReleaseArgs {
    /** Release name; default: the component's name. */
    releaseName?: string;
    chart: ChartPin;
    namespace: string;
    /** The platform's values; receives the service account role's ARN and the annotations its service account needs (IRSA's; none with Pod Identity). */
    values: (roleArn: pulumi.Output<string> | undefined, serviceAccountAnnotations: pulumi.Output<Record<string, string>>) => pulumi.Input<Values>;
    sources: Sources;
    /** Overrides from the config (`platform:addons.<name>.values`). */
    overrides?: Values;
    serviceAccountRole?: ServiceAccountRole & { clusterName: pulumi.Input<string>; oidc: OidcProvider };
    /** Seconds Helm waits for the release to become ready before it rolls back. */
    timeoutSeconds?: number;
    /**
     * Wait for the release's workloads to become ready, and roll back if they do not (default: true).
     * False only for a release whose pods cannot run yet by design: the network plugin of an overlay,
     * applied before any node exists (the nodes come up after it and only then become Ready).
     */
    wait?: boolean;
    /** CRDs come from their own release (e.g. karpenter-crd), never from this one. */
    skipCrds?: boolean;
    /** Helm creates the namespace; false when the caller creates it first (e.g. for a Secret the chart references). Default: true. */
    createNamespace?: boolean;
    provider: k8s.Provider;
}

export class HelmRelease extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly roleArn: pulumi.Output<string> | undefined;

    constructor(name: string, args: HelmReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        // The pin and the chart mirror as declared, for readers of the plan (the chart-truth play accepts the mirror).
        super("platform:addons:HelmRelease", name, { chart: args.chart.chart, version: args.chart.version, repository: args.chart.repository, chartMirror: args.sources.chartMirror ?? "" }, opts);
        const sa = args.serviceAccountRole;
        const identity = sa && new PodAwsIdentity(`${name}-${sa.compute === "fargate" ? "irsa" : "pod-identity"}`, {
            clusterName: sa.clusterName,
            namespace: args.namespace,
            serviceAccount: sa.serviceAccount,
            compute: sa.compute,
            oidc: sa.oidc,
            purpose: args.chart.chart,
            policies: { ...(sa.policy ? { [args.chart.chart]: sa.policy } : {}), ...sa.policies },
            managedPolicies: sa.managedPolicies,
        }, { parent: this });
        this.roleArn = identity?.roleArn;
        const annotations = identity?.serviceAccountAnnotations ?? pulumi.output<Record<string, string>>({});

        const source = chartReference(args.chart, args.sources.chartMirror);
        this.release = new k8s.helm.v3.Release(name, {
            name: args.releaseName ?? name,
            chart: source.chart,
            repositoryOpts: source.repo ? { repo: source.repo } : undefined,
            version: args.chart.version,
            namespace: args.namespace,
            createNamespace: args.createNamespace ?? true,
            atomic: args.wait ?? true,
            cleanupOnFail: args.wait ?? true,
            skipAwait: !(args.wait ?? true),
            timeout: args.timeoutSeconds ?? 600,
            maxHistory: 10,
            skipCrds: args.skipCrds ?? false,
            // The platform's values, then the image cache's registries, then the config's overrides.
            values: pulumi
                .all([pulumi.output(args.values(this.roleArn, annotations)), pulumi.output(args.sources.imageCache)])
                .apply(([v, cache]) => mergeValues(mergeValues(v as Values, imageOverrides(args.chart.chart, cache)), args.overrides ?? {})),
        // Children do not inherit the component's dependsOn: the release waits for it explicitly.
        }, { parent: this, provider: args.provider, dependsOn: [...dependenciesOf(opts), ...(identity?.ready ?? [])] });
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
