// The add-ons layer's outputs: what the workloads layer may rely on.
import { z } from "zod";

export const addonsContract = z.object({
    /** The default EC2NodeClass; a workload's own node pool references it. */
    nodeClassName: z.string(),
    /** Karpenter NodePools by name. */
    nodePools: z.array(z.string()),
    /** Taint key of dedicated pools (`<key>=<pool>:NoSchedule`). */
    dedicatedTaintKey: z.string(),
    /** IngressClasses that exist; the first is the default. */
    ingressClasses: z.array(z.string()),
    defaultIngressClass: z.string().optional(),
    /** StorageClasses that exist; `defaultStorageClass` is the cluster default. */
    storageClasses: z.array(z.string()),
    defaultStorageClass: z.string().optional(),
    /** NetworkPolicy (and Calico policy) is enforced. */
    networkPolicy: z.boolean(),
    /** The Secrets Store CSI driver with the AWS provider is installed (SecretProviderClass). */
    secretsStore: z.boolean(),
    /** The Prometheus operator is installed (ServiceMonitor, PodMonitor, PrometheusRule). */
    monitoring: z.boolean(),
    /** The access-log bucket: NLBs log under `nlb/`, the `alb` IngressClass under `alb/`; absent when neither the load balancer controller nor Loki is enabled. */
    accessLogBucket: z.string().min(1).optional(),
});

export type AddonsOutputs = z.output<typeof addonsContract>;
