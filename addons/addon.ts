// What an add-on of the layer is: its declaration (lib/addons/<add-on>.ts) and a function that
// installs it (a HelmRelease, with whatever AWS resources it needs) from the layer's context, the
// AddonContext every add-on gets.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { AddonDeclaration } from "../lib/addons";
import type { PlatformConfig } from "../lib/config/schema";
import type { WiredContract } from "../lib/layer";
import type { clusterContract } from "../infra/cluster/contract";
import type { networkContract } from "../infra/network/contract";
import type { Sources } from "./helmRelease";

export interface AddonContext {
    config: PlatformConfig;
    clusterName: string;
    cluster: WiredContract<typeof clusterContract>;
    network: WiredContract<typeof networkContract>;
    accountId: pulumi.Output<string>;
    provider: k8s.Provider;
    /** Where charts and images come from (chart mirror, image cache). */
    sources: Sources;
    /** The access-log bucket (load balancers, S3 server access logs), once it accepts logs; only when the load balancer controller or Loki is enabled. */
    accessLogBucket?: pulumi.Output<string>;
    /**
     * The common tags, for what Karpenter launches (its EC2NodeClass `spec.tags`): not Pulumi
     * resources, so the layer's AWS provider's defaultTags do not reach them.
     */
    tags: Record<string, string>;
}

export type { AddonKey, Foundation } from "../lib/addons";

/** An add-on the layer installs: its declaration (lib/addons/<add-on>.ts) and how it is installed. */
export interface Addon {
    /** Its key, charts, config schema, what it requires and runs after, host ports and IAM. */
    declaration: AddonDeclaration;
    /** Installs it; everything it creates hangs under one component, so a disabled add-on leaves nothing behind. */
    install(ctx: AddonContext, opts: pulumi.ComponentResourceOptions): pulumi.Resource;
}
