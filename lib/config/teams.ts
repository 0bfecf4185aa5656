// The workloads layer's per-team guard rails (`platform:teams`): Pod Security level, quota, the
// LimitRange defaults, network openings and an optional dedicated node pool. The teams themselves
// (name, IAM role, namespaces) are `platform:access.teams`; a team listed there but not here gets
// every default below.
import { z } from "zod";
import { bool, cidr, dnsLabel, int, oneOf, quantity, quantityValue } from "./fields";

export const POD_SECURITY_LEVELS = ["restricted", "baseline"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

const compute = z.strictObject({
    cpu: quantity.describe("CPU, e.g. \"250m\" or \"2\"."),
    memory: quantity.describe("Memory, e.g. \"256Mi\" or \"4Gi\"."),
});
export type Compute = z.output<typeof compute>;

const podSecurity = z
    .strictObject({
        level: oneOf(POD_SECURITY_LEVELS)
            .default("restricted")
            .describe("Pod Security Standard enforced, warned and audited in the team's namespaces: `restricted`, or `baseline` with a reason."),
        reason: z.string().trim().min(1).optional().describe("Why the team needs `baseline` (required with it)."),
    })
    .refine((p) => p.level !== "baseline" || p.reason !== undefined, {
        path: ["reason"],
        error: "is required when podSecurity.level is baseline: say why the team's pods cannot meet the restricted standard",
    });

const quota = z.strictObject({
    requestsCpu: quantity.default("4").describe("Sum of CPU requests per namespace."),
    requestsMemory: quantity.default("8Gi").describe("Sum of memory requests per namespace."),
    limitsCpu: quantity.default("8").describe("Sum of CPU limits per namespace."),
    limitsMemory: quantity.default("16Gi").describe("Sum of memory limits per namespace."),
    pods: int(1, 10000).default(50).describe("Most pods per namespace."),
    persistentVolumeClaims: int(0, 1000).default(10).describe("Most PersistentVolumeClaims per namespace."),
    storage: quantity.default("100Gi").describe("Sum of storage requests of the namespace's claims."),
    loadBalancers: int(0, 100)
        .default(0)
        .describe("Services of type LoadBalancer per namespace (each an NLB); 0 keeps traffic on the shared Ingress path."),
    nodePorts: int(0, 100).default(0).describe("Services of type NodePort per namespace (each opens a port on every node)."),
});

const limits = z
    .strictObject({
        defaultRequest: compute.default({ cpu: "100m", memory: "128Mi" }).describe("Requests of a container that sets none."),
        default: compute.default({ cpu: "500m", memory: "512Mi" }).describe("Limits of a container that sets none."),
        max: compute.default({ cpu: "2", memory: "4Gi" }).describe("Largest limits one container may set."),
    })
    // The API server rejects a LimitRange whose defaults are out of order; say so before deploying.
    .superRefine((l, ctx) => {
        const order: [keyof typeof l, keyof typeof l][] = [["defaultRequest", "default"], ["default", "max"]];
        for (const [low, high] of order) {
            for (const resource of ["cpu", "memory"] as const) {
                if (quantityValue(l[low][resource]) > quantityValue(l[high][resource])) {
                    ctx.addIssue({
                        code: "custom",
                        path: [low, resource],
                        message: `"${l[low][resource]}" is above limits.${high}.${resource} ("${l[high][resource]}")`,
                    });
                }
            }
        }
    });

const network = z.strictObject({
    allowFromNamespaces: z.array(dnsLabel).default([]).describe("Namespaces whose pods may connect to the team's pods."),
    allowFromLoadBalancer: bool()
        .default(false)
        .describe("Accept connections from the VPC (where ALBs and NLBs connect from, with `ip` and `instance` targets alike)."),
    allowToNamespaces: z.array(dnsLabel).default([]).describe("Namespaces the team's pods may connect to (those must allow them in too)."),
    egressCidrs: z.array(cidr("team egress")).default([]).describe("Addresses outside the cluster the team's pods may connect to."),
});

const nodePool = z.strictObject({
    instanceType: z.string().describe("The one EC2 instance type of the pool, e.g. \"m6a.2xlarge\"."),
    cpu: int(1, 100000).describe("Most vCPUs of all the pool's nodes together."),
    memoryGiB: int(1, 1000000).describe("Most memory (GiB) of all the pool's nodes together."),
});

export const teamSettingsSchema = z.strictObject({
    name: dnsLabel.describe("A team of `platform:access.teams`."),
    podSecurity: podSecurity.prefault({}).describe("Pod Security Admission level of the team's namespaces."),
    quota: quota.prefault({}).describe("ResourceQuota of each of the team's namespaces."),
    limits: limits.prefault({}).describe("LimitRange of each namespace: no container runs without requests and limits."),
    network: network.prefault({}).describe("What the network policies open beyond DNS and traffic within the namespace."),
    nodePool: nodePool
        .optional()
        .describe("A dedicated Karpenter node pool named after the team (tainted `dedicated=<team>:NoSchedule`); its applications may be placed there."),
});

export type TeamSettings = z.output<typeof teamSettingsSchema>;
export type LimitDefaults = TeamSettings["limits"];

export const teamsSchema = z
    .array(teamSettingsSchema)
    .default([])
    .describe("Guard rails per team of `platform:access.teams`; a team not listed gets the defaults.");

/** The settings of a team: its entry in `platform:teams`, or the defaults. */
export function teamSettingsOf(teams: readonly TeamSettings[], name: string): TeamSettings {
    return teams.find((t) => t.name === name) ?? teamSettingsSchema.parse({ name });
}
