// The pod of a workload manifest the plan applies (Deployment, StatefulSet, DaemonSet, Job, CronJob).
import { at, hostPortsOf, numberAt, objectAt, placementOf, type PodKind, type PodModel, type Values } from "./pods";

const WORKLOAD_KINDS: Record<string, PodKind> = { Deployment: "Deployment", StatefulSet: "StatefulSet", DaemonSet: "DaemonSet", Job: "Job", CronJob: "Job" };

/** The pod of a workload manifest (Deployment, StatefulSet, DaemonSet, Job, CronJob), or undefined. */
export function manifestPod(resource: string, manifest: Values): PodModel | undefined {
    const kind = WORKLOAD_KINDS[String(manifest.kind)];
    if (!kind) return undefined;
    const template = manifest.kind === "CronJob" ? at(manifest, "spec", "jobTemplate", "spec", "template") : at(manifest, "spec", "template");
    const spec = at(template, "spec");
    const namespace = String(at(manifest, "metadata", "namespace") ?? "default");
    const hostPorts = hostPortsOf(spec);
    const placement = placementOf(spec);
    return {
        resource,
        name: `${namespace}/${String(at(manifest, "metadata", "name"))} (${String(manifest.kind)})`,
        kind,
        namespace,
        labels: objectAt(template, "metadata", "labels") as Record<string, string>,
        replicas: kind === "Job" ? numberAt(manifest, 1, "spec", "parallelism") : numberAt(manifest, 1, "spec", "replicas"),
        hostNetwork: at(spec, "hostNetwork") === true,
        hostPorts,
        ...placement,
        oneNodeEach: placement.oneNodeEach || hostPorts.length > 0,
    };
}
