// One place for names and tags: every layer derives them from here, never by hand.
import type { PlatformConfig } from "./config/schema";
import type { LayerName } from "./layer";

/** The EKS cluster's name: `<name>-<env>`. */
export const clusterName = (c: Pick<PlatformConfig, "name" | "env">): string => `${c.name}-${c.env}`;

/** The tags every AWS resource of the platform carries (policy rule aws-tags-common checks them). */
export const COMMON_TAG_KEYS = ["platform:name", "platform:environment", "platform:layer", "platform:managed-by"] as const;

/**
 * Tags on every AWS resource of a layer (its AWS provider's defaultTags, lib/awsProvider.ts);
 * config tags win over none of these.
 */
export function baseTags(c: PlatformConfig, layer: LayerName): Record<string, string> {
    const common: Record<(typeof COMMON_TAG_KEYS)[number], string> = {
        "platform:name": c.name,
        "platform:environment": c.env,
        "platform:layer": layer,
        "platform:managed-by": "pulumi",
    };
    return { ...c.tags, ...common };
}

/** Tags that let EKS, the load balancer controller and Karpenter discover a subnet. */
export function subnetTags(c: PlatformConfig, kind: "private" | "public"): Record<string, string> {
    const cluster = clusterName(c);
    return kind === "public"
        ? { "kubernetes.io/role/elb": "1", [`kubernetes.io/cluster/${cluster}`]: "shared" }
        : {
                "kubernetes.io/role/internal-elb": "1",
                [`kubernetes.io/cluster/${cluster}`]: "shared",
                "karpenter.sh/discovery": cluster,
            };
}
