// platform:addons:Calico: the Calico CRDs (crd.projectcalico.org.v1 chart: from v3.32 the operator
// chart no longer ships them), then the tigera-operator chart with its Installation and APIServer.
// calico-overlay mode: Calico CNI and IPAM, VXLAN, BGP off, one IP pool on the pod CIDR; pods on
// the host network (and Fargate pods) keep VPC addresses. vpc-cni mode: network policy only.
import * as pulumi from "@pulumi/pulumi";
import type { PodNetworkMode } from "../lib/config/schema";
import { calico as declaration } from "../lib/addons/calico";
import type { AddonContext } from "./addon";
import { dependenciesOf, HelmRelease, type Values } from "./helmRelease";
import { everyNode, onAddonsPool } from "../lib/placement";

export const CALICO_NAMESPACE = "tigera-operator";

export interface CalicoSettings {
    podNetworkMode: PodNetworkMode;
    podCidr: string;
    blockSize: number;
    apiServer: boolean;
    production: boolean;
}

/**
 * Typha on any EC2 node, never on Fargate. The operator scales Typha with the number of nodes,
 * Fargate's included (tigera/operator v1.42.3 pkg/common/autoscale.go: 3 from 5 nodes), and each
 * Typha takes host ports 5473 and 9098, so it needs as many EC2 nodes as the operator wants
 * replicas: pinning it to one pool (or to the add-ons' tolerations, which `controlPlaneTolerations`
 * would give it in place of its tolerate-everything default, pkg/render/typha.go) can leave it short.
 * An override replaces the rendered affinity, so the operator's zone spread is restated.
 */
export function typhaDeployment(): Values {
    const agent = everyNode();
    const zoneSpread = {
        weight: 1,
        podAffinityTerm: { labelSelector: { matchExpressions: [{ key: "k8s-app", operator: "In", values: ["calico-typha"] }] }, topologyKey: "topology.kubernetes.io/zone" },
    };
    return { spec: { template: { spec: { tolerations: agent.tolerations, affinity: { ...agent.affinity, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [zoneSpread] } } } } } };
}

/** The `Installation` spec (the chart's `installation:` values, minus `enabled`). */
export function installationSpec(s: CalicoSettings): Values {
    const addons = onAddonsPool();
    const common = {
        kubernetesProvider: "EKS",
        // kube-controllers, the API server and the webhooks sit with the other add-ons; calico-node runs on every node.
        controlPlaneNodeSelector: addons.nodeSelector,
        controlPlaneTolerations: addons.tolerations,
        controlPlaneReplicas: s.production ? 2 : 1,
        typhaDeployment: typhaDeployment(),
    };
    if (s.podNetworkMode === "vpc-cni") {
        return { ...common, cni: { type: "AmazonVPC" }, calicoNetwork: { bgp: "Disabled" } };
    }
    return {
        ...common,
        cni: { type: "Calico", ipam: { type: "Calico" } },
        calicoNetwork: {
            bgp: "Disabled",
            ipPools: [{
                name: "default-ipv4-ippool",
                cidr: s.podCidr,
                blockSize: s.blockSize,
                // VXLAN without BGP: the VPC routes only VPC addresses, so pod traffic is encapsulated between nodes.
                encapsulation: "VXLAN",
                // Pods leave the overlay with their node's VPC address.
                natOutgoing: "Enabled",
                nodeSelector: "all()",
            }],
        },
    };
}

/** The `APIServer` spec: its webhooks on the host network in overlay mode (the control plane cannot reach overlay addresses). */
export function apiServerSpec(s: CalicoSettings): Values {
    const addons = onAddonsPool();
    const overlay = s.podNetworkMode === "calico-overlay";
    return {
        apiServerDeployment: { spec: { template: { spec: { nodeSelector: addons.nodeSelector, tolerations: addons.tolerations } } } },
        calicoWebhooksDeployment: {
            spec: { template: { spec: { hostNetwork: overlay, nodeSelector: addons.nodeSelector, tolerations: addons.tolerations } } },
        },
    };
}

/** The chart's values. */
export function calicoValues(s: CalicoSettings): Values {
    const addons = onAddonsPool();
    return {
        installation: { enabled: true, ...installationSpec(s) },
        apiServer: s.apiServer ? { enabled: true, ...apiServerSpec(s) } : { enabled: false },
        // Flow logs aggregation and its UI are not part of this platform (yet): fewer pods, fewer images to mirror.
        goldmane: { enabled: false },
        whisker: { enabled: false },
        // The operator pod itself (always on the host network): with the other add-ons. In overlay
        // mode it lands on a node that is NotReady until the operator has installed Calico there, so
        // it tolerates not-ready (NoExecute too: the default 300 s toleration would evict it).
        nodeSelector: { "kubernetes.io/os": "linux", ...addons.nodeSelector },
        tolerations: [
            ...addons.tolerations,
            { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" },
            { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
        ],
    };
}

/** Calico is the pod network (calico-overlay mode), not only network policy: every node waits for it. */
export const isOverlay = (c: { podNetwork: { mode: PodNetworkMode } }): boolean => c.podNetwork.mode === "calico-overlay";

export class Calico extends pulumi.ComponentResource {
    readonly crds: HelmRelease;
    readonly release: HelmRelease;

    constructor(name: string, ctx: AddonContext, opts?: pulumi.ComponentResourceOptions) {
        super("platform:addons:Calico", name, {}, opts);
        const c = ctx.config;
        const settings = pulumi.all([ctx.cluster.podNetworkMode, ctx.cluster.podCidr]).apply(([mode, podCidr]): CalicoSettings => {
            // The order of the layer's resources follows the config's mode (isOverlay); the cluster must agree.
            if (mode !== c.podNetwork.mode) {
                throw new Error(`platform:podNetwork.mode is "${c.podNetwork.mode}" but the cluster layer was deployed with "${mode}": deploy the cluster layer first`);
            }
            return {
                podNetworkMode: mode,
                podCidr,
                blockSize: c.podNetwork.blockSize,
                apiServer: c.addons.calico.apiServer,
                production: c.tier === "production",
            };
        });
        // One Calico release: the CRDs chart follows the operator chart's version.
        const version = c.addons.calico.version ?? declaration.charts.calico.version;
        this.crds = new HelmRelease(`${name}-calico-crds`, {
            releaseName: "calico-crds",
            chart: { ...declaration.charts.calicoCrds, version },
            namespace: CALICO_NAMESPACE,
            values: () => ({}),
            sources: ctx.sources,
            provider: ctx.provider,
        }, { parent: this, dependsOn: dependenciesOf(opts) });
        // The chart's Installation and APIServer are custom resources of those CRDs.
        this.release = new HelmRelease(`${name}-calico`, {
            releaseName: "calico",
            chart: { ...declaration.charts.calico, version },
            namespace: CALICO_NAMESPACE,
            values: () => settings.apply(calicoValues),
            overrides: c.addons.calico.values,
            sources: ctx.sources,
            provider: ctx.provider,
            // In overlay mode Calico is the network plugin: it is applied before any node exists (nodes
            // launch after it and its operator lands on the first, NotReady one), so Helm cannot wait for
            // its pods. The releases after it wait for theirs, which need the network.
            wait: !isOverlay(c),
        }, { parent: this, dependsOn: [...dependenciesOf(opts), this.crds] });
        this.registerOutputs({});
    }
}
