// Each object as its own Kubernetes resource type: the provider's typed class for built-in kinds,
// a CustomResource for the rest. The switch is exhaustive, so a new kind fails to compile here.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ApplicationObject } from "./manifest";

export function register(name: string, o: ApplicationObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    switch (o.kind) {
        case "ServiceAccount": return new k8s.core.v1.ServiceAccount(name, o, opts);
        case "ConfigMap": return new k8s.core.v1.ConfigMap(name, o, opts);
        case "Service": return new k8s.core.v1.Service(name, o, opts);
        case "Deployment": return new k8s.apps.v1.Deployment(name, o, opts);
        case "StatefulSet": return new k8s.apps.v1.StatefulSet(name, o, opts);
        case "Job": return new k8s.batch.v1.Job(name, o, opts);
        case "CronJob": return new k8s.batch.v1.CronJob(name, o, opts);
        case "PodDisruptionBudget": return new k8s.policy.v1.PodDisruptionBudget(name, o, opts);
        case "HorizontalPodAutoscaler": return new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, o, opts);
        case "Ingress": return new k8s.networking.v1.Ingress(name, o, opts);
        case "PriorityClass": return new k8s.scheduling.v1.PriorityClass(name, o, opts);
        case "NetworkPolicy": return new k8s.networking.v1.NetworkPolicy(name, o, opts);
        case "SecretProviderClass":
        case "NodePool":
        case "PodMonitor":
            return new k8s.apiextensions.CustomResource(name, o, opts);
    }
}
