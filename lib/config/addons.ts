// The add-ons layer's part of the config schema: Karpenter (its node class and node pools) and
// every add-on, each behind an enable flag, with a pinned version and value overrides.
import { z } from "zod";
import { bool, dnsLabel, int, oneOf, reserved } from "./fields";

/** An exact version (no ranges): "1.14.1", "v3.32.1", "2.13.0". */
const exactVersion = z
    .string()
    .regex(/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an exact version such as "1.14.1" (ranges and "latest" are not pinned)` });

/** Karpenter durations: "30s", "5m", "168h", "1h30m", or "Never". */
const duration = z.string().regex(/^(([0-9]+(s|m|h))+|Never)$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a duration such as "30s", "5m", "168h" or "Never"` });

const eksAddonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, { error: (iss) => `${JSON.stringify(iss.input)} is not an EKS add-on version such as "v1.12.4-eksbuild.18"` });

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
        version: exactVersion.default("1.14.1").describe("Karpenter chart and controller version (`karpenter-crd` and `karpenter`)."),
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

/** A Helm add-on: on or off, the chart version (default: the pin in lib/versions.ts) and values merged over the platform's. */
const helmAddon = (enabled: boolean, what: string) =>
    z.strictObject({
        enabled: bool().default(enabled).describe(`Install ${what}.`),
        version: exactVersion.optional().describe("Chart version; default: the pin in `lib/versions.ts`."),
        values: z.record(z.string(), z.unknown()).default({}).describe("Helm values merged over the platform's (objects deep-merged, the rest replaced)."),
    });

/** Every key of an add-on has a default, so the whole add-on may be left out. */
const optionalAddon = <T extends z.ZodObject>(schema: T, what: string) => schema.prefault({} as never).describe(what);

const helm = (enabled: boolean, what: string) => optionalAddon(helmAddon(enabled, what), what);

const eksAddon = (what: string) =>
    z
        .strictObject({
            enabled: bool().default(true).describe(`Install ${what}.`),
            version: eksAddonVersion.optional().describe("EKS add-on version; default: the pin in `lib/versions.ts` for the cluster's Kubernetes version."),
        })
        .prefault({})
        .describe(what);

export const addonsSchema = z
    .strictObject({
        calico: optionalAddon(helmAddon(true, "Calico (tigera-operator): the pod overlay in `calico-overlay` mode, network policy in both modes").extend({
            apiServer: bool().default(true).describe("Run the Calico API server (Calico resources through the Kubernetes API)."),
        }), "Calico (tigera-operator): the pod overlay in `calico-overlay` mode, network policy in both modes"),
        ebsCsi: eksAddon("the EBS CSI driver (EKS add-on) and the default `gp3` StorageClass"),
        efsCsi: eksAddon("the EFS CSI driver (EKS add-on), an encrypted EFS file system and the `efs` StorageClass"),
        podIdentityAgent: eksAddon("the EKS Pod Identity agent (EKS add-on)"),
        loadBalancerController: helm(true, "the AWS Load Balancer Controller (ALB for Ingress, NLB for Services): the default ingress path"),
        ingressNginx: helm(false, "ingress-nginx (retired upstream in March 2026, no more fixes: off by default)"),
        replicator: helm(true, "kubernetes-replicator (copies secrets and config maps across namespaces)"),
        kubecost: helm(true, "Kubecost cost-analyzer"),
        metricsServer: helm(true, "metrics-server (resource metrics for autoscaling and `kubectl top`)"),
        monitoring: optionalAddon(helmAddon(true, "kube-prometheus-stack (Prometheus, Alertmanager, Grafana)").extend({
            retention: z.string().regex(/^\d+(h|d|w|y)$/, { error: (iss) => `${JSON.stringify(iss.input)} is not a Prometheus retention such as "15d"` }).default("15d").describe("How long Prometheus keeps metrics."),
            storageGiB: int(1, 16384).default(50).describe("Prometheus volume size (gp3)."),
        }), "kube-prometheus-stack (Prometheus, Alertmanager, Grafana)"),
        loki: optionalAddon(helmAddon(true, "Loki (logs), storing in an encrypted S3 bucket").extend({
            retentionDays: int(1, 3650).default(30).describe("Days Loki keeps logs."),
        }), "Loki (logs), storing in an encrypted S3 bucket"),
        secretsStore: optionalAddon(helmAddon(true, "the Secrets Store CSI driver with the AWS provider (Secrets Manager secrets as files)").extend({
            providerVersion: exactVersion.optional().describe("AWS provider chart version; default: the pin in `lib/versions.ts`."),
            providerValues: z.record(z.string(), z.unknown()).default({}).describe("Helm values of the AWS provider chart, merged over the platform's (`values` are the driver's)."),
        }), "the Secrets Store CSI driver with the AWS provider (Secrets Manager secrets as files)"),
        nodeLocalDns: helm(false, "NodeLocal DNSCache (for large clusters: avoids DNS throttling)"),
        vpa: helm(false, "the Vertical Pod Autoscaler (recommendations only by default)"),
    })
    .prefault({})
    .describe("Add-ons of the cluster, each with an enable flag, a pinned version and value overrides.");

export type KarpenterConfig = z.output<typeof karpenterSchema>;
export type AddonsConfig = z.output<typeof addonsSchema>;
