import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { networkContract } from "../infra/network/contract";
import { LAYER_NAMES, defineLayer } from "../lib/layer";
import { MockEngine } from "../synth/engine";
import { CALL_FIXTURES, RESOURCE_FIXTURES } from "../synth/fixtures";
import { writePlan } from "../synth/output";
import { SynthError, synthesize, type Plan } from "../synth/synth";
import { synthCommand } from "../synth/cli";
import { REPO_ROOT, configWith, layerOf, rejectionOf, resourcesOf, runCli, synthEnv } from "./helpers";

/** A one-layer program standing in for the network layer. */
const fakeLayer = (run: () => Record<string, pulumi.Output<unknown>>) =>
    defineLayer({ name: "network", contract: z.object({}).passthrough(), upstream: {}, run: () => run() as never });

/** Synthesizes fake layers. */
const synthFake = (run: () => Record<string, pulumi.Output<unknown>>, mode: "layered" | "single" = "layered") =>
    synthesize(configWith({}), mode, [fakeLayer(run)]);

describe("synth: the plan", () => {
    let dev: Plan;
    before(async () => {
        dev = await synthEnv("dev");
    });

    it("layered: names the environment and mode, and runs the layers in deployment order", () => {
        assert.equal(dev.environment, "dev");
        assert.equal(dev.mode, "layered");
        assert.equal(dev.layers[0].name, "network");
        const order = dev.layers.map((l) => LAYER_NAMES.indexOf(l.name as (typeof LAYER_NAMES)[number]));
        assert.ok(order.every((i) => i >= 0), `unknown layers: ${dev.layers.map((l) => l.name).join(", ")}`);
        assert.deepEqual(order, [...order].sort((a, b) => a - b));
    });

    it("layered: each layer is its own stack, platform-<layer>/<env>", () => {
        for (const layer of dev.layers) {
            assert.equal(layer.project, `platform-${layer.name}`);
            assert.equal(layer.stack, "dev");
        }
        assert.deepEqual(Object.keys(layerOf(dev, "network").outputs).sort(), Object.keys(networkContract.shape).sort());
    });

    it("resources: urn, type, name, parent, dependsOn and inputs, in the layer's own stack", () => {
        for (const layer of dev.layers) {
            assert.ok(layer.resources.length > 0, layer.name);
            for (const r of layer.resources) {
                assert.ok(r.urn.startsWith(`urn:pulumi:dev::${layer.project}::`), r.urn);
                assert.ok(r.urn.endsWith(`::${r.name}`), r.urn);
                assert.equal(typeof r.type, "string");
                assert.equal(typeof r.parent, "string", `${r.urn} has a parent`);
                assert.ok(Array.isArray(r.dependsOn));
                assert.equal(typeof r.inputs, "object");
                assert.ok(r.inputs !== null && !Array.isArray(r.inputs));
            }
        }
    });

    it("resources: every parent and dependency is a resource of the same layer (or its stack)", () => {
        for (const layer of dev.layers) {
            const stackUrn = `urn:pulumi:dev::${layer.project}::pulumi:pulumi:Stack::${layer.project}-dev`;
            const urns = new Set(layer.resources.map((r) => r.urn));
            for (const r of layer.resources) {
                assert.ok(r.parent === stackUrn || urns.has(r.parent!), `${r.urn}: unknown parent ${r.parent}`);
                for (const d of r.dependsOn) assert.ok(urns.has(d), `${r.urn}: unknown dependency ${d}`);
            }
        }
    });

    it("resources: dependencies follow the data flow (a peering route depends on its peering connection)", () => {
        const [pcx] = resourcesOf(dev, "network", "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        const routes = resourcesOf(dev, "network", "aws:ec2/route:Route").filter((r) => r.inputs.vpcPeeringConnectionId);
        assert.ok(routes.length > 0);
        for (const r of routes) {
            assert.ok(r.dependsOn.includes(pcx.urn), r.urn);
            assert.equal(r.parent, resourcesOf(dev, "network", "platform:network:Peering")[0].urn);
        }
    });

    it("single: one layer \"platform\" in the root project, outputs grouped by layer", async () => {
        const plan = await synthEnv("prod", "single");
        assert.equal(plan.mode, "single");
        assert.equal(plan.environment, "prod");
        assert.equal(plan.layers.length, 1);
        const [root] = plan.layers;
        assert.deepEqual([root.name, root.project, root.stack], ["platform", "platform", "prod"]);
        assert.equal(Object.keys(root.outputs)[0], "network");
        for (const key of Object.keys(root.outputs)) assert.ok((LAYER_NAMES as readonly string[]).includes(key), key);
        assert.ok(networkContract.safeParse(root.outputs.network).success);
        assert.ok(root.resources.every((r) => r.urn.startsWith("urn:pulumi:prod::platform::")));
        assert.equal(resourcesOf(plan, "platform", "aws:ec2/vpc:Vpc").length, 1);
    });

    it("single and layered give the network layer the same outputs", async () => {
        const plan = await synthEnv("dev", "single");
        assert.deepEqual(layerOf(plan, "platform").outputs.network, layerOf(dev, "network").outputs);
    });
});

describe("synth: memory", () => {
    it("collects garbage before each layer and before the plays when the process allows it (node --expose-gc, as the npm scripts start it)", async () => {
        const global_ = globalThis as { gc?: () => void };
        const before = global_.gc;
        let calls = 0;
        global_.gc = () => calls++;
        try {
            const { plan } = await synthesize(configWith({}), "layered", undefined, undefined, []);
            assert.equal(calls, plan.layers.length + 1);
        } finally {
            global_.gc = before;
        }
        const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        for (const cli of ["synth", "policy", "images"]) assert.match(scripts[cli], /^node --expose-gc --max-semi-space-size=\d+ build\/run\.cjs /, cli);
    });
});

describe("synth: the mock engine fails loudly", () => {
    it("on a remote component without a fixture, naming its type", async () => {
        const engine = new MockEngine("eu-west-1", {}, CALL_FIXTURES);
        await engine.install("platform-network", "test", "organization");
        const err = await rejectionOf(
            engine.run(async () => ({ name: new eks.Cluster("v", {}).eksCluster.name })),
        );
        const message = 'no fixture for the remote component eks:index:Cluster ("v"): add one to synth/fixtures.ts';
        assert.ok(err.message.includes(message), err.message);
        assert.ok(engine.errors.includes(message), engine.errors.join("\n"));
    });

    it("on a data-source call without a fixture, naming its token", async () => {
        const engine = new MockEngine("eu-west-1", RESOURCE_FIXTURES, {});
        await engine.install("platform-network", "test", "organization");
        await rejectionOf(
            engine.run(async () => ({ account: aws.getCallerIdentityOutput({}).accountId })),
        );
        assert.ok(
            engine.errors.includes("no fixture for the data source aws:index/getCallerIdentity:getCallerIdentity: add one to synth/fixtures.ts"),
            engine.errors.join("\n"),
        );
    });

    // BUG (synth/engine.ts, MockEngine.call/fail): the Pulumi runtime rethrows a failed invoke as
    // `new Error(err.details)`, and the engine's plain Error has no `details`, so the error that
    // reaches the program (and engine.run) has an empty message; only engine.errors names the
    // token. synthesize() still reports it because SynthError appends engine.errors.
    it("on a data-source call without a fixture, the error the program sees names the token", async () => {
        const engine = new MockEngine("eu-west-1", RESOURCE_FIXTURES, {});
        await engine.install("platform-network", "test", "organization");
        const err = await rejectionOf(
            engine.run(async () => ({ account: aws.getCallerIdentityOutput({}).accountId })),
        );
        assert.match(err.message, /aws:index\/getCallerIdentity:getCallerIdentity/);
    });

    it("synthesize: a data source without a fixture fails the synth with a SynthError naming the token", async () => {
        const err = await rejectionOf(synthFake(() => ({ vpc: aws.ec2.getVpcOutput({ id: "vpc-0123456789abcdef0" }).id })));
        assert.ok(err instanceof SynthError, String(err));
        assert.ok(err.problems.includes("network: no fixture for the data source aws:ec2/getVpc:getVpc: add one to synth/fixtures.ts"), err.message);
    });

    it("synthesize: a remote component without a fixture fails the synth with a SynthError naming the type", async () => {
        const err = await rejectionOf(synthFake(() => {
            const thing = new pulumi.ComponentResource("fake:index:Thing", "thing", {}, {}, true);
            return { urn: thing.urn };
        }));
        assert.ok(err instanceof SynthError, String(err));
        assert.ok(err.problems.includes('network: no fixture for the remote component fake:index:Thing ("thing"): add one to synth/fixtures.ts'), err.message);
    });
});

describe("synth: no error vanishes (synth/failures.ts)", () => {
    const boom = (what: string) => (): string => {
        throw new Error(what);
    };

    it("a throw inside apply fails the synth, naming the layer, the resources it kept from registering, their component and the reason", async () => {
        const err = await rejectionOf(synthFake(() => {
            const parent = new pulumi.ComponentResource("platform:network:Thing", "thing");
            const value = pulumi.output("x").apply(boom("the thing is broken"));
            const a = new aws.ssm.Parameter("a", { type: "String", value }, { parent });
            new aws.ssm.Parameter("b", { type: "String", value: a.value }, { parent });
            new aws.ssm.Parameter("fine", { type: "String", value: "ok" });
            return {};
        }));
        assert.ok(err instanceof SynthError, String(err));
        assert.deepEqual(err.problems, [
            'network: the thing is broken: not registered (in platform:network:Thing "thing"): aws:ssm/parameter:Parameter "a", aws:ssm/parameter:Parameter "b"',
        ]);
    });

    it("a throw inside apply that only a stack output reads fails the synth", async () => {
        const err = await rejectionOf(synthFake(() => ({ checked: pulumi.output(1).apply(boom("the check failed")) })));
        assert.ok(err instanceof SynthError, String(err));
        assert.deepEqual(err.problems, ["network: the check failed"]);
    });

    it("a rejected promise nobody awaits fails the synth", async () => {
        const err = await rejectionOf(synthFake(() => {
            void Promise.reject(new Error("a forgotten promise failed"));
            return {};
        }));
        assert.ok(err instanceof SynthError, String(err));
        assert.deepEqual(err.problems, ["network: a forgotten promise failed"]);
    });

    it("a component that throws while it is built fails the synth, naming the layer", async () => {
        const err = await rejectionOf(synthFake(() => {
            boom("the component refused its args")();
            return {};
        }));
        assert.ok(err instanceof SynthError, String(err));
        assert.deepEqual(err.problems, ["network: the component refused its args"]);
    });

    it("the process's own unhandled-rejection listeners are back after the run", async () => {
        const before = process.listeners("unhandledRejection");
        await rejectionOf(synthFake(() => ({ checked: pulumi.output(1).apply(boom("x")) })));
        assert.deepEqual(process.listeners("unhandledRejection"), before);
    });
});

describe("synth: secrets", () => {
    it("a secret output is shown as [secret] in the plan, the others as their value", async () => {
        const { plan } = await synthFake(() => ({ token: pulumi.secret("hunter2"), region: pulumi.output("eu-west-1") }));
        assert.deepEqual(layerOf(plan, "network").outputs, { token: "[secret]", region: "eu-west-1" });
    });

    it("single mode: a secret output nested under its layer is shown as [secret]", async () => {
        const { plan } = await synthFake(() => ({ token: pulumi.secret("hunter2"), region: pulumi.output("eu-west-1") }), "single");
        assert.deepEqual(layerOf(plan, "platform").outputs, { network: { token: "[secret]", region: "eu-west-1" } });
    });

    it("a secret input is shown as [secret], and plan.json never holds the value", async () => {
        const { plan } = await synthFake(() => {
            // Through a provider with the common tags, as every layer's AWS resource (play aws-provider).
            const provider = new aws.Provider("aws-network", { region: "eu-west-1", defaultTags: { tags: { "platform:name": "acme", "platform:environment": "test", "platform:layer": "network", "platform:managed-by": "pulumi" } } });
            const p = new aws.ssm.Parameter("p", { type: "SecureString", value: pulumi.secret("hunter2") }, { provider });
            return { parameter: p.name, token: pulumi.secret("hunter3") };
        });
        const [parameter] = resourcesOf(plan, "network", "aws:ssm/parameter:Parameter");
        assert.equal(parameter.inputs.value, "[secret]");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-secrets-"));
        try {
            const [file] = writePlan(plan, dir);
            const text = fs.readFileSync(file, "utf8");
            assert.ok(!text.includes("hunter2") && !text.includes("hunter3"), "a secret value in plan.json");
            assert.ok(text.includes('"[secret]"'));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("synth: the CLI (synth/cli.ts)", () => {
    let tmp: string;
    /** In-process: what the command does. */
    const cli = (...args: string[]) => runCli(synthCommand, args);
    /** A real process of the compiled entry `npm run synth` runs: its writes end before the process does. */
    const process_ = (...args: string[]) =>
        spawnSync(process.execPath, [path.join(REPO_ROOT, "build/run.cjs"), "synth/cli.ts", ...args], {
            cwd: REPO_ROOT,
            encoding: "utf8",
        });

    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "synth-cli-"));
    });
    afterEach(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("an invalid config: exits non-zero, prints every problem, writes nothing", async () => {
        const file = path.join(tmp, "Pulumi.bad.yaml");
        fs.writeFileSync(file, [
            "config:",
            "  aws:region: eu-west-1",
            "  platform:name: acme",
            "  platform:tier: development",
            "  platform:availabilityZones: [eu-west-1a]",
            "  platform:vpcCidr: 10.0.0.0/33",
            "  platform:bogus: 1",
            "",
        ].join("\n"));
        const out = path.join(tmp, "out");
        const result = await cli("--config", file, "--out", out);
        assert.equal(result.status, 1, result.stderr);
        for (const problem of [
            "platform:bogus: is not a known setting (see the config reference in README.md)",
            "platform:availabilityZones: needs at least 2 availability zones",
            'platform:vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR',
        ]) {
            assert.ok(result.stderr.includes(`  - ${problem}\n`), `missing "${problem}" in:\n${result.stderr}`);
        }
        assert.ok(result.stderr.includes(`invalid config in ${file}:`), result.stderr);
        assert.ok(result.stderr.includes("nothing was written"), result.stderr);
        assert.equal(fs.existsSync(out), false, "the CLI wrote to --out");
    });

    it("a valid config: writes plan.json into --out/<env>, the env named by the file (a real process of the compiled CLI)", () => {
        const file = path.join(tmp, "Pulumi.qa.yaml");
        // The dev file under another name: its teams' secrets and buckets follow the environment's name.
        fs.writeFileSync(file, fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8").replaceAll("dev/", "qa/").replaceAll("acme-dev-", "acme-qa-"));
        const out = path.join(tmp, "out");
        const result = process_("--config", file, "--out", out);
        assert.equal(result.status, 0, result.stderr);
        const plan = JSON.parse(fs.readFileSync(path.join(out, "qa", "plan.json"), "utf8")) as Plan;
        assert.equal(plan.environment, "qa");
        assert.equal(plan.mode, "layered");
        assert.deepEqual(plan.layers.map((l) => l.stack), plan.layers.map(() => "qa"));
        assert.equal(plan.layers[0].outputs.vpcCidr, "10.20.0.0/16");
        assert.ok(result.stdout.includes("environment qa (layered)"), result.stdout);
    });

    it("an environment that does not match the --config file is refused (exit 2)", async () => {
        const file = path.join(tmp, "Pulumi.qa.yaml");
        fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), file);
        const result = await cli("prod", "--config", file, "--out", path.join(tmp, "out"));
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, /is the qa environment, not prod/);
        assert.equal(fs.existsSync(path.join(tmp, "out")), false);
    });
});
