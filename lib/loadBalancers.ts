// How the platform asks the AWS Load Balancer Controller (addons layer) for load balancers, in one
// place for the add-ons that install it and use it and the applications (workloads layer).

/** The IngressClass the controller serves: Ingresses of this class become ALBs. */
export const ALB_INGRESS_CLASS = "alb";

export type LoadBalancerScheme = "internal" | "internet-facing";

/**
 * The annotations that make a `LoadBalancer` Service an NLB of the controller (`external`, not the
 * in-tree legacy controller) with IP targets, so traffic goes straight to the pods.
 */
export const nlbAnnotations = (scheme: LoadBalancerScheme): Record<string, string> => ({
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": scheme,
});
