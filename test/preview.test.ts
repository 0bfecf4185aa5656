// npm run preview (issue 20) against the recording stand-in for the Pulumi CLI: it never creates or
// changes a stack, shows each layer's diff and every policy finding (mandatory and advisory), and
// its CLI behaves (usage, one-line errors, --json, a missing Pulumi CLI).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deliveryMain } from "../delivery/cli";
import { PreviewFailedError, deliver } from "../delivery/orchestrate";
import { PulumiMissingError, pulumiOnPath } from "../delivery/layerRun";
import type { Io } from "../lib/commandLine";
import { PROJECTS, callsOf, deployed, fakePulumi, fakeState, options } from "./fakePulumi";

/** Captures what a command prints. */
function capture(): Io & { stdout: string[]; stderr: string[] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

const stacksFile = (state: string): unknown => JSON.parse(fs.readFileSync(path.join(state, "stacks.json"), "utf8"));

describe("npm run preview", function () {
    this.timeout(120_000);

    before(async () => {
        await fakePulumi();
    });

    it("never creates a stack: layers without one are named and skipped, the stand-in's stacks unchanged", async () => {
        const state = fakeState({}, deployed("dev", ["platform-network"]));
        const before = stacksFile(state);
        const opts = options(state);
        const results = await deliver("preview", "dev", opts);
        const calls = callsOf(state);
        assert.ok(!calls.some((c) => c.command === "stack init"), "no stack init");
        assert.ok(!calls.some((c) => ["up", "destroy", "refresh"].includes(c.command)), "nothing changes a stack");
        assert.deepEqual(calls.filter((c) => c.command === "preview").map((c) => c.project), ["platform-network"]);
        assert.deepEqual(results.map((r) => [r.layer, r.skipped ?? "previewed"]), [["network", "previewed"], ["cluster", "no stack"], ["addons", "no stack"], ["workloads", "no stack"]]);
        assert.ok(opts.lines.includes("- cluster: no stack platform-cluster/dev, `npm run up -- dev` creates it; `npm run synth -- dev` shows what it would deploy"));
        assert.deepEqual(stacksFile(state), before, "the stand-in's stacks are as they were");
    });

    it("shows each layer's diff and every policy finding, advisory ones included", async () => {
        const policy = { "platform-addons": [{ policy: "helm-chart-pinned", level: "advisory", message: "chart version is a range" }] };
        const state = fakeState({ policy }, deployed("dev"));
        const opts = options(state);
        const results = await deliver("preview", "dev", opts);
        for (const c of callsOf(state).filter((call) => call.command === "preview")) assert.ok(c.argv.includes("--diff"), `${c.project}: preview --diff`);
        for (const r of results) assert.match(r.diff ?? "", /fake:index:Thing: \(same\)/, `${r.layer}: its diff`);
        assert.ok(opts.lines.some((l) => l.includes("│ ") && l.includes("[urn=urn:pulumi:dev::platform-workloads::fake:index:Thing::thing-0]")), "the diff is printed");
        const addons = results.find((r) => r.layer === "addons");
        assert.deepEqual(addons?.findings.map((f) => [f.policy, f.level, f.message]), [["helm-chart-pinned", "advisory", "chart version is a range"]]);
        assert.ok(opts.lines.some((l) => /warn {2}helm-chart-pinned \[advisory\] urn:pulumi:dev::platform-addons::.*: chart version is a range/.test(l)), opts.lines.join("\n"));
    });

    it("previews every layer even when one fails on a mandatory finding, then fails naming it", async () => {
        const policy = { "platform-cluster": [{ policy: "eks-secrets-encrypted", level: "mandatory", message: "no KMS key" }, { policy: "eks-logging", level: "advisory", message: "audit log off" }] };
        const state = fakeState({ policy }, deployed("dev"));
        const opts = options(state);
        await assert.rejects(deliver("preview", "dev", opts), (e: unknown) => {
            assert.ok(e instanceof PreviewFailedError);
            assert.deepEqual(e.failures.map((f) => f.layer), ["cluster"]);
            assert.deepEqual(e.results.find((r) => r.layer === "cluster")?.findings.map((f) => f.level), ["mandatory", "advisory"]);
            return true;
        });
        assert.deepEqual(callsOf(state).filter((c) => c.command === "preview").map((c) => c.project), PROJECTS, "every layer previewed");
        assert.ok(opts.lines.some((l) => /FAIL {2}eks-secrets-encrypted \[mandatory\]/.test(l)));
        assert.ok(opts.lines.some((l) => /warn {2}eks-logging \[advisory\]/.test(l)));
    });

    it("the CLI: --json prints the layers' results; a failed preview exits 1 with the reason", async () => {
        const state = fakeState({}, deployed("dev"));
        const io = capture();
        const code = await deliveryMain(["preview", "dev", "--json"], io, options(state));
        assert.equal(code, 0, io.stderr.join(""));
        const json = JSON.parse(io.stdout.join("")) as { ok: boolean; layers: { layer: string; diff: string }[] };
        assert.equal(json.ok, true);
        assert.deepEqual(json.layers.map((l) => l.layer), ["network", "cluster", "addons", "workloads"]);

        const failing = fakeState({ policy: { "platform-network": [{ policy: "vpc-flow-logs", level: "mandatory", message: "off" }] } }, deployed("dev"));
        const io2 = capture();
        assert.equal(await deliveryMain(["preview", "dev"], io2, options(failing)), 1);
        assert.match(io2.stderr.join(""), /^preview failed in the network layer: .*mandatory policy violation/s);
        assert.doesNotMatch(io2.stderr.join(""), /\n {4}at /, "no stack trace");
    });

    it("the CLI: --help, bad arguments and an unknown environment exit with the usage code, one line, no stack trace", async () => {
        const help = capture();
        assert.equal(await deliveryMain(["preview", "--help"], help), 0);
        assert.match(help.stdout.join(""), /^Usage: npm run preview -- \[options\] <env>/);
        for (const [argv, message] of [
            [["preview"], /error: missing required argument 'env'/],
            [["preview", "dev", "--bogus"], /error: unknown option '--bogus'/],
            [["preview", "dev", "--yes-destroy-prod", "dev"], /error: unknown option '--yes-destroy-prod'/],
            [["preview", "staging"], /error: unknown environment "staging": no Pulumi\.staging\.yaml \(environments: dev, prod\)/],
            [["deploy", "dev"], /error: the first argument is the operation: up, preview, destroy/],
            [["destroy", "prod"], /error: refusing to destroy prod: platform:tier is production; confirm with --yes-destroy-prod prod/],
        ] as const) {
            const io = capture();
            assert.equal(await deliveryMain([...argv], io, { pulumi: await fakePulumi(), envVars: { FAKE_PULUMI_STATE: fakeState() }, log: () => undefined }), 2, argv.join(" "));
            const err = io.stderr.join("");
            assert.match(err, message);
            assert.doesNotMatch(err, /\n {4}at /, "no stack trace");
        }
    });

    it("a missing Pulumi CLI is named, with what to do, not `spawn pulumi ENOENT`", async () => {
        const enoent = Object.assign(new Error("Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT"), { code: "ENOENT" });
        await assert.rejects(pulumiOnPath(() => Promise.reject(enoent)), (e: unknown) => e instanceof PulumiMissingError && /Pulumi CLI \(`pulumi`\) is not on the PATH: install it/.test(e.message));
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
        const savedPath = process.env.PATH;
        process.env.PATH = empty;
        try {
            const io = capture();
            assert.equal(await deliveryMain(["preview", "dev"], io, { log: () => undefined }), 1);
            assert.match(io.stderr.join(""), /^the Pulumi CLI \(`pulumi`\) is not on the PATH/);
        } finally {
            process.env.PATH = savedPath;
        }
    });
});
