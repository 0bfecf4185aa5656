// platform:addons:HelmRelease: every chart of the platform goes through here. A pinned chart,
// its namespace, atomic upgrades with a timeout, typed values with the config's overrides merged
// over them, and optionally an IAM role for the chart's service account (IRSA).
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import deepmerge from "deepmerge";
import { dependenciesOf } from "../lib/dependencies";
import { managedPolicy, serviceAccountTrust, type PolicyDocument } from "../lib/iam";
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
    /** The policy the chart documents, inline on the role. */
    policy?: pulumi.Input<PolicyDocument>;
    /** Several inline policies by name, for charts whose upstream splits its permissions. */
    policies?: Record<string, pulumi.Input<PolicyDocument>>;
    /** AWS managed policies by name, e.g. `AmazonEBSCSIDriverPolicy`. */
    managedPolicies?: string[];
}

export interface OidcProvider {
    oidcProviderArn: pulumi.Input<string>;
    oidcProviderUrl: pulumi.Input<string>;
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
    /** The platform's values; receives the service account role's ARN when there is one. */
    values: (roleArn: pulumi.Output<string> | undefined) => pulumi.Input<Values>;
    sources: Sources;
    /** Overrides from the config (`platform:addons.<name>.values`). */
    overrides?: Values;
    serviceAccountRole?: ServiceAccountRole & { oidc: OidcProvider };
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
    tags: Record<string, string>;
}

export class HelmRelease extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly roleArn: pulumi.Output<string> | undefined;

    constructor(name: string, args: HelmReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:addons:HelmRelease", name, {}, opts);
        let role: aws.iam.Role | undefined;
        const iam: pulumi.Resource[] = [];
        const sa = args.serviceAccountRole;
        if (sa) {
            role = new aws.iam.Role(`${name}-irsa`, {
                description: `${args.chart.chart} (${args.namespace}/${sa.serviceAccount}) through IRSA`,
                assumeRolePolicy: pulumi
                    .all([sa.oidc.oidcProviderArn, sa.oidc.oidcProviderUrl])
                    .apply(([arn, url]) => JSON.stringify(serviceAccountTrust(arn, url, args.namespace, sa.serviceAccount))),
                tags: args.tags,
            }, { parent: this });
            iam.push(role);
            if (sa.policy) {
                iam.push(new aws.iam.RolePolicy(`${name}-irsa`, { role: role.id, policy: pulumi.output(sa.policy).apply((p) => JSON.stringify(p)) }, { parent: this }));
            }
            for (const [policyName, doc] of Object.entries(sa.policies ?? {})) {
                iam.push(new aws.iam.RolePolicy(`${name}-irsa-${policyName}`, { role: role.id, name: policyName, policy: pulumi.output(doc).apply((p) => JSON.stringify(p)) }, { parent: this }));
            }
            for (const policyName of sa.managedPolicies ?? []) {
                iam.push(new aws.iam.RolePolicyAttachment(`${name}-${policyName}`, { role: role.name, policyArn: managedPolicy(policyName) }, { parent: this }));
            }
        }
        this.roleArn = role?.arn;

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
                .all([pulumi.output(args.values(this.roleArn)), pulumi.output(args.sources.imageCache)])
                .apply(([v, cache]) => mergeValues(mergeValues(v as Values, imageOverrides(args.chart.chart, cache)), args.overrides ?? {})),
        // Children do not inherit the component's dependsOn: the release waits for it explicitly.
        }, { parent: this, provider: args.provider, dependsOn: [...dependenciesOf(opts), ...iam] });
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
