// One place for names and tags: every layer derives them from here, never by hand.
import type { PlatformConfig } from "./config/schema";
import type { LayerName } from "./layer";

/** The EKS cluster's name: `<name>-<env>`. */
export const clusterName = (c: Pick<PlatformConfig, "name" | "env">): string => `${c.name}-${c.env}`;

/** Tags on every AWS resource of a layer; config tags win over none of these. */
export function baseTags(c: PlatformConfig, layer: LayerName): Record<string, string> {
    return {
        ...c.tags,
        "platform:name": c.name,
        "platform:environment": c.env,
        "platform:layer": layer,
        "platform:managed-by": "pulumi",
    };
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
