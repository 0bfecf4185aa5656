// The bring-up play (plays/bringUp.ts): EC2 capacity after the network plugin, custom resources after
// their CRDs, objects a fail-closed webhook intercepts after its workload. Real plans pass; each rule
// fails a real plan mutated the way a regression would, naming both resources.
import { strict as assert } from "assert";
import { bringUp, chartNameOf, networkPlugins, privateApiUsers } from "../plays/bringUp";
import { formatProblem } from "../plays/play";
import { PlanView } from "../plays/view";
import type { Plan, PlannedResource } from "../synth/plan";
import { synthesize } from "../synth/synth";
import { configWith, envConfig, synthEnv } from "./helpers";

const problemsOf = (plan: Plan) => bringUp.run(new PlanView(plan)).map(formatProblem);
const all = (plan: Plan) => plan.layers.flatMap((l) => l.resources);
const release = (plan: Plan, chart: string) => all(plan).find((r) => r.type === "kubernetes:helm.sh/v3:Release" && chartNameOf(String(r.inputs.chart)) === chart)!;
/** Drops every edge from `r` to a resource matching `to` (its own dependencies and its ancestors'). */
function cut(plan: Plan, r: PlannedResource, to: (urn: string) => boolean): void {
    const byUrn = new Map(all(plan).map((x) => [x.urn, x]));
    for (let at: PlannedResource | undefined = r; at; at = at.parent ? byUrn.get(at.parent) : undefined) {
        at.dependsOn = at.dependsOn.filter((d) => !to(d));
    }
}

describe("bring-up order (plays/bringUp.ts)", () => {
    let prod: Plan;
    let dev: Plan;
    before(async () => {
        prod = await synthEnv("prod");
        dev = await synthEnv("dev");
    });

    it("passes dev, prod and prod as one stack", async () => {
        assert.deepEqual(problemsOf(prod), []);
        assert.deepEqual(problemsOf(dev), []);
        const single = (await synthesize(envConfig("prod"), "single", undefined, undefined, [])).plan;
        assert.deepEqual(problemsOf(single), []);
    });

    it("knows the network plugin: Calico in overlay mode (prod), the VPC CNI add-on otherwise (dev)", () => {
        assert.deepEqual(networkPlugins(new PlanView(prod)).map((p) => p.plugin), ["Calico (tigera-operator)"]);
        assert.deepEqual(networkPlugins(new PlanView(dev)).map((p) => p.plugin), ["the VPC CNI (EKS add-on)"]);
    });

    describe("EC2 capacity only after the network plugin", () => {
        it("fails a Karpenter node pool that no longer waits for Calico, naming both", () => {
            const plan = structuredClone(prod);
            const calico = release(plan, "tigera-operator");
            const pool = all(plan).find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool" && r.name === "acme-prod-karpenter-default")!;
            const nodeClass = all(plan).find((r) => r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")!;
            // The node pool and its node class wait for the Karpenter release, no longer for Calico.
            for (const r of [pool, nodeClass]) cut(plan, r, (d) => d === calico.urn || d.includes("calico"));
            const problems = problemsOf(plan);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /NodePool acme-prod-karpenter-default: launches EC2 nodes without waiting for Calico \(tigera-operator\) \(kubernetes:helm\.sh\/v3:Release acme-prod-calico\)/);
        });

        it("fails a managed node group created side by side with the VPC CNI add-on", async () => {
            const { plan } = await synthesize(configWith({ "platform:nodeGroups": [{ name: "fixed", instanceTypes: ["m6a.large"] }] }), "layered", undefined, undefined, []);
            assert.deepEqual(problemsOf(plan), []);
            const broken = structuredClone(plan);
            const group = all(broken).find((r) => r.type === "eks:index:ManagedNodeGroup")!;
            cut(broken, group, (d) => d.includes("aws:eks/addon:Addon"));
            const problems = problemsOf(broken);
            assert.equal(problems.length, 1, problems.join("\n"));
            // Named once: its modeled aws.eks.NodeGroup waits for what the component waits for.
            assert.match(problems[0], /ManagedNodeGroup acme-test-fixed: launches EC2 nodes without waiting for the VPC CNI \(EKS add-on\) \(aws:eks\/addon:Addon acme-test-vpc-cni\): .*NodeCreationFailure/);
        });

        it("fails a Calico release that waits for its pods while every node waits for it (Helm would time out)", () => {
            const plan = structuredClone(prod);
            release(plan, "tigera-operator").inputs.skipAwait = false;
            const problems = problemsOf(plan);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /Release acme-prod-calico: the tigera-operator release waits for its pods to become ready \(tigera-operator\/tigera-operator .*\), but every node that can take them \(NodePool addons\) is created only after it: the wait can only time out \(and the atomic release roll back\)/);
        });

        it("fails a release or a Deployment that waits for its pods while every node that takes them comes after it (dev: Calico for network policy before its pool)", () => {
            const plan = structuredClone(dev);
            const calico = release(plan, "tigera-operator");
            const pool = all(plan).find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool" && r.name === "acme-dev-karpenter-addons")!;
            // The addons pool (where the operator runs) waits for Calico, Calico no longer for Karpenter.
            cut(plan, calico, (d) => d.includes("Karpenter"));
            pool.dependsOn.push(calico.urn);
            const problems = problemsOf(plan);
            assert.ok(problems.some((p) => /Release acme-dev-calico: the tigera-operator release waits for its pods to become ready .*NodePool addons\) is created only after it/.test(p)), problems.join("\n"));
            // prod's payments-api runs only on the payments team pool: the pool now waits for the Deployment.
            const app = structuredClone(prod);
            const deployment = all(app).find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "acme-prod-payments-payments-api-deployment")!;
            all(app).find((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool" && r.name === "acme-prod-payments-pool")!.dependsOn.push(deployment.urn);
            const found = problemsOf(app);
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], /Deployment acme-prod-payments-payments-api-deployment: Deployment payments\/payments-api waits for its pods to become ready \(payments\/payments-api \(Deployment\)\), but every node that can take them \(NodePool payments\) is created only after it: the wait can only time out\. Apply it without waiting/);
            (deployment.inputs.metadata as { annotations?: Record<string, string> }).annotations = { "pulumi.com/skipAwait": "true" };
            assert.deepEqual(problemsOf(app), [], "told not to wait");
        });

        it("fails a Calico operator that does not tolerate the not-ready taint every node carries until Calico runs", () => {
            const plan = structuredClone(prod);
            const values = release(plan, "tigera-operator").inputs.values as { tolerations: { key?: string }[] };
            values.tolerations = values.tolerations.filter((t) => t.key !== "node.kubernetes.io/not-ready");
            const problems = problemsOf(plan);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /Release acme-prod-calico: the tigera-operator release's operator \(values tolerations\) does not tolerate node\.kubernetes\.io\/not-ready:NoSchedule/);
            // Without tolerations the chart's defaults (every NoSchedule taint) apply.
            delete (values as { tolerations?: unknown }).tolerations;
            assert.deepEqual(problemsOf(plan), []);
        });

        it("fails capacity when nothing installs a network plugin", () => {
            const plan = structuredClone(prod);
            for (const layer of plan.layers) layer.resources = layer.resources.filter((r) => !(r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "tigera-operator"));
            assert.ok(problemsOf(plan).some((p) => /NodePool acme-prod-karpenter-addons: launches EC2 nodes, but nothing in the plan installs a network plugin/.test(p)));
        });
    });

    describe("custom resources after their CRDs", () => {
        it("fails the operator's Installation applied side by side with the Calico CRDs chart, naming both", () => {
            const plan = structuredClone(prod);
            const operator = release(plan, "tigera-operator");
            const crds = release(plan, "crd.projectcalico.org.v1");
            cut(plan, operator, (d) => d === crds.urn);
            const problems = problemsOf(plan);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /Release acme-prod-calico: the tigera-operator release creates operator\.tigera\.io objects without waiting for the crd\.projectcalico\.org\.v1 release \(kubernetes:helm\.sh\/v3:Release acme-prod-calico-crds\)/);
        });

        it("fails Karpenter's node pools when nothing installs the Karpenter CRDs", () => {
            const plan = structuredClone(prod);
            for (const layer of plan.layers) layer.resources = layer.resources.filter((r) => !String(r.inputs.chart ?? "").endsWith("/karpenter-crd"));
            for (const r of all(plan)) r.dependsOn = r.dependsOn.filter((d) => all(plan).some((x) => x.urn === d));
            const problems = problemsOf(plan);
            assert.ok(problems.some((p) => /NodePool acme-prod-karpenter-default: NodePool default creates karpenter\.sh objects, but nothing in the plan installs their CRDs/.test(p)), problems.join("\n"));
        });
    });

    describe("objects a fail-closed webhook intercepts after the webhook's workload", () => {
        it("fails a release whose Services are created side by side with the load balancer controller, naming both", () => {
            const plan = structuredClone(prod);
            const lbc = release(plan, "aws-load-balancer-controller");
            const metrics = release(plan, "metrics-server");
            assert.ok(new PlanView(plan).after(metrics, lbc), "metrics-server waits for the controller");
            // Nothing orders the two any more (metrics-server keeps only what it needs from the cluster).
            cut(plan, metrics, () => true);
            const problems = problemsOf(plan);
            assert.ok(
                problems.some((p) => /Release acme-prod-metrics-server: the metrics-server release is created side by side with the aws-load-balancer-controller release \(kubernetes:helm\.sh\/v3:Release acme-prod-aws-load-balancer-controller\), which serves the Service mutating webhook \(mservice\.elbv2\.k8s\.aws\) \(failurePolicy Fail\)/.test(p)),
                problems.join("\n"),
            );
        });
    });

    it("lists what needs the Kubernetes API from the deploy machine, per layer", () => {
        const users = privateApiUsers(new PlanView(prod));
        assert.deepEqual([...new Set(users.map((u) => u.layer))], ["cluster", "addons", "workloads"]);
        assert.ok(users.some((u) => u.type === "kubernetes:helm.sh/v3:Release"));
        // pulumi-eks polls the API's health only through a public endpoint (cluster.ts createCluster at v4.3.0).
        assert.ok(!users.some((u) => u.type === "eks:index:Cluster"), "prod's private-only cluster component never calls the API");
        const open = JSON.parse(JSON.stringify(prod)) as Plan;
        const component = all(open).find((r) => r.type === "eks:index:Cluster") as PlannedResource;
        component.inputs.endpointPublicAccess = true;
        assert.ok(privateApiUsers(new PlanView(open)).some((u) => u.type === "eks:index:Cluster"));
    });
});
