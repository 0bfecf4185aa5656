// Somewhere to run: every pod the plan would create (workload manifests, every Helm release's pods
// as its chart builds them, the Calico operator's pods, the EKS managed add-ons' pods) has compute
// that takes it; DaemonSets stay off Fargate and reach every EC2 node kind; host ports do not
// collide on a node; pods that need a node each fit their pools; and no node group is capacity
// nothing can use.
import { placementProblem } from "./scheduling/match";
import { fargateKind, fargateSelects, nodeGroupKind, nodePoolKind, type FargateSelector, type NodeGroupInputs, type NodeKind, type NodePoolManifest } from "./scheduling/nodes";
import { CHART_MODELS, chartNameOf } from "./scheduling/chartPods";
import { managedAddonPods } from "./scheduling/managedAddonPods";
import { manifestPod } from "./scheduling/manifestPods";
import type { HostPort, PodModel, Values } from "./scheduling/pods";
import { play, type PlayProblem } from "./play";
import type { PlanView } from "./view";

const FARGATE_PROFILE = "aws:eks/fargateProfile:FargateProfile";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const MANAGED_NODE_GROUP = "eks:index:ManagedNodeGroup";
const EKS_ADDON = "aws:eks/addon:Addon";

/** The operator's Typha count for a number of nodes (tigera/operator v1.42.3 pkg/common/autoscale.go). */
export function expectedTyphaScale(nodes: number): number {
    if (nodes <= 2) return 1;
    if (nodes <= 4) return 2;
    return Math.max(3, Math.floor(nodes / 200) + 2);
}

export interface Compute {
    fargate: { selectors: FargateSelector[]; kind: NodeKind } | undefined;
    ec2: NodeKind[];
}

export function computeOf(view: PlanView): Compute {
    const profiles = view.ofType(FARGATE_PROFILE);
    const selectors = profiles.flatMap((p) => (p.inputs.selectors ?? []) as FargateSelector[]);
    // Node groups: the modeled aws:eks NodeGroup when the fixture registers it, else the component's inputs.
    const groups = new Map<string, NodeKind>();
    for (const r of [...view.ofType(NODE_GROUP), ...view.ofType(MANAGED_NODE_GROUP)]) {
        const inputs = r.inputs as NodeGroupInputs;
        const name = inputs.nodeGroupName ?? r.name;
        if (!groups.has(name)) groups.set(name, nodeGroupKind(r.urn, name, inputs));
    }
    const pools = view.manifests()
        .filter(({ manifest }) => manifest.kind === "NodePool" && manifest.apiVersion.startsWith("karpenter.sh/"))
        .map(({ resource, manifest }) => nodePoolKind(resource.urn, manifest as NodePoolManifest));
    return {
        fargate: profiles.length > 0 ? { selectors, kind: fargateKind(profiles[0].urn, Number.MAX_SAFE_INTEGER) } : undefined,
        ec2: [...groups.values(), ...pools],
    };
}

/** Every pod of the plan; releases of a chart without a model are reported, never skipped. */
export function podsOf(view: PlanView, problem: (message: string, resource?: string) => PlayProblem): { pods: PodModel[]; problems: PlayProblem[] } {
    const problems: PlayProblem[] = [];
    const pods: PodModel[] = [];
    for (const { resource, manifest } of view.manifests()) {
        const pod = manifestPod(resource.urn, manifest as Values);
        if (pod) pods.push(pod);
    }
    for (const r of view.releases()) {
        const chart = chartNameOf(r.chart);
        const model = CHART_MODELS[chart];
        if (!model) {
            problems.push(problem(`no scheduling model for chart "${chart}": add one to plays/scheduling/chartPods.ts (CHART_MODELS) so its pods are placed offline`, r.resource.urn));
            continue;
        }
        pods.push(...model({ resource: r.resource.urn, name: r.name, namespace: r.namespace ?? "default", chart, version: r.version, values: r.values }));
    }
    for (const r of view.ofType(EKS_ADDON)) {
        const raw = r.inputs.configurationValues;
        const configuration = typeof raw === "string" && raw.startsWith("{") ? (JSON.parse(raw) as Values) : {};
        pods.push(...managedAddonPods({ resource: r.urn, addonName: String(r.inputs.addonName), configuration }));
    }
    return { pods, problems };
}

/** What every EC2 node itself listens on: the kubelet's API and its health port. */
const KUBELET: PodModel = {
    resource: "", name: "the kubelet", kind: "DaemonSet", namespace: "", labels: {}, replicas: 1, tolerations: [], nodeSelector: {},
    hostNetwork: true, hostPorts: [{ port: 10250 }, { port: 10248, ip: "127.0.0.1" }], oneNodeEach: false,
};

const overlaps = (a: HostPort, b: HostPort): boolean =>
    a.port === b.port && (a.protocol ?? "TCP") === (b.protocol ?? "TCP") && (!a.ip || !b.ip || a.ip === b.ip);

const tolerateEverything = (p: PodModel): boolean => p.tolerations.some((t) => !t.key && t.operator === "Exists" && (!t.effect || t.effect === "NoSchedule"));

export const scheduling = play({
    id: "scheduling",
    description: "Every pod has compute that takes it (Fargate selectors, pool taints, labels, host ports, pool limits); DaemonSets stay off Fargate; no node group is capacity nothing can use",
}, (view, problem) => schedulingProblems(view, problem));

function schedulingProblems(view: PlanView, problem: (message: string, resource?: string) => PlayProblem): PlayProblem[] {
    const compute = computeOf(view);
    const { pods, problems } = podsOf(view, problem);
    const onFargate = (p: PodModel) => compute.fargate?.selectors.some((s) => fargateSelects(s, p)) ?? false;
    /** The EC2 node kinds each pod may run on. */
    const places = new Map<PodModel, NodeKind[]>();

    for (const pod of pods) {
        if (onFargate(pod)) {
            if (pod.kind === "DaemonSet") problems.push(problem(`${pod.name}: a Fargate profile selects its pods, and Fargate runs no DaemonSets`, pod.resource));
            else if (pod.hostNetwork || pod.hostPorts.length > 0) problems.push(problem(`${pod.name}: a Fargate profile selects it, but it needs the host network or host ports, which Fargate does not offer`, pod.resource));
            continue;
        }
        // A pod no profile selects may still be bound to a Fargate node if it tolerates the Fargate
        // taint and its affinity allows: such a node runs only the pod Fargate started it for.
        if (compute.fargate && !placementProblem(pod, compute.fargate.kind)) {
            problems.push(problem(
                `${pod.name} tolerates the Fargate taint (${compute.fargate.kind.taints[0].key}) without excluding Fargate nodes, so ${pod.kind === "DaemonSet" ? "the DaemonSet controller creates a pod for every Fargate node" : "the scheduler may bind it to a Fargate node"} that stays Pending: add the node affinity ${compute.fargate.kind.taints[0].key} NotIn [fargate]`,
                pod.resource,
            ));
        }
        const reasons = compute.ec2.map((k) => ({ kind: k, why: placementProblem(pod, k) }));
        const fits = reasons.filter((r) => !r.why).map((r) => r.kind);
        places.set(pod, fits);
        if (fits.length === 0) {
            const detail = reasons.map((r) => `${r.kind.name}: ${r.why}`).join("; ");
            problems.push(problem(`${pod.name}: no compute will take it (no Fargate profile selects it; ${detail || "no EC2 node kind exists"})`, pod.resource));
            continue;
        }
        if (pod.kind === "DaemonSet" || pod.everyEc2Node) {
            const missed = reasons.filter((r) => r.why);
            if (missed.length > 0) {
                problems.push(problem(`${pod.name} must run on every EC2 node, but not on ${missed.map((r) => `${r.kind.name} (${r.why})`).join(", ")}`, pod.resource));
            }
        }
    }

    // Replicas that need a node each, against the most nodes their kinds can have. Typha's count
    // follows every node of the cluster, Fargate's (one per pod) included.
    const fargatePods = pods.filter(onFargate).reduce((n, p) => n + p.replicas, 0);
    const fewestNodes = fargatePods + Math.max(1, compute.ec2.reduce((n, k) => n + k.minNodes, 0));
    for (const [pod, kinds] of places) {
        if (pod.kind === "DaemonSet" || !pod.oneNodeEach) continue;
        const replicas = pod.scalesWithNodes ? expectedTyphaScale(fewestNodes) : pod.replicas;
        const room = kinds.reduce((n, k) => n + k.maxNodes, 0);
        if (replicas > room) {
            const why = pod.scalesWithNodes ? ` (the operator runs ${replicas} for a cluster of ${fewestNodes} nodes, counting the ${fargatePods} Fargate nodes)` : "";
            problems.push(problem(`${pod.name}: ${replicas} replicas need a node each${why}, but ${kinds.map((k) => k.name).join(", ")} can have at most ${room}`, pod.resource));
        }
    }

    // Host ports: two pods that may share a node (or a pod and the kubelet) must not bind the same port.
    for (const kind of compute.ec2) {
        const here = [KUBELET, ...[...places].filter(([p, ks]) => ks.includes(kind) && p.hostPorts.length > 0).map(([p]) => p)];
        for (let i = 0; i < here.length; i++) {
            for (const other of here.slice(i + 1)) {
                const clash = here[i].hostPorts.find((a) => other.hostPorts.some((b) => overlaps(a, b)));
                if (clash) problems.push(problem(`${here[i].name} and ${other.name} both bind host port ${clash.port}/${clash.protocol ?? "TCP"} on ${kind.name} nodes`, here[i].resource || other.resource));
            }
        }
    }

    // Capacity nothing can use: a node group whose taints no pod (other than node agents) tolerates.
    for (const kind of compute.ec2.filter((k) => k.type === "node-group" && k.taints.some((t) => t.effect !== "PreferNoSchedule"))) {
        const users = [...places].filter(([p, ks]) => ks.includes(kind) && p.kind !== "DaemonSet" && !tolerateEverything(p));
        if (users.length === 0) {
            problems.push(problem(`${kind.name}: no pod tolerates its taints (${kind.taints.map((t) => `${t.key}=${t.value ?? ""}:${t.effect}`).join(", ")}), so its nodes would run only node agents: remove the taint or give the pods meant for it a toleration`, kind.resource));
        }
    }
    return problems;
}
