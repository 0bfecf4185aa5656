// Kubecost 3.x: cost allocation per namespace, workload and label; collects its own metrics (the
// finops-agent subchart, alias `finopsagent`) and keeps data on gp3 volumes.
import type { ChartImage } from "../registries";
import { reg } from "../registries";
import { defineAddon, helm } from "./declaration";

const DESCRIPTION = "Kubecost cost-analyzer";

export const kubecost = defineAddon({
    key: "kubecost",
    description: DESCRIPTION,
    charts: {
        /** Kubecost 3.x: new repository and chart name (`cost-analyzer` is the 2.x line). */
        kubecost: {
            chart: "kubecost",
            repository: "https://kubecost.github.io/kubecost",
            version: "3.2.1",
            // 3.x defaults to icr.io, which ECR cannot cache: the EKS build on ECR Public (the chart's values-eks-cost-monitoring.yaml).
            images: [
                reg("public.ecr.aws", "kubecost", "global.imageRegistry"),
                ...([
                    ["frontend", "kubecost/frontend"], ["aggregator", "kubecost/cost-model"], ["forecasting", "kubecost/modeling"],
                    ["networkCosts", "kubecost/network-costs"], ["clusterController", "kubecost/cluster-controller"],
                    ["finopsagent", "kubecost/agent"],
                ] as const).map(([component, repository]): ChartImage => ({ upstream: "public.ecr.aws", repository, repositoryKey: `${component}.image.repository` })),
            ],
        },
    },
    config: helm(true, DESCRIPTION),
    // Its aggregator and local store keep data on gp3 volumes.
    requires: ["ebsCsi"],
    after: ["karpenter", "calico", "storage", "loadBalancerController"],
    hostPorts: {},
    iam: [],
});
