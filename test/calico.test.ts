// Calico: the overlay in calico-overlay mode, network policy only in vpc-cni mode, the API server,
// and the chart's values valid against the upstream Installation and APIServer CRDs.
import { strict as assert } from "assert";
import { apiServerSpec, CALICO_NAMESPACE, calicoValues, installationSpec, type CalicoSettings } from "../addons/calico";
import { CHARTS } from "../lib/versions";
import { PlanView } from "../plays/view";
import type { PlannedResource } from "../synth/engine";
import type { Plan } from "../synth/synth";
import { resourcesOf, synthEnv } from "./helpers";
import { specProblems } from "./schemas";

const CALICO_CRDS = "calico-3.32";
const inputs = (r: PlannedResource) => r.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const overlay: CalicoSettings = { podNetworkMode: "calico-overlay", podCidr: "100.64.0.0/14", blockSize: 26, apiServer: true, production: true };
const vpcCni: CalicoSettings = { ...overlay, podNetworkMode: "vpc-cni", production: false };

const calicoRelease = (plan: Plan) =>
    resourcesOf(plan, "addons", "kubernetes:helm.sh/v3:Release").find((r) => inputs(r).chart === "tigera-operator");

describe("Calico", () => {
    let dev: Plan;
    let prod: Plan;
    before(async () => {
        dev = await synthEnv("dev");
        prod = await synthEnv("prod");
    });

    describe("calico-overlay mode", () => {
        const spec = installationSpec(overlay);

        it("runs Calico CNI and IPAM on EKS with BGP off", () => {
            assert.equal(spec.kubernetesProvider, "EKS");
            assert.deepEqual(spec.cni, { type: "Calico", ipam: { type: "Calico" } });
            assert.equal((spec.calicoNetwork as { bgp: string }).bgp, "Disabled");
        });

        it("has one VXLAN pool on the pod CIDR with NAT outgoing and the configured block size", () => {
            const pools = (spec.calicoNetwork as { ipPools: Record<string, unknown>[] }).ipPools;
            assert.equal(pools.length, 1);
            assert.deepEqual(
                { cidr: pools[0].cidr, encapsulation: pools[0].encapsulation, natOutgoing: pools[0].natOutgoing, blockSize: pools[0].blockSize },
                { cidr: "100.64.0.0/14", encapsulation: "VXLAN", natOutgoing: "Enabled", blockSize: 26 },
            );
        });

        it("runs the Calico webhooks on the host network (the control plane cannot reach the overlay)", () => {
            const webhooks = (apiServerSpec(overlay).calicoWebhooksDeployment as { spec: { template: { spec: { hostNetwork: boolean } } } });
            assert.equal(webhooks.spec.template.spec.hostNetwork, true);
        });
    });

    describe("vpc-cni mode", () => {
        it("is network policy only: the Amazon VPC CNI keeps pod addressing, no IP pools", () => {
            const spec = installationSpec(vpcCni);
            assert.deepEqual(spec.cni, { type: "AmazonVPC" });
            assert.equal((spec.calicoNetwork as { ipPools?: unknown }).ipPools, undefined);
        });

        it("keeps the webhooks off the host network", () => {
            const webhooks = (apiServerSpec(vpcCni).calicoWebhooksDeployment as { spec: { template: { spec: { hostNetwork: boolean } } } });
            assert.equal(webhooks.spec.template.spec.hostNetwork, false);
        });
    });

    it("Installation and APIServer specs are valid against the upstream CRDs in both modes", () => {
        for (const s of [overlay, vpcCni]) {
            assert.deepEqual(specProblems(CALICO_CRDS, "operator.tigera.io/v1", "Installation", installationSpec(s)), [], s.podNetworkMode);
            assert.deepEqual(specProblems(CALICO_CRDS, "operator.tigera.io/v1", "APIServer", apiServerSpec(s)), [], s.podNetworkMode);
        }
    });

    it("an invalid Installation is caught by the same check (the check can fail)", () => {
        const bad = { ...installationSpec(overlay), cni: { type: "Flannel" } };
        assert.notDeepEqual(specProblems(CALICO_CRDS, "operator.tigera.io/v1", "Installation", bad), []);
    });

    it("installs the pinned tigera-operator chart in its namespace, with the API server", () => {
        for (const plan of [dev, prod]) {
            const release = calicoRelease(plan);
            assert.ok(release, `${plan.environment} installs Calico`);
            assert.equal(inputs(release).version, "v3.32.1");
            assert.equal(inputs(release).version, CHARTS.calico.version);
            assert.deepEqual(inputs(release).repositoryOpts, { repo: "https://docs.tigera.io/calico/charts" });
            assert.equal(inputs(release).namespace, CALICO_NAMESPACE);
            assert.equal(inputs(release).values.apiServer.enabled, true);
        }
    });

    it("installs Calico's CRDs (the crd.projectcalico.org.v1 chart of the same release) before the operator chart's Installation and APIServer", () => {
        for (const plan of [dev, prod]) {
            const operator = calicoRelease(plan)!;
            const crds = resourcesOf(plan, "addons", "kubernetes:helm.sh/v3:Release").find((r) => inputs(r).chart === "crd.projectcalico.org.v1");
            assert.ok(crds, `${plan.environment}: from v3.32 the tigera-operator chart ships no CRDs; their own chart installs them`);
            assert.equal(inputs(crds).version, inputs(operator).version, "one Calico release");
            assert.deepEqual(inputs(crds).repositoryOpts, { repo: "https://docs.tigera.io/calico/charts" });
            assert.ok(new PlanView(plan).after(operator, crds), "the operator chart's custom resources wait for their CRDs");
        }
    });

    it("deploys the overlay in prod (calico-overlay) and network policy only in dev (vpc-cni), with valid values", () => {
        const prodInstallation = inputs(calicoRelease(prod)!).values.installation;
        const devInstallation = inputs(calicoRelease(dev)!).values.installation;
        assert.equal(prodInstallation.cni.type, "Calico");
        assert.equal(prodInstallation.calicoNetwork.ipPools[0].cidr, "100.64.0.0/14");
        assert.equal(devInstallation.cni.type, "AmazonVPC");
        for (const installation of [prodInstallation, devInstallation]) {
            const { enabled: _, ...spec } = installation;
            assert.deepEqual(specProblems(CALICO_CRDS, "operator.tigera.io/v1", "Installation", spec), []);
        }
    });

    it("in overlay mode comes before every node (without waiting: its operator needs one); in vpc-cni mode after Karpenter's nodes", () => {
        const karpenter = (plan: Plan) => resourcesOf(plan, "addons", "kubernetes:helm.sh/v3:Release").find((r) => inputs(r).name === "karpenter")!;
        // prod (calico-overlay): the release applies before any node exists, and every node pool waits for it.
        const overlayRelease = calicoRelease(prod)!;
        assert.equal(inputs(overlayRelease).skipAwait, true);
        assert.equal(inputs(overlayRelease).atomic, false);
        assert.ok(!overlayRelease.dependsOn.includes(karpenter(prod).urn));
        const pools = resourcesOf(prod, "addons", "kubernetes:karpenter.sh/v1:NodePool");
        assert.ok(pools.length > 0);
        for (const pool of pools) assert.ok(pool.dependsOn.includes(overlayRelease.urn), `${pool.name} launches nodes only after Calico`);
        // dev (vpc-cni): network policy only, after the nodes its pods run on, and Helm waits for it.
        const policyRelease = calicoRelease(dev)!;
        assert.equal(inputs(policyRelease).atomic, true);
        assert.equal(inputs(policyRelease).skipAwait, false);
        assert.ok(policyRelease.dependsOn.includes(karpenter(dev).urn));
    });

    it("lets the operator land on a node that is NotReady until Calico runs there", () => {
        const tolerations = calicoValues(overlay).tolerations as { key: string; effect: string }[];
        for (const effect of ["NoSchedule", "NoExecute"]) {
            assert.ok(tolerations.some((t) => t.key === "node.kubernetes.io/not-ready" && t.effect === effect), effect);
        }
    });

    it("values leave the operator with the other add-ons and the calico-node agents on every node", () => {
        const values = calicoValues(overlay);
        assert.deepEqual((values.nodeSelector as Record<string, string>)["karpenter.sh/nodepool"], "addons");
        assert.equal((values.installation as { calicoNodeDaemonSet?: unknown }).calicoNodeDaemonSet, undefined, "calico-node keeps its tolerate-everything default");
    });
});
