// The AWS provider of a layer: one explicit provider per layer (four in the one-stack project),
// handed to the layer's components so every AWS resource beneath them uses it. It carries the
// platform's common tags as `defaultTags` (the AWS provider merges them into each taggable
// resource's `tagsAll`), so resources keep explicit tags only where a value differs (`Name`) or
// AWS and Kubernetes read a tag to work (subnet roles, `kubernetes.io/cluster/<name>`,
// `karpenter.sh/discovery`). What defaultTags never reach stays explicit: Auto Scaling group tags
// and a launch template's tag specifications (the instances and volumes it launches).
//
// An explicit provider reads no stack config, so it is given what the default provider would have
// read from the environment file: the region, the allowed accounts, and every other `aws:` setting.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "./config/schema";
import type { LayerName } from "./layer";
import { baseTags } from "./naming";

/**
 * The oldest Pulumi CLI that moves an existing resource from the stack's default provider to an
 * explicit one of the same package in place: from 3.151.0 the engine asks the provider's `DiffConfig`
 * (pulumi/pulumi#18509), and pulumi-aws replaces only on a region change; older CLIs replace every
 * resource whose provider changes. Stacks deployed before the layers had their own provider need it.
 */
export const PULUMI_CLI_FOR_EXPLICIT_PROVIDERS = "3.151.0";

/** The provider's logical name: `aws-<layer>`. */
export const awsProviderName = (layer: LayerName): string => `aws-${layer}`;

/** The tags every AWS resource of the layer carries in `tagsAll`: the naming helper's common tags. */
export function defaultTagsOf(c: PlatformConfig, layer: LayerName): Record<string, string> {
    return { ...defaultProviderTags(c), ...baseTags(c, layer) };
}

/** `aws:defaultTags.tags` of the environment file: what the stack's default provider would apply. */
export const defaultProviderTags = (c: PlatformConfig): Record<string, string> =>
    (c.awsSettings?.defaultTags as { tags?: Record<string, string> } | undefined)?.tags ?? {};

/** The settings of the layer's AWS provider (another region's provider takes them too, with its region). */
export function awsProviderArgs(c: PlatformConfig, layer: LayerName): aws.ProviderArgs {
    return {
        ...(c.awsSettings as aws.ProviderArgs | undefined),
        region: c.region as aws.Region,
        ...(c.allowedAccountIds ? { allowedAccountIds: c.allowedAccountIds } : {}),
        defaultTags: { tags: defaultTagsOf(c, layer) },
    };
}

/** The layer's AWS provider. */
export function layerAwsProvider(c: PlatformConfig, layer: LayerName, opts?: pulumi.CustomResourceOptions): aws.Provider {
    return new aws.Provider(awsProviderName(layer), awsProviderArgs(c, layer), opts);
}

/**
 * The AWS provider a component was given, for a remote component beneath it: a remote component
 * (pulumi-eks's Cluster, ManagedNodeGroup) receives only the providers passed to it, not its
 * parent's, and hands them to its own children (pulumi-eks v4.3.0 creates them with `{ parent }`).
 */
export function awsProviders(parent: pulumi.ComponentResource): pulumi.ProviderResource[] | undefined {
    const provider = parent.getProvider("aws::");
    return provider ? [provider] : undefined;
}
