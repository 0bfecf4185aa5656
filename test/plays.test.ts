// The plays framework: the plan records what the engine answered, the view answers the plays'
// questions, and any play's problem fails the synth and `npm run policy -- --plan`.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkPlan, runPlays } from "../plays";
import { integrity } from "../plays/integrity";
import { play } from "../plays/play";
import { PlanView } from "../plays/view";
import { readPlanFile } from "../synth/output";
import { SynthError, synthesize, type Plan } from "../synth/synth";
import { envConfig, layerOf, resourceOf, synthEnv } from "./helpers";

const clone = (plan: Plan): Plan => structuredClone(plan);

describe("plays: the plan a check can follow", () => {
    it("records each resource's id and the outputs the engine answered beyond its inputs", async () => {
        const plan = await synthEnv("prod");
        const cluster = resourceOf(plan, "cluster", "eks:index:Cluster", "acme-prod");
        assert.match(String(cluster.outputs?.clusterSecurityGroupId), /^sg-/);
        const view = new PlanView(plan);
        const vpcs = view.ofType("aws:ec2/vpc:Vpc", "awsx:ec2:Vpc");
        assert.ok(vpcs.length > 0, "the plan has a VPC");
        for (const r of view.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:")) ) {
            assert.ok(r.id, `${r.urn} has the id the engine answered`);
            assert.equal(view.resolve(r.id)?.id, r.id, `${r.id} resolves to a resource`);
        }
        assert.equal(plan.tier, "production");
        assert.match(plan.accountId, /^\d{12}$/);
    });

    it("orders resources: a later layer after every earlier one, within a stack only by dependencies", async () => {
        const plan = await synthEnv("prod");
        const view = new PlanView(plan);
        const vpc = layerOf(plan, "network").resources.find((r) => r.custom) as Plan["layers"][0]["resources"][0];
        const ns = layerOf(plan, "workloads").resources.find((r) => r.type === "kubernetes:core/v1:Namespace") as typeof vpc;
        assert.ok(view.after(ns, vpc) && !view.after(vpc, ns));
        // The same two resources in one stack: only the dependency graph orders them.
        const single = clone(plan);
        single.mode = "single";
        const flat = new PlanView(single);
        assert.equal(flat.after(ns, vpc), ns.dependsOn.includes(vpc.urn) || flat.after(ns, vpc));
        const made = { ...ns, urn: `${ns.urn}-copy`, dependsOn: [vpc.urn] };
        single.layers[3].resources.push(made);
        assert.ok(new PlanView(single).after(made, vpc));
        // Waiting for a component waits for its children.
        const component = layerOf(plan, "workloads").resources.find((r) => !r.custom && r.type.startsWith("platform:")) as typeof vpc;
        const child = view.childrenOf(component.urn).find((c) => c.custom) as typeof vpc;
        const waiter = { ...ns, urn: `${ns.urn}-waiter`, dependsOn: [component.urn] };
        single.layers[3].resources.push(waiter);
        assert.ok(new PlanView(single).after(waiter, child), "a resource that waits for a component waits for its children");
    });

    it("lists the manifests and Helm releases as planned", async () => {
        const view = new PlanView(await synthEnv("prod"));
        assert.ok(view.manifests().some(({ manifest }) => manifest.kind === "Namespace"));
        assert.ok(view.releases().every((r) => r.chart && r.version), "every release has a chart and a version");
    });
});

describe("plays: any problem fails", () => {
    it("plan-integrity passes on dev and prod and names a dependency an edited plan lost", async () => {
        for (const env of ["dev", "prod"]) assert.deepEqual(runPlays(await synthEnv(env), [integrity]), []);
        const plan = clone(await synthEnv("prod"));
        const victim = plan.layers[1].resources.find((r) => r.dependsOn.length > 0) as Plan["layers"][0]["resources"][0];
        victim.dependsOn.push("urn:pulumi:prod::platform-cluster::aws:iam/role:Role::gone");
        const problems = runPlays(plan, [integrity]);
        assert.equal(problems.length, 1);
        assert.equal(problems[0].resource, victim.urn);
        assert.match(problems[0].message, /aws:iam\/role:Role::gone, which is not in the plan/);
    });

    it("a play's problem fails the synth, naming the play and the resource, before anything is written", async () => {
        const refuseNamespaces = play({ id: "no-namespaces", description: "test play" }, (view, problem) =>
            view.ofType("kubernetes:core/v1:Namespace").map((r) => problem("namespaces refused here", r.urn)),
        );
        await assert.rejects(synthesize(envConfig("dev"), "layered", undefined, undefined, [refuseNamespaces]), (err: unknown) => {
            assert.ok(err instanceof SynthError);
            assert.match(err.problems[0], /^\[no-namespaces\] kubernetes:core\/v1:Namespace \S+: namespaces refused here$/);
            return true;
        });
    });

    it("checkPlan runs the plays and the policy rules over a plan file (npm run policy -- --plan)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        const file = path.join(dir, "plan.json");
        fs.writeFileSync(file, JSON.stringify(await synthEnv("prod")));
        const { problems, report } = checkPlan(readPlanFile(file));
        assert.deepEqual(problems, []);
        assert.ok(report.rows.length > 0 && report.rows.every((r) => r.finding.ok || r.rule.severity !== "mandatory"));
        fs.writeFileSync(file, "{}");
        assert.throws(() => readPlanFile(file), /not a plan written by npm run synth/);
    });
});
