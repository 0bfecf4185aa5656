// The add-ons layer's part of the config schema: Karpenter (its node class and node pools) and
// every add-on, each behind an enable flag, with a pinned version and value overrides. Each
// add-on's own schema sits in its declaration (lib/addons/<add-on>.ts); `addonsSchema` is built there.
import { z } from "zod";
import { exactVersion, KARPENTER_VERSION } from "../addons";
import { dnsLabel, int, oneOf, reserved } from "./fields";

export { addonsSchema, type AddonsConfig } from "../addons";

/** Karpenter durations: "30s", "5m", "168h", "1h30m", or "Never". */
const duration = z.string().regex(/^(([0-9]+(s|m|h))+|Never)$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a duration such as "30s", "5m", "168h" or "Never"` });

export const ARCHITECTURES = ["amd64", "arm64"] as const;
export const CAPACITY_TYPES = ["on-demand", "spot"] as const;
export const KARPENTER_TAINT_EFFECTS = ["NoSchedule", "NoExecute", "PreferNoSchedule"] as const;
export const DISRUPTION_REASONS = ["Empty", "Drifted", "Underutilized"] as const;

/** The taint key of dedicated node pools (`addons`, one application's own pool): `dedicated=<pool>:NoSchedule`. */
export const DEDICATED_TAINT_KEY = "dedicated";

const budget = z.strictObject({
    nodes: z.string().regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a node count or percentage such as "10%"` }).describe("Nodes (count or percentage) that may be disrupted at once."),
    reasons: z.array(oneOf(DISRUPTION_REASONS)).optional().describe("Disruption reasons the budget applies to; default: all."),
    schedule: z.string().optional().describe("Cron schedule when the budget is active (with `duration`)."),
    duration: z.string().regex(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/).optional().describe("How long the budget is active from each `schedule` start, e.g. \"8h\"."),
});

const nodePool = z.strictObject({
    name: dnsLabel.describe("NodePool name (also the `karpenter.sh/nodepool` label of its nodes)."),
    instanceFamilies: z.array(z.string()).min(1).describe("EC2 instance families, e.g. `m6a`, `c5`, `t3`."),
    instanceSizes: z.array(z.string()).min(1).describe("Instance sizes, e.g. `medium`, `xlarge`, `4xlarge`."),
    architectures: z.array(oneOf(ARCHITECTURES)).min(1).default(["amd64"]).describe("CPU architectures; must fit the families."),
    capacityTypes: z.array(oneOf(CAPACITY_TYPES)).min(1).default(["on-demand"]).describe("`on-demand` and/or `spot`."),
    labels: z.record(z.string(), z.string()).default({}).describe("Extra labels on the pool's nodes."),
    taints: z
        .array(z.strictObject({ key: z.string(), value: z.string().optional(), effect: oneOf(KARPENTER_TAINT_EFFECTS) }))
        .default([])
        .describe("Taints on the pool's nodes; only pods that tolerate them land there."),
    limits: z
        .strictObject({
            cpu: int(1, 100000).describe("Most vCPUs of all the pool's nodes together."),
            memoryGiB: int(1, 1000000).describe("Most memory (GiB) of all the pool's nodes together."),
        })
        .describe("Capacity limits of the pool."),
    consolidationPolicy: oneOf(["WhenEmptyOrUnderutilized", "WhenEmpty", "Balanced"] as const)
        .default("WhenEmptyOrUnderutilized")
        .describe("Which nodes Karpenter consolidates (`WhenEmpty` is the old `ttlSecondsAfterEmpty`; `Balanced`, new in Karpenter 1.14, weighs savings against disruption)."),
    consolidateAfter: duration.default("1m").describe("How long a node is empty or underused before it is consolidated."),
    budgets: z.array(budget).default([{ nodes: "10%" }]).describe("Disruption budgets."),
    expireAfter: duration.default("168h").describe("Node lifetime before replacement (the old `ttlSecondsUntilExpired`); 168h = 7 days."),
    weight: int(1, 100).optional().describe("Priority among pools that fit a pod (higher first)."),
});

export type NodePoolSpec = z.output<typeof nodePool>;

export const DEFAULT_NODE_POOLS: z.input<typeof nodePool>[] = [
    {
        name: "default",
        instanceFamilies: ["t3", "m6a", "c5"],
        instanceSizes: ["medium", "large", "xlarge", "2xlarge", "4xlarge"],
        limits: { cpu: 100, memoryGiB: 400 },
    },
    {
        name: "addons",
        instanceFamilies: ["t3"],
        instanceSizes: ["2xlarge"],
        taints: [{ key: DEDICATED_TAINT_KEY, value: "addons", effect: "NoSchedule" }],
        limits: { cpu: 16, memoryGiB: 64 },
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "5m",
    },
];

export const karpenterSchema = z
    .strictObject({
        version: exactVersion.default(KARPENTER_VERSION).describe("Karpenter chart and controller version (`karpenter-crd` and `karpenter`)."),
        replicas: int(1, 5).default(2).describe("Controller replicas (on Fargate)."),
        bottlerocketVersion: z
            .string()
            .regex(/^v\d+\.\d+\.\d+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a Bottlerocket version such as "v1.64.0"` })
            .default("v1.64.0")
            .describe("Bottlerocket release of Karpenter's nodes (the `bottlerocket@<version>` AMI alias): nodes change only when this does."),
        osVolumeGiB: int(2, 100).default(4).describe("Bottlerocket OS volume size."),
        dataVolumeGiB: int(20, 16384).default(80).describe("Bottlerocket data volume (images, ephemeral storage) size."),
        maxPods: int(1, 737).optional().describe("kubelet maxPods. Default: 110 with prefix delegation or the Calico overlay; the ENI limit otherwise."),
        kubeReserved: reserved.default({ cpu: "100m", memory: "512Mi", "ephemeral-storage": "1Gi" }).describe("Resources kept for the kubelet and container runtime."),
        systemReserved: reserved.default({ cpu: "100m", memory: "256Mi", "ephemeral-storage": "1Gi" }).describe("Resources kept for the OS."),
        nodePools: z.array(nodePool).min(1).prefault(DEFAULT_NODE_POOLS).describe("Karpenter NodePools: `default` for applications, `addons` (tainted) for add-ons and monitoring."),
        values: z.record(z.string(), z.unknown()).default({}).describe("Helm values of the `karpenter` chart merged over the platform's (objects deep-merged, the rest replaced)."),
    })
    .prefault({})
    .describe("Karpenter: provisions every EC2 node; its controller runs on Fargate.");

export type KarpenterConfig = z.output<typeof karpenterSchema>;
