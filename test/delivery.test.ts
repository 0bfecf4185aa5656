// The orchestration (delivery/) driven through the real Automation API against a stand-in for the
// Pulumi CLI (test/fake-pulumi) that records every call: argv, working directory and the stack
// config file the CLI would read.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../lib/config/load";
import { REPO_ROOT, LAYER_DIRS } from "../lib/layers";
import type { BlockerKind, ClusterApi, KubeObject } from "../delivery/blockers";
import { defaultPolicyPacks, deliver, LayerFailedError } from "../delivery/orchestrate";
import { PROJECTS, callsOf, deployed, fakePulumi, fakeState, options } from "./fakePulumi";

/**
 * A cluster whose controllers behave like the real ones: a deleted Service or Ingress stays (held by
 * the load balancer controller's finalizer) for a few more list calls, as does a deleted NodeClaim's
 * node; deleting a NodePool deletes its NodeClaims. Every call lands in the CLI's call
 * log, so the test sees one timeline.
 */
function fakeCluster(state: string, objects: KubeObject[], opts: { stuck?: boolean } = {}): ClusterApi & { kubeconfigs: string[] } {
    const record = (command: string, o?: KubeObject) => fs.appendFileSync(path.join(state, "calls.jsonl"), JSON.stringify({ command, argv: o ? [o.kind, o.name] : [], cwd: "", policyPacks: [] }) + "\n");
    const live = objects.map((o) => ({ ...o, deletedFor: -1 }));
    const poll = () => {
        for (const o of live) if (o.deletedFor >= 0) o.deletedFor++;
        for (let i = live.length - 1; i >= 0; i--) if (!opts.stuck && live[i].deletedFor >= 4) live.splice(i, 1);
    };
    return {
        kubeconfigs: [],
        async list(kind: BlockerKind) {
            poll();
            record(`kube list ${kind}`);
            return live.filter((o) => o.kind === kind).map(({ kind: k, name, namespace }) => ({ kind: k, name, namespace }));
        },
        async delete(object: KubeObject) {
            record(`kube delete ${object.kind}`, object);
            for (const o of live) {
                const claimOfPool = object.kind === "NodePool" && o.kind === "NodeClaim" && o.name.startsWith(`${object.name}-`);
                const nodeOfClaim = object.kind === "NodeClaim" && o.kind === "Node" && o.name === `node-${object.name}`;
                if ((o.kind === object.kind && o.name === object.name && o.namespace === object.namespace) || claimOfPool || nodeOfClaim) {
                    if (o.deletedFor < 0) o.deletedFor = 0;
                }
            }
        },
    };
}

const FAST_WAITS = { loadBalancersMs: 2_000, nodesMs: 2_000, pollMs: 5 };

const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: [{name: acme-dev, cluster: {server: https://ABC.gr7.eu-west-1.eks.amazonaws.com}}]\n";

describe("delivery: orchestrated up, preview and destroy", function () {
    this.timeout(120_000);

    before(async () => {
        await fakePulumi();
    });

    it("up runs the layers in order, each in its folder as stack <env> reading the root Pulumi.<env>.yaml, creating missing stacks", async () => {
        const state = fakeState({ resources: { "platform-network": 7, "platform-cluster": 5 } });
        const opts = options(state, { policyPacks: ["/packs/platform"] });
        const results = await deliver("up", "dev", opts);

        assert.deepEqual(results.map((r) => r.layer), ["network", "cluster", "addons", "workloads"]);
        const calls = callsOf(state);
        const ups = calls.filter((c) => c.command === "up");
        assert.deepEqual(ups.map((c) => c.project), PROJECTS, "layer order");
        for (const [i, up] of ups.entries()) {
            assert.equal(up.cwd, path.join(REPO_ROOT, Object.values(LAYER_DIRS)[i]), "work dir is the layer folder");
            assert.equal(up.stack, "dev");
            assert.equal(up.configFile, path.join(REPO_ROOT, "Pulumi.dev.yaml"), "config from the root environment file");
            assert.deepEqual(up.policyPacks, ["/packs/platform"], "policy pack applied");
        }
        // each stack is created before it is brought up, and the next layer starts only after it
        assert.deepEqual(
            calls.filter((c) => ["stack select", "stack init", "up"].includes(c.command)).map((c) => `${c.command} ${c.project}`),
            PROJECTS.flatMap((p) => [`stack select ${p}`, `stack init ${p}`, `up ${p}`]),
        );
        for (const dir of Object.values(LAYER_DIRS)) {
            assert.ok(!fs.existsSync(path.join(REPO_ROOT, dir, "Pulumi.dev.yaml")), `no stack settings written into ${dir}`);
        }
        assert.ok(opts.lines.includes("▶ network: up platform-network/dev (infra/network, config Pulumi.dev.yaml)"));
        assert.ok(opts.lines.some((l) => /^✔ network: 7 resources \(create 7\) in /.test(l)), "resource count per layer");
        assert.ok(opts.lines.some((l) => /^✔ cluster: 5 resources \(create 5\) in /.test(l)));
    });

    it("preview selects existing stacks without creating them and previews every layer in order", async () => {
        const state = fakeState({}, deployed("dev"));
        const results = await deliver("preview", "dev", options(state));
        assert.deepEqual(results.map((r) => [r.layer, r.changes]), [["network", { same: 3 }], ["cluster", { same: 3 }], ["addons", { same: 3 }], ["workloads", { same: 3 }]]);
        const calls = callsOf(state);
        assert.ok(!calls.some((c) => c.command === "stack init"), "no stack created");
        assert.deepEqual(calls.filter((c) => c.command === "preview").map((c) => c.project), PROJECTS);
    });

    it("stops at the first failing layer and names it", async () => {
        const state = fakeState({ fail: { project: "platform-cluster", command: "up" } });
        const opts = options(state);
        await assert.rejects(deliver("up", "dev", opts), (e: unknown) => {
            assert.ok(e instanceof LayerFailedError);
            assert.equal(e.layer, "cluster");
            assert.match(e.message, /^up failed in the cluster layer: .*AccessDenied/s);
            return true;
        });
        assert.deepEqual(callsOf(state).filter((c) => c.command === "up").map((c) => c.project), ["platform-network", "platform-cluster"], "addons and workloads not attempted");
        assert.ok(!callsOf(state).some((c) => c.project === "platform-addons" || c.project === "platform-workloads"));
        assert.ok(opts.lines.includes("✗ cluster: up failed"));
    });

    it("validates the environment file before touching any stack", async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "platform-root-"));
        fs.writeFileSync(path.join(root, "Pulumi.dev.yaml"), "config:\n  aws:region: eu-west-1\n  platform:name: acme\n  platform:tier: development\n  platform:vpcCidr: 10.0.0.0/8\n");
        const state = fakeState();
        await assert.rejects(deliver("up", "dev", options(state, { root })), (e: unknown) => e instanceof ConfigError && /platform:availabilityZones: is required/.test(e.message));
        assert.deepEqual(callsOf(state), [], "no Pulumi CLI call");
    });

    it("refuses a layer whose stackConfigDir does not lead to the root environment file", async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "platform-root-"));
        fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), path.join(root, "Pulumi.dev.yaml"));
        for (const dir of Object.values(LAYER_DIRS)) {
            fs.mkdirSync(path.join(root, dir), { recursive: true });
            fs.copyFileSync(path.join(REPO_ROOT, dir, "Pulumi.yaml"), path.join(root, dir, "Pulumi.yaml"));
        }
        fs.writeFileSync(path.join(root, "addons", "Pulumi.yaml"), "name: platform-addons\nruntime: nodejs\n");
        const state = fakeState();
        await assert.rejects(deliver("preview", "dev", options(state, { root })), /addons\/Pulumi\.yaml: stackConfigDir must lead to the repository root/);
        assert.deepEqual(callsOf(state), []);
    });

    it("refuses to destroy a production environment unless it is confirmed by name", async () => {
        const state = fakeState({}, deployed("prod"));
        for (const confirmProduction of [undefined, "dev", "yes"]) {
            await assert.rejects(deliver("destroy", "prod", options(state, { confirmProduction })), /refusing to destroy prod: platform:tier is production; confirm with --yes-destroy-prod prod/);
        }
        assert.deepEqual(callsOf(state), [], "nothing touched");
        // confirmed: it proceeds (here over stacks that do not exist)
        const empty = fakeState();
        const results = await deliver("destroy", "prod", options(empty, { confirmProduction: "prod" }));
        assert.deepEqual(results.map((r) => [r.layer, r.skipped]), [["workloads", "no stack"], ["addons", "no stack"], ["cluster", "no stack"], ["network", "no stack"]]);
        assert.ok(!callsOf(empty).some((c) => c.command === "destroy"));
    });

    it("destroy removes load balancers, then Karpenter's node pools and nodes, then destroys the layers in reverse order", async () => {
        const state = fakeState({ outputs: { "platform-cluster": { kubeconfig: { value: KUBECONFIG, secret: true }, clusterName: { value: "acme-dev" } } } }, deployed("dev"));
        const cluster = fakeCluster(state, [
            { kind: "Service", name: "web", namespace: "shop" },
            { kind: "Ingress", name: "web", namespace: "shop" },
            { kind: "NodePool", name: "default" },
            { kind: "NodeClaim", name: "default-x7k2p" },
            { kind: "Node", name: "node-default-x7k2p" },
        ]);
        const opts = options(state, {
            waits: FAST_WAITS,
            connectCluster: (kubeconfig) => {
                cluster.kubeconfigs.push(kubeconfig);
                return cluster;
            },
        });
        const results = await deliver("destroy", "dev", opts);

        assert.deepEqual(cluster.kubeconfigs, [KUBECONFIG], "the cluster stack's kubeconfig output (a secret) reaches the Kubernetes client");
        assert.deepEqual(results.map((r) => [r.layer, r.changes]), [["workloads", { delete: 3 }], ["addons", { delete: 3 }], ["cluster", { delete: 3 }], ["network", { delete: 3 }]]);
        const timeline = callsOf(state).map((c) => (c.command === "destroy" ? `destroy ${c.project}` : c.command.startsWith("kube delete") ? `${c.command} ${c.argv[1]}` : c.command));
        const at = (entry: string) => {
            const i = timeline.indexOf(entry);
            assert.ok(i >= 0, `${entry} happened`);
            return i;
        };
        const lastIndex = (pred: (e: string) => boolean) => timeline.map(pred).lastIndexOf(true);
        // load balancers first, and waited for until gone, before Karpenter's objects
        assert.ok(at("kube delete Service web") < at("kube delete NodePool default"));
        const lastServiceList = lastIndex((e) => e === "kube list Service" || e === "kube list Ingress");
        assert.ok(lastServiceList > at("kube delete Ingress web") && lastServiceList < at("kube delete NodePool default"), "waited for the load balancers before the node pools");
        // every blocker is gone before any layer is destroyed, and the layers go in reverse order
        const lastKube = lastIndex((e) => e.startsWith("kube"));
        assert.ok(lastKube < at("destroy platform-workloads"));
        assert.deepEqual(timeline.filter((e) => e.startsWith("destroy")), [...PROJECTS].reverse().map((p) => `destroy ${p}`));
        assert.equal(timeline.filter((e) => e === "kube list Node").length > 1, true, "waited for Karpenter's nodes");
        for (const c of callsOf(state).filter((call) => call.command === "destroy")) {
            assert.ok(c.argv.includes("--exclude-protected"), "protected resources (the KMS key, production's VPC and cluster) are kept");
            assert.equal(c.configFile, path.join(REPO_ROOT, "Pulumi.dev.yaml"));
        }
    });

    it("destroy stops before any layer when a load balancer is not removed in time, naming what is left", async () => {
        const state = fakeState({ outputs: { "platform-cluster": { kubeconfig: { value: KUBECONFIG, secret: true } } } }, deployed("dev"));
        const cluster = fakeCluster(state, [{ kind: "Ingress", name: "api", namespace: "shop" }], { stuck: true });
        await assert.rejects(
            deliver("destroy", "dev", options(state, { waits: { ...FAST_WAITS, loadBalancersMs: 50 }, connectCluster: () => cluster })),
            (e: unknown) => e instanceof LayerFailedError && e.layer === "addons" && /waiting for the load balancer controller to remove: Ingress shop\/api/.test(e.message),
        );
        assert.ok(!callsOf(state).some((c) => c.command === "destroy"), "no layer destroyed");
    });

    it("destroy skips layers without a stack, and the blockers when no cluster is deployed", async () => {
        const state = fakeState({}, deployed("dev", ["platform-network"]));
        const opts = options(state, { connectCluster: () => assert.fail("no cluster to connect to") });
        const results = await deliver("destroy", "dev", opts);
        assert.deepEqual(results.map((r) => [r.layer, r.skipped ?? "destroyed"]), [["workloads", "no stack"], ["addons", "no stack"], ["cluster", "no stack"], ["network", "destroyed"]]);
        assert.deepEqual(callsOf(state).filter((c) => c.command === "destroy").map((c) => c.project), ["platform-network"]);
        assert.ok(opts.lines.includes("- no cluster deployed: no load balancers or Karpenter nodes to remove"));
    });

    it("applies the repository's policy pack by default when policy/ holds one", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "platform-root-"));
        assert.deepEqual(defaultPolicyPacks(root), []);
        fs.mkdirSync(path.join(root, "policy"));
        fs.writeFileSync(path.join(root, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\n");
        assert.deepEqual(defaultPolicyPacks(root), [path.join(root, "policy")]);
    });
});
