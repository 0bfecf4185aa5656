// The Karpenter controller's Helm values, for a controller that runs on Fargate with an IRSA role
// (its PodAwsIdentity, lib/podIdentity.ts, gives the service account's annotations).
import type { Values } from "../helmRelease";

export const KARPENTER_NAMESPACE = "karpenter";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";

/** Fargate sizes a pod from its requests; Karpenter's guide gives the controller 1 vCPU and 1 GiB. */
export const CONTROLLER_RESOURCES = { cpu: "1", memory: "1Gi" } as const;

export interface ControllerSettings {
    clusterName: string;
    clusterEndpoint: string;
    interruptionQueue: string;
    /** No internet egress: AWS APIs only through VPC endpoints, and no pricing API. */
    isolatedVPC: boolean;
    /** The service account's annotations from its PodAwsIdentity: IRSA's role, as Fargate takes no Pod Identity. */
    serviceAccountAnnotations: Record<string, string>;
    replicas: number;
}

export function controllerValues(s: ControllerSettings): Values {
    return {
        replicas: s.replicas,
        settings: {
            clusterName: s.clusterName,
            clusterEndpoint: s.clusterEndpoint,
            interruptionQueue: s.interruptionQueue,
            isolatedVPC: s.isolatedVPC,
        },
        serviceAccount: {
            create: true,
            name: KARPENTER_SERVICE_ACCOUNT,
            // IRSA: EKS Pod Identity does not reach Fargate pods.
            annotations: s.serviceAccountAnnotations,
        },
        controller: {
            // requests = limits: Fargate picks the pod's size from its requests.
            resources: { requests: { ...CONTROLLER_RESOURCES }, limits: { ...CONTROLLER_RESOURCES } },
        },
        // Fargate has no host network.
        hostNetwork: false,
        // ClusterFirst is safe here: CoreDNS runs on Fargate too, so DNS is up before Karpenter has
        // launched any node (`Default` is only for clusters whose CoreDNS waits for Karpenter's nodes).
        dnsPolicy: "ClusterFirst",
    };
}

export interface FargateSelector { namespace: string; labels?: Record<string, string> }

/** Why the controller's pods would not run on Fargate, or undefined. */
export function fargateProblem(selectors: FargateSelector[], namespace = KARPENTER_NAMESPACE): string | undefined {
    const selects = selectors.some((s) => s.namespace === namespace && Object.keys(s.labels ?? {}).length === 0);
    return selects
        ? undefined
        : `no Fargate profile selects the whole "${namespace}" namespace (a selector without labels), so the Karpenter controller would never start and no node would ever launch: add { namespace: "${namespace}" } to platform:fargateProfiles`;
}
