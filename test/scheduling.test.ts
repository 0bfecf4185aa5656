// The scheduling play: every pod has compute that takes it, DaemonSets stay off Fargate, host ports
// do not collide, pods that need a node each fit their pools, and no node group is unusable.
import { strict as assert } from "assert";
import { everyNode } from "../lib/placement";
import { typhaDeployment } from "../addons/calico";
import { expectedTyphaScale, scheduling } from "../plays/scheduling";
import { placementProblem } from "../plays/scheduling/match";
import { fargateKind, nodePoolKind } from "../plays/scheduling/nodes";
import { placementOf } from "../plays/scheduling/pods";
import { PlanView } from "../plays/view";
import type { Plan, PlannedResource } from "../synth/plan";
import { synthesize } from "../synth/synth";
import { configWith, synthEnv } from "./helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";

const messages = (plan: Plan): string[] => scheduling.run(new PlanView(plan)).map((p) => p.message);

/** A copy of the plan with one resource changed. */
function mutated(plan: Plan, pick: (r: PlannedResource) => boolean, change: (r: PlannedResource) => void): Plan {
    const copy = structuredClone(plan);
    const found = copy.layers.flatMap((l) => l.resources).filter(pick);
    assert.ok(found.length > 0, "the mutation found nothing to change");
    found.forEach(change);
    return copy;
}

const release = (name: string) => (r: PlannedResource) => r.type === RELEASE && r.inputs.name === name;
const valuesOf = (r: PlannedResource) => r.inputs.values as Record<string, Record<string, unknown>>;

describe("plays/scheduling", () => {
    it("finds a place for every pod of dev and prod", async () => {
        assert.deepEqual(messages(await synthEnv("dev")), []);
        assert.deepEqual(messages(await synthEnv("prod")), []);
    });

    it("everyNode() reaches tainted EC2 nodes but never Fargate's", () => {
        const agent = placementOf(everyNode());
        assert.match(placementProblem(agent, fargateKind("fargate", 10)) ?? "", /node selector or required node affinity/);
        const tainted = nodePoolKind("pool", { metadata: { name: "gpu" }, spec: { template: { spec: { taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }, { key: "x", effect: "NoExecute" }] } } } });
        assert.equal(placementProblem(agent, tainted), undefined);
    });

    it("refuses a DaemonSet that tolerates Fargate's taint without excluding Fargate (the old everyNode)", async () => {
        const plan = mutated(await synthEnv("prod"), release("node-local-dns"), (r) => {
            delete valuesOf(r).affinity;
        });
        assert.ok(messages(plan).some((m) => m.includes("kube-system/node-local-dns") && m.includes("DaemonSet controller creates a pod for every Fargate node")), messages(plan).join("\n"));
    });

    it("refuses Typha pinned to a pool with fewer nodes than the operator wants (it counts Fargate nodes)", async () => {
        const plan = mutated(await synthEnv("dev"), release("calico"), (r) => {
            const spec = { nodeSelector: { "karpenter.sh/nodepool": "addons" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "addons", effect: "NoSchedule" }] };
            valuesOf(r).installation.typhaDeployment = { spec: { template: { spec } } };
        });
        // dev: 2 CoreDNS and 2 Karpenter pods on Fargate and at least one EC2 node: 5 nodes, 3 Typhas; the addons pool has room for 2 t3.2xlarge.
        assert.ok(messages(plan).some((m) => /calico-typha.*3 replicas need a node each \(the operator runs 3 for a cluster of 5 nodes, counting the 4 Fargate nodes\), but NodePool addons can have at most 2/.test(m)), messages(plan).join("\n"));
        assert.equal(expectedTyphaScale(5), 3);
    });

    it("refuses Typha with the add-ons' tolerations in place of its own (controlPlaneTolerations without the override)", async () => {
        const plan = mutated(await synthEnv("prod"), release("calico"), (r) => {
            delete valuesOf(r).installation.typhaDeployment;
        });
        assert.ok(messages(plan).some((m) => /calico-typha.* must run on every EC2 node, but not on NodePool payments/.test(m)), messages(plan).join("\n"));
        // The override restores what Typha tolerates by default, and keeps it off Fargate.
        const spec = (typhaDeployment().spec as { template: { spec: { tolerations: unknown[] } } }).template.spec;
        assert.deepEqual(spec.tolerations, everyNode().tolerations);
    });

    it("refuses a node group whose taint no pod tolerates", async () => {
        // prod (calico-overlay) has no managed node group: a vpc-cni environment with one. The component and
        // the aws.eks.NodeGroup modeled beneath it (what the play reads first).
        const { plan: base } = await synthesize(configWith({ "platform:nodeGroups": [{ name: "fixed", instanceTypes: ["m6a.large"] }] }));
        const plan = mutated(base, (r) => r.type === "eks:index:ManagedNodeGroup" || r.type === "aws:eks/nodeGroup:NodeGroup", (r) => {
            r.inputs.taints = [{ key: "platform.acme.io/capacity", value: "fixed", effect: "NO_SCHEDULE" }];
        });
        assert.ok(messages(plan).some((m) => m.includes("node group acme-test-fixed: no pod tolerates its taints")), messages(plan).join("\n"));
    });

    it("refuses two pods binding the same host port on a node (the kubelet's 10250 included)", async () => {
        const plan = mutated(await synthEnv("prod"), release("metrics-server"), (r) => {
            valuesOf(r).containerPort = 10250 as never;
        });
        assert.ok(messages(plan).some((m) => /metrics-server.*and the kubelet both bind host port 10250|the kubelet and .*metrics-server.* both bind host port 10250/.test(m)), messages(plan).join("\n"));
    });

    it("refuses a pod no compute takes, naming why for each kind of node", async () => {
        const plan = mutated(await synthEnv("dev"), release("kubernetes-replicator"), (r) => {
            valuesOf(r).nodeSelector = { "karpenter.sh/nodepool": "gpu" } as never;
        });
        assert.ok(messages(plan).some((m) => m.includes("kube-system/kubernetes-replicator") && m.includes("no compute will take it") && m.includes("NodePool default: its node selector")), messages(plan).join("\n"));
    });

    it("refuses a release whose chart it cannot model, rather than skipping it", async () => {
        const plan = mutated(await synthEnv("dev"), release("kubernetes-replicator"), (r) => {
            r.inputs.chart = "mystery";
        });
        assert.ok(messages(plan).some((m) => m.includes('no scheduling model for chart "mystery"')));
    });

    it("refuses a DaemonSet in a namespace a Fargate profile selects", async () => {
        const plan = mutated(await synthEnv("dev"), (r) => r.type === "kubernetes:apps/v1:Deployment" && (r.inputs.metadata as { name?: string }).name === "search-api", (r) => {
            r.inputs.kind = "DaemonSet";
            (r.inputs.metadata as { namespace: string }).namespace = "karpenter";
        });
        assert.ok(messages(plan).some((m) => m.includes("karpenter/search-api (DaemonSet): a Fargate profile selects its pods")), messages(plan).join("\n"));
    });
});
