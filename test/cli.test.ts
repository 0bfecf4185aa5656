// The npm-script CLIs (issue 20): one parser, `--help` prints the usage (exit 0), a bad argument
// prints one line naming it (exit 2, no stack trace), a report has `--json`.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Command } from "commander";
import { runCommand, type Io } from "../lib/commandLine";
import { policyCommand } from "../policy/cli";
import { synthCommand } from "../synth/cli";
import { imagesCommand } from "../synth/imagesCli";
import { REPO_ROOT } from "./helpers";

function capture(): Io & { stdout: string[]; stderr: string[] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

const COMMANDS: [string, (io: Io) => Command][] = [
    ["synth", synthCommand],
    ["policy", policyCommand],
    ["images", imagesCommand],
];

async function run(make: (io: Io) => Command, argv: string[]) {
    const io = capture();
    const code = await runCommand(make(io), argv, io);
    return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("") };
}

describe("the CLIs (synth, policy, images)", function () {
    this.timeout(120_000);

    for (const [name, make] of COMMANDS) {
        describe(`npm run ${name}`, () => {
            it("--help prints the usage and exits 0", async () => {
                const { code, stdout } = await run(make, ["--help"]);
                assert.equal(code, 0);
                assert.match(stdout, new RegExp(`^Usage: npm run ${name} -- \\[options\\] \\[env\\]`));
                assert.match(stdout, /--config <file>/);
                assert.match(stdout, /--json/);
            });

            for (const [argv, message] of [
                [["dev", "--bogus"], /^error: unknown option '--bogus'\n/],
                [["dev", "prod"], /^error: too many arguments/],
                [[], /^error: name an environment \(dev, prod\) or --config <file>\n/],
                [["staging"], /^error: unknown environment "staging": no Pulumi\.staging\.yaml \(environments: dev, prod\)\n/],
                [["--config", "/nowhere/Pulumi.x.yaml"], /^error: --config \/nowhere\/Pulumi\.x\.yaml: no such file\n/],
                [["prod", "--config", path.join(REPO_ROOT, "Pulumi.dev.yaml")], /^error: --config .*Pulumi\.dev\.yaml is the dev environment, not prod\n/],
            ] as const) {
                it(`${argv.join(" ") || "(no arguments)"}: exit 2, one line and the hint, no stack trace`, async () => {
                    const { code, stdout, stderr } = await run(make, [...argv]);
                    assert.equal(code, 2, stderr);
                    assert.equal(stdout, "");
                    assert.match(stderr, message);
                    assert.match(stderr, new RegExp(`\\(npm run ${name} -- --help for the usage\\)\\n?$`));
                    assert.equal(stderr.trim().split("\n").length, 2, stderr);
                });
            }
        });
    }

    it("a real process: the same exit code and no stack trace (node build/run.cjs synth/cli.ts --bogus, as npm run synth)", () => {
        const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, "build", "run.cjs"), "synth/cli.ts", "--bogus"], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.equal(cli.status, 2, cli.stderr);
        assert.match(cli.stderr, /^error: unknown option '--bogus'/);
        assert.doesNotMatch(cli.stderr, /\n {4}at /);
    });

    it("a config error exits 1 with its message, without a stack trace", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
        const file = path.join(dir, "Pulumi.broken.yaml");
        fs.writeFileSync(file, "config:\n  aws:region: eu-west-1\n  platform:name: acme\n");
        const { code, stderr } = await run(policyCommand, ["--config", file]);
        assert.equal(code, 1);
        assert.match(stderr, /platform:tier|platform:availabilityZones/);
        assert.doesNotMatch(stderr, /\n {4}at /);
    });

    it("policy --plan: excludes an environment (usage, exit 2); a file that is no plan exits 1", async () => {
        const both = await run(policyCommand, ["dev", "--plan", "out/dev/plan.json"]);
        assert.equal(both.code, 2);
        assert.match(both.stderr, /^error: --plan takes no environment, --config or --single\n/);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
        fs.writeFileSync(path.join(dir, "plan.json"), "{}");
        const notPlan = await run(policyCommand, ["--plan", path.join(dir, "plan.json")]);
        assert.equal(notPlan.code, 1);
        assert.match(notPlan.stderr, /not a plan written by npm run synth/);
    });

    it("policy --json: the verdict, the counts and every finding", async () => {
        const { code, stdout } = await run(policyCommand, ["dev", "--json"]);
        assert.equal(code, 0);
        const report = JSON.parse(stdout) as { environment: string; verdict: string; violations: { mandatory: number; advisory: number }; findings: { rule: string; severity: string; ok: boolean }[] };
        assert.equal(report.environment, "dev");
        assert.equal(report.verdict, "pass");
        assert.equal(report.violations.mandatory, 0);
        assert.ok(report.findings.length > 20);
        assert.ok(report.findings.every((f) => ["mandatory", "advisory"].includes(f.severity)));
    });

    it("synth --json and images --json: the plan's summary and the cache's images, as JSON", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "cli-out-"));
        const synth = await run(synthCommand, ["prod", "--json", "--out", out]);
        assert.equal(synth.code, 0, synth.stderr);
        const summary = JSON.parse(synth.stdout) as { environment: string; layers: { project: string; resources: number }[]; policy: { verdict: string }; written: string[] };
        assert.deepEqual(summary.layers.map((l) => l.project), ["platform-network", "platform-cluster", "platform-addons", "platform-workloads"]);
        assert.equal(summary.policy.verdict, "pass");
        assert.ok(fs.existsSync(path.join(out, "prod", "plan.json")));
        // The deploy path beside the plan, as markdown and the same as JSON.
        for (const file of ["deploy-path.md", "deploy-path.json"]) assert.ok(summary.written.includes(path.join(out, "prod", file)), file);
        const deployPath = JSON.parse(fs.readFileSync(path.join(out, "prod", "deploy-path.json"), "utf8")) as { environment: string; kubernetesApi: { access: string } };
        assert.deepEqual([deployPath.environment, deployPath.kubernetesApi.access], ["prod", "private only"]);
        assert.match(fs.readFileSync(path.join(out, "prod", "deploy-path.md"), "utf8"), /^# Deploy path of prod \(layered\)/);
        const images = await run(imagesCommand, ["prod", "--json", "--out", out]);
        assert.equal(images.code, 0, images.stderr);
        const list = JSON.parse(images.stdout) as { registry: string; images: { cached: string }[]; written: string };
        assert.match(list.registry, /^\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com$/);
        assert.ok(list.images.length >= 30);
        assert.ok(fs.existsSync(list.written));
    });
});
