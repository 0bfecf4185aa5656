// What every add-on of the layer gets, and the order between add-ons. An add-on is a function
// that installs it (a HelmRelease, with whatever AWS resources it needs) from the layer's context.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { AddonsConfig } from "../lib/config/addons";
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
    tags: Record<string, string>;
}

/** What an add-on may wait for: the layer's foundations, or another add-on. */
export type Foundation = "karpenter" | "calico" | "storage";
export type AddonKey = keyof AddonsConfig;

export interface Addon {
    /** The add-on's key under `platform:addons`. */
    key: AddonKey;
    /** What must be running first: node pools for its pods, the network its webhooks need, volumes, CRDs of another add-on. */
    after: (Foundation | AddonKey)[];
    /** Installs it; everything it creates hangs under one component, so a disabled add-on leaves nothing behind. */
    install(ctx: AddonContext, opts: pulumi.ComponentResourceOptions): pulumi.Resource;
}
