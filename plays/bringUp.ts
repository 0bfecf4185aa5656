// Bring-up order: what a first `pulumi up` needs to exist before each thing it creates, played over
// the plan's dependency graph (a later layer counts as after every earlier one; within a stack only
// the graph orders anything).
// - EC2 capacity (node groups, Karpenter node pools) comes after the network plugin: a node without
//   one stays NotReady, and EKS fails a managed node group whose nodes do (NodeCreationFailure). A
//   plugin that capacity waits for lands on NotReady nodes: its operator tolerates the not-ready taint.
// - What waits for its pods (Helm releases, Deployments, StatefulSets, Jobs) is not ordered before
//   every node that could take them: the wait could only time out.
// - A custom resource comes after the release or object that installs its CRD: the API server
//   refuses an object of a kind it does not know yet (Helm: "no matches for kind").
// - An object that a fail-closed admission webhook intercepts comes after the webhook's workload,
//   or before the webhook exists: while the webhook's pods start, the API server refuses it (e.g. the
//   AWS load balancer controller's Service mutator intercepts every Service create).
// `privateApiUsers` lists what needs the Kubernetes API from the deploy machine (the deploy path).
import { play, readableUrn, type PlayProblem } from "./play";
import { computeOf, podsOf } from "./scheduling";
import { placementProblem, tolerates, type Taint, type Toleration } from "./scheduling/match";
import { fargateSelects } from "./scheduling/nodes";
import type { PlanView, ViewResource } from "./view";
import { at } from "./bringUpValues";
import { BUILT_IN_GROUPS, CHART_CRDS, CHART_WEBHOOKS, CHARTS_WITHOUT_SERVICE, groupOf, renderedGroups, type Creates } from "./chartEffects";

export { CHART_CRDS, CHART_WEBHOOKS, groupOf, renderedGroups, type Webhook } from "./chartEffects";

/** The chart's name, whether given by name or as an OCI reference (`oci://<registry>/<path>/<chart>`). */
export const chartNameOf = (chart: string): string => chart.split("/").pop() ?? chart;

/** The plan's Helm releases, with the chart's name. */
const releasesOf = (view: PlanView) => view.releases().map((r) => ({ ...r, chart: chartNameOf(r.chart) }));

/** What launches EC2 nodes. */
export const CAPACITY_TYPES = [
    "eks:index:ManagedNodeGroup",
    "eks:index:NodeGroup",
    "eks:index:NodeGroupV2",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:autoscaling/group:Group",
    "kubernetes:karpenter.sh/v1:NodePool",
] as const;

/** What happens to capacity whose nodes stay NotReady. */
const notReadyConsequence = (capacity: ViewResource): string =>
    capacity.type === "kubernetes:karpenter.sh/v1:NodePool"
        ? "the pods Karpenter launched them for stay Pending"
        : "EKS fails a managed node group then: NodeCreationFailure";

/** A resource that installs a pod network plugin, and which plugin. */
export interface NetworkPlugin { resource: ViewResource; plugin: string }

/**
 * The network plugins of the plan. Calico as the CNI (tigera-operator with `installation.cni.type:
 * Calico`) replaces the VPC CNI; otherwise the VPC CNI as an EKS add-on, or the one EKS bootstraps
 * itself (`bootstrapSelfManagedAddons`, default true) or pulumi-eks installs (`useDefaultVpcCni` false).
 */
export function networkPlugins(view: PlanView): NetworkPlugin[] {
    const calico = releasesOf(view)
        .filter((r) => r.chart === "tigera-operator" && at(r.values, "installation.enabled") !== false && at(r.values, "installation.cni.type") === "Calico")
        .map((r) => ({ resource: r.resource, plugin: "Calico (tigera-operator)" }));
    if (calico.length) return calico;
    const addons = view.ofType("aws:eks/addon:Addon")
        .filter((r) => r.inputs.addonName === "vpc-cni")
        .map((resource) => ({ resource, plugin: "the VPC CNI (EKS add-on)" }));
    const bootstrapped = view.ofType("eks:index:Cluster")
        .filter((r) => r.inputs.bootstrapSelfManagedAddons !== false || r.inputs.useDefaultVpcCni !== true)
        .map((resource) => ({ resource, plugin: "the VPC CNI the cluster bootstraps" }));
    return [...addons, ...bootstrapped];
}

/** What the node lifecycle controller puts on a node until its network plugin runs there. */
export const NOT_READY_TAINT: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" };

/**
 * Where a network plugin chart's own workload (the one that installs the plugin on each node) takes
 * its tolerations, and what it tolerates when they are not set (the chart's defaults at the pinned version).
 */
const PLUGIN_OPERATOR: Record<string, { path: string; defaults: Toleration[] }> = {
    // tigera-operator values.yaml at v3.32.1: the operator pod tolerates every NoSchedule and NoExecute taint.
    "tigera-operator": { path: "tolerations", defaults: [{ operator: "Exists", effect: "NoExecute" }, { operator: "Exists", effect: "NoSchedule" }] },
};

/**
 * A network plugin installed by a release that EC2 capacity waits for comes up on nodes that are
 * NotReady (tainted node.kubernetes.io/not-ready) until it runs there: its operator must tolerate the
 * not-ready taint (and its release cannot wait for its pods: waitsBeforeCapacity).
 */
export function pluginBootstrapProblems(view: PlanView, plugins: NetworkPlugin[]): { urn: string; message: string }[] {
    return releasesOf(view).flatMap((release) => {
        if (!plugins.some((p) => p.resource.urn === release.resource.urn)) return [];
        const capacity = view.ofType(...CAPACITY_TYPES).filter((c) => view.after(c, release.resource));
        if (!capacity.length) return [];
        const nodes = `${name(capacity[0])}${capacity.length > 1 ? ` and ${capacity.length - 1} more` : ""}`;
        const problems: { urn: string; message: string }[] = [];
        const operator = PLUGIN_OPERATOR[release.chart];
        const tolerations = operator && ((at(release.values, operator.path) as Toleration[] | undefined) ?? operator.defaults);
        if (tolerations && !tolerations.some((t) => tolerates(t, NOT_READY_TAINT))) {
            problems.push({
                urn: release.resource.urn,
                message:
                    `the ${release.chart} release's operator (values ${operator.path}) does not tolerate ${NOT_READY_TAINT.key}:${NOT_READY_TAINT.effect}, ` +
                    `which every node (${nodes}) carries until the plugin runs there: it would never be scheduled, and no node would become Ready`,
            });
        }
        return problems;
    });
}

/** Kinds the Kubernetes provider waits for until their pods are ready (or done), unless annotated `pulumi.com/skipAwait`. */
const AWAITED_KINDS = new Set(["Deployment", "StatefulSet", "Job"]);

/**
 * What waits for its pods (a Helm release unless skipAwait; a Deployment, StatefulSet or Job unless
 * `pulumi.com/skipAwait: "true"`) while every node that could take them is created only after it: the
 * wait can only time out (and an atomic release roll back). Pods on Fargate, DaemonSets (ready with
 * no node) and pods no compute takes (the scheduling play's finding) are left out.
 */
export function waitsBeforeCapacity(view: PlanView, problem: (message: string, resource?: string) => PlayProblem): PlayProblem[] {
    const waiters = new Map<string, { resource: ViewResource; what: string; release: boolean }>();
    for (const r of releasesOf(view)) {
        if (r.resource.inputs.skipAwait !== true) waiters.set(r.resource.urn, { resource: r.resource, what: `the ${r.chart} release`, release: true });
    }
    for (const { resource, manifest } of view.manifests()) {
        if (AWAITED_KINDS.has(manifest.kind) && manifest.metadata.annotations?.["pulumi.com/skipAwait"] !== "true") {
            waiters.set(resource.urn, { resource, what: `${manifest.kind} ${[manifest.metadata.namespace, manifest.metadata.name].filter(Boolean).join("/")}`, release: false });
        }
    }
    const compute = computeOf(view);
    const { pods } = podsOf(view, problem);
    const problems: PlayProblem[] = [];
    const reported = new Set<string>();
    for (const pod of pods) {
        const waiter = waiters.get(pod.resource);
        if (!waiter || reported.has(pod.resource) || pod.kind === "DaemonSet" || pod.replicas === 0) continue;
        if (compute.fargate?.selectors.some((s) => fargateSelects(s, pod))) continue;
        const kinds = compute.ec2.filter((k) => !placementProblem(pod, k));
        const nodes = kinds.map((k) => view.byUrn.get(k.resource)).filter((r): r is ViewResource => r !== undefined);
        if (!nodes.length || !nodes.every((n) => view.after(n, waiter.resource))) continue;
        reported.add(pod.resource);
        problems.push(problem(
            `${waiter.what} waits for its pods to become ready (${pod.name}), but every node that can take them (${kinds.map((k) => k.name).join(", ")}) is created only after it: ` +
            `the wait can only time out${waiter.release ? " (and the atomic release roll back)" : ""}. Apply it without waiting for readiness (skipAwait), or order that capacity before it`,
            pod.resource,
        ));
    }
    return problems;
}

/** What each Helm release and each declared object creates. */
function creations(view: PlanView): { resource: ViewResource; creates: Creates[]; what: string }[] {
    const releases = releasesOf(view).map((r) => ({
        resource: r.resource,
        what: `the ${r.chart} release`,
        creates: [
            ...(CHARTS_WITHOUT_SERVICE.has(r.chart) ? [] : [{ group: "", kind: "Service" }]),
            ...renderedGroups(r.chart, r.values).map((group) => ({ group, kind: "*" })),
        ],
    }));
    const objects = view.manifests().map(({ resource, manifest }) => ({
        resource,
        what: `${manifest.kind} ${[manifest.metadata.namespace, manifest.metadata.name].filter(Boolean).join("/")}`,
        creates: [{ group: groupOf(manifest.apiVersion), kind: manifest.kind }],
    }));
    return [...releases, ...objects];
}

/** Whether `a` and `b` are ordered either way (not created side by side). */
const ordered = (view: PlanView, a: ViewResource, b: ViewResource) => view.after(a, b) || view.after(b, a);

const name = (r: ViewResource) => readableUrn(r.urn);

export const bringUp = play(
    {
        id: "bring-up-order",
        description: "EC2 capacity after the network plugin, custom resources after their CRDs, objects a fail-closed webhook intercepts after its workload",
    },
    (view, problem) => {
        const problems: PlayProblem[] = [];

        // 1. Capacity after the network plugin. A modeled child (the aws.eks.NodeGroup of an
        // eks.ManagedNodeGroup) waits for what its component waits for: the component is named, once.
        const plugins = networkPlugins(view);
        const early = view.ofType(...CAPACITY_TYPES).filter((capacity) => !plugins.some((p) => view.after(capacity, p.resource)));
        const earlyUrns = new Set(early.map((r) => r.urn));
        const underEarly = (r: ViewResource): boolean => {
            const parent = r.parent ? view.byUrn.get(r.parent) : undefined;
            return Boolean(parent && (earlyUrns.has(parent.urn) || underEarly(parent)));
        };
        for (const capacity of early.filter((r) => !underEarly(r))) {
            problems.push(problem(
                plugins.length
                    ? `launches EC2 nodes without waiting for ${plugins.map((p) => `${p.plugin} (${name(p.resource)})`).join(" or ")}: ` +
                    `its nodes would come up without a network plugin and stay NotReady (${notReadyConsequence(capacity)}). Make it depend on the network plugin`
                    : "launches EC2 nodes, but nothing in the plan installs a network plugin (the VPC CNI add-on or Calico): its nodes would stay NotReady",
                capacity.urn,
            ));
        }

        for (const p of pluginBootstrapProblems(view, plugins)) problems.push(problem(p.message, p.urn));
        problems.push(...waitsBeforeCapacity(view, problem));

        // 2. Custom resources after their CRDs.
        const providers = [
            ...releasesOf(view).flatMap((r) =>
                (CHART_CRDS[r.chart]?.(r.values, r.resource.inputs.skipCrds === true) ?? []).map((group) => ({ group, resource: r.resource, what: `the ${r.chart} release` }))),
            ...view.manifests()
                .filter(({ manifest }) => manifest.kind === "CustomResourceDefinition")
                .map(({ resource, manifest }) => ({ group: String(at(manifest, "spec.group")), resource, what: `the CRD ${manifest.metadata.name}` })),
        ];
        const all = creations(view);
        for (const { resource, creates, what } of all) {
            for (const group of new Set(creates.map((c) => c.group).filter((g) => !BUILT_IN_GROUPS.has(g)))) {
                const installers = providers.filter((p) => p.group === group);
                if (installers.some((p) => p.resource.urn === resource.urn || view.after(resource, p.resource))) continue;
                problems.push(problem(
                    installers.length
                        ? `${what} creates ${group} objects without waiting for ${installers.map((p) => `${p.what} (${name(p.resource)})`).join(" or ")}, which installs their CRDs: the API server would refuse them (no matches for kind)`
                        : `${what} creates ${group} objects, but nothing in the plan installs their CRDs: the API server would refuse them (no matches for kind)`,
                    resource.urn,
                ));
            }
        }

        // 3. What a fail-closed webhook intercepts, after the webhook's workload (or before the webhook exists).
        for (const release of releasesOf(view)) {
            for (const webhook of CHART_WEBHOOKS[release.chart]?.(release.values) ?? []) {
                for (const { resource, creates, what } of all) {
                    if (resource.urn === release.resource.urn || !creates.some(webhook.intercepts)) continue;
                    if (ordered(view, resource, release.resource)) continue;
                    problems.push(problem(
                        `${what} is created side by side with the ${release.chart} release (${name(release.resource)}), which serves ${webhook.name} (failurePolicy Fail): ` +
                        "while the webhook's pods start, the API server refuses what it intercepts. Order it after that release",
                        resource.urn,
                    ));
                }
            }
        }
        return problems;
    },
);

/** A resource that talks to the cluster's Kubernetes API from the deploy machine. */
export interface ApiUser { layer: string; resource: string; type: string }

/**
 * Everything that needs the Kubernetes API from the deploy machine, per layer: the Kubernetes
 * provider's resources, and pulumi-eks's cluster with its public endpoint on (createCluster in
 * nodejs/eks/cluster/cluster.ts at v4.3.0 polls /healthz on up only then; a private-only cluster
 * component never calls the API itself).
 */
export function privateApiUsers(view: PlanView): ApiUser[] {
    return view.resources
        .filter((r) => (r.custom && r.type.startsWith("kubernetes:")) || (r.type === "eks:index:Cluster" && r.inputs.endpointPublicAccess === true))
        .map((r) => ({ layer: r.layer, resource: name(r), type: r.type }));
}
