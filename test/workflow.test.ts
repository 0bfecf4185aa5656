// The GitHub Actions workflows: valid for GitHub's own workflow parser, the pull-request checks and
// previews in layer order, deploys of dev then prod behind an approval, credentials only through OIDC.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { LAYER_NAMES } from "../lib/layer";
import { LAYER_DIRS, REPO_ROOT } from "../lib/layers";
import { deployPath } from "../synth/deployPath";
import { synthEnv } from "./helpers";

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
    "working-directory"?: string;
}
interface Job {
    needs?: string | string[];
    "runs-on"?: string | string[];
    uses?: string;
    with?: Record<string, unknown>;
    environment?: string | { name: string };
    permissions?: Record<string, string>;
    strategy?: { matrix?: Record<string, unknown> };
    steps?: Step[];
}
interface Workflow {
    on: Record<string, unknown> & { workflow_call?: { inputs: Record<string, { type: string; default?: unknown; required?: boolean }> } };
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const read = (file: string): Workflow => YAML.parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
const pr = read("pull-request.yml");
const deploy = read("deploy.yml");
const layerWorkflow = read("layer.yml");
const ENVS = fs.readdirSync(REPO_ROOT).flatMap((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1] ?? []).sort();
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : ([] as string[]).concat(job.needs));
const allSteps = (): Step[] => files.flatMap((f) => Object.values(read(f).jobs).flatMap((j) => j.steps ?? []));

// GitHub's parser ships as an ES module importing JSON without import attributes: tsx's ESM loader
// takes it (its API has ESM types only, which this CommonJS project's resolution does not read).
const TSX_ESM_API = "tsx/esm/api";
async function importWorkflowParser(): Promise<typeof import("@actions/workflow-parser")> {
    const { tsImport } = (await import(TSX_ESM_API)) as { tsImport(specifier: string, parent: string): Promise<unknown> };
    return (await tsImport("@actions/workflow-parser", __filename)) as typeof import("@actions/workflow-parser");
}

describe("CI workflows", () => {
    it("are valid GitHub Actions workflows (GitHub's @actions/workflow-parser)", async () => {
        const parser = await importWorkflowParser();
        assert.deepEqual(files.sort(), ["deploy.yml", "layer.yml", "pull-request.yml"]);
        for (const file of files) {
            const result = parser.parseWorkflow({ name: file, content: fs.readFileSync(path.join(WORKFLOWS, file), "utf8") }, new parser.NoOperationTraceWriter());
            assert.deepEqual(result.context.errors.getErrors().map((e) => e.message), [], file);
            assert.ok(result.value, file);
            const template = await parser.convertWorkflowTemplate(result.context, result.value);
            assert.deepEqual((template.errors ?? []).map((e) => e.Message), [], file);
        }
    });

    describe("on a pull request", () => {
        it("installs, type-checks, lints and runs the tests", () => {
            assert.ok("pull_request" in pr.on);
            const runs = (pr.jobs.check.steps ?? []).map((s) => s.run);
            for (const command of ["npm ci --no-audit --no-fund", "npm run typecheck", "npm run lint", "npm run unit"]) assert.ok(runs.includes(command), command);
        });

        it("synthesizes every environment, diffs plan.json against the base branch into the job summary, then runs the policy pack", () => {
            const synth = pr.jobs.synth;
            assert.deepEqual(needsOf(synth), ["check"]);
            assert.deepEqual(synth.strategy?.matrix?.env, ENVS);
            const steps = synth.steps ?? [];
            assert.ok(steps.some((s) => s.uses?.startsWith("actions/checkout@") && s.with?.ref === "${{ github.event.pull_request.base.sha }}"), "base branch checked out");
            const runs = steps.map((s) => s.run ?? "");
            const index = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
            assert.ok(index(/^npm run synth -- \$\{\{ matrix\.env \}\}$/) >= 0);
            const diff = index(/diff -u "\$base" "\$head"[\s\S]*>> "\$GITHUB_STEP_SUMMARY"/);
            assert.ok(diff >= 0, "the plan diff goes to the job summary");
            assert.match(runs[diff], /base=base\/out\/\$ENV_NAME\/plan\.json/);
            assert.ok(index(/^npm run policy -- \$\{\{ matrix\.env \}\}$/) > diff, "policy pack over the synth");
        });

        it("previews every layer and environment in layer order, commented on the pull request, with the policy pack", () => {
            const previews = LAYER_NAMES.map((name) => [name, pr.jobs[`preview-${name}`]] as const);
            for (const [i, [name, job]] of previews.entries()) {
                assert.ok(job, `job preview-${name}`);
                assert.deepEqual(needsOf(job), [i === 0 ? "synth" : `preview-${LAYER_NAMES[i - 1]}`], `preview-${name} runs after the layer before it`);
                assert.equal(job.uses, "./.github/workflows/layer.yml");
                assert.deepEqual(job.strategy?.matrix?.env, ENVS, "every environment");
                assert.equal(job.with?.env, "${{ matrix.env }}");
                assert.equal(job.with?.command, "preview");
                assert.equal(job.with?.layer, LAYER_DIRS[name]);
                assert.equal(job.with?.["comment-on-pr"], true);
                assert.equal(job.permissions?.["id-token"], "write");
                assert.equal(job.permissions?.["pull-requests"], "write");
            }
            const pulumi = layerWorkflow.jobs.pulumi.steps?.find((s) => s.uses?.startsWith("pulumi/actions@"));
            assert.ok(pulumi, "the official pulumi/actions runs the command");
            assert.deepEqual(
                { command: pulumi.with?.command, stack: pulumi.with?.["stack-name"], dir: pulumi.with?.["work-dir"], comment: pulumi.with?.["comment-on-pr"], policy: pulumi.with?.policyPacks },
                { command: "${{ inputs.command }}", stack: "${{ inputs.env }}", dir: "${{ inputs.layer }}", comment: "${{ inputs.comment-on-pr }}", policy: "${{ github.workspace }}/policy" },
            );
        });
    });

    describe("on a merge to main", () => {
        it("brings up dev layer by layer", () => {
            assert.deepEqual(deploy.on.push, { branches: ["main"] });
            for (const [i, name] of LAYER_NAMES.entries()) {
                const job = deploy.jobs[`up-dev-${name}`];
                assert.ok(job, `up-dev-${name}`);
                assert.deepEqual(needsOf(job), i === 0 ? [] : [`up-dev-${LAYER_NAMES[i - 1]}`]);
                assert.deepEqual([job.uses, job.with?.command, job.with?.env, job.with?.layer], ["./.github/workflows/layer.yml", "up", "dev", LAYER_DIRS[name]]);
            }
        });

        it("brings up prod only after dev, through the protected production environment (manual approval)", () => {
            const prod = deploy.jobs["up-prod"];
            assert.deepEqual(needsOf(prod), ["up-dev-workloads"]);
            assert.equal(prod.environment, "production");
            assert.ok((prod.steps ?? []).some((s) => s.run === "npm run up -- prod"), "all layers in order through the orchestration");
            for (const [id, job] of Object.entries(deploy.jobs)) {
                const targetsProd = JSON.stringify(job.with ?? {}).includes('"prod"') || (job.steps ?? []).some((s) => /\bprod\b/.test(s.run ?? ""));
                if (targetsProd) assert.equal(job.environment, "production", `${id} touches prod only behind the approval`);
            }
        });
    });

    describe("runners", () => {
        /** The self-hosted runners inside the tooling VPC (README, CI): the labels a job asks for. */
        const TOOLING_RUNNER = ["self-hosted", "tooling-vpc"];
        const defaultRunner = () => JSON.parse(String(layerWorkflow.on.workflow_call?.inputs.runner?.default)) as unknown;
        const labels = (runner: unknown): string[] => ([] as string[]).concat(runner as string | string[]);

        it("layer.yml takes a runner input (labels as JSON, a GitHub-hosted image by default) and runs on it", () => {
            const input = layerWorkflow.on.workflow_call?.inputs.runner;
            assert.ok(input, "layer.yml has a runner input");
            assert.equal(input.type, "string");
            assert.equal(input.required ?? false, false);
            assert.equal(defaultRunner(), "ubuntu-24.04");
            assert.equal(layerWorkflow.jobs.pulumi["runs-on"], "${{ fromJSON(inputs.runner) }}");
        });

        it("every job that runs a layer talking to a private Kubernetes API (the deploy path of its environment) runs in the tooling VPC", async () => {
            // Which layers of each environment need the private API from the deploy machine.
            const needsPrivateApi = new Map<string, Set<string>>();
            for (const env of ENVS) {
                const api = deployPath(await synthEnv(env)).kubernetesApi;
                needsPrivateApi.set(env, new Set(api?.access === "private only" ? api.layers.map((l) => l.layer) : []));
            }
            assert.deepEqual([...(needsPrivateApi.get("prod") ?? [])], ["cluster", "addons", "workloads"]);
            let checked = 0;
            for (const [file, workflow] of [["pull-request.yml", pr], ["deploy.yml", deploy]] as const) {
                for (const [id, job] of Object.entries(workflow.jobs)) {
                    let runs: { envs: string[]; layers: string[]; runner: string[] };
                    if (job.uses === "./.github/workflows/layer.yml") {
                        const env = String(job.with?.env);
                        const envs = env === "${{ matrix.env }}" ? (job.strategy?.matrix?.env as string[]) : [env];
                        const layer = Object.entries(LAYER_DIRS).find(([, dir]) => dir === job.with?.layer)?.[0] ?? assert.fail(`${file} ${id}: layer ${String(job.with?.layer)}`);
                        const runner = job.with?.runner === undefined ? defaultRunner() : JSON.parse(String(job.with.runner)) as unknown;
                        runs = { envs, layers: [layer], runner: labels(runner) };
                    } else {
                        // A job of its own that drives every layer: npm run up/preview/destroy -- <env>.
                        const envs = (job.steps ?? []).flatMap((s) => /npm run (?:up|preview|destroy) -- (\w+)/.exec(s.run ?? "")?.[1] ?? []);
                        runs = { envs, layers: [...LAYER_NAMES], runner: labels(job["runs-on"]) };
                    }
                    const private_ = runs.envs.flatMap((env) => runs.layers.filter((l) => needsPrivateApi.get(env)?.has(l)).map((l) => `${l} (${env})`));
                    if (private_.length === 0) continue;
                    checked += 1;
                    assert.deepEqual(runs.runner, TOOLING_RUNNER, `${file} ${id} runs ${private_.join(", ")}, which talk to the private API: it needs the tooling VPC's runner`);
                }
            }
            assert.ok(deploy.jobs["up-prod"] && labels(deploy.jobs["up-prod"]["runs-on"]).includes("self-hosted"), "the prod deploy runs on a self-hosted runner");
            assert.ok(checked >= 7, `${checked} jobs checked`);
        });
    });

    describe("credentials and actions", () => {
        it("assume an AWS role through OIDC (id-token: write), never with stored access keys", () => {
            const text = files.map((f) => fs.readFileSync(path.join(WORKFLOWS, f), "utf8")).join("\n");
            assert.doesNotMatch(text, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key|aws-session-token/i);
            const credentialSteps = allSteps().filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
            assert.ok(credentialSteps.length >= 2);
            for (const step of credentialSteps) {
                assert.match(String(step.with?.["role-to-assume"]), /^\$\{\{ (inputs\.role-arn|vars\.AWS_[A-Z_]+) \}\}$/);
            }
            // the jobs that reach AWS get an OIDC token: directly, or as callers of layer.yml
            for (const workflow of [pr, deploy]) {
                for (const [id, job] of Object.entries(workflow.jobs)) {
                    const reachesAws = job.uses === "./.github/workflows/layer.yml" || (job.steps ?? []).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
                    if (reachesAws) assert.equal(job.permissions?.["id-token"], "write", id);
                }
            }
            assert.equal(pr.permissions?.["id-token"], undefined, "no OIDC token for the jobs that do not need one");
        });

        it("pin every action to a release tag (vX.Y.Z)", () => {
            const used = allSteps().flatMap((s) => (s.uses ? [s.uses] : []));
            for (const action of used) assert.match(action, /^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/, action);
            for (const official of ["pulumi/actions", "aws-actions/configure-aws-credentials"]) {
                assert.ok(used.some((u) => u.startsWith(`${official}@`)), official);
            }
        });

        it("run Node.js from .node-version (a supported LTS, 22 or 24), and test the oldest the code supports too", () => {
            const lts = fs.readFileSync(path.join(REPO_ROOT, ".node-version"), "utf8").trim();
            assert.ok(["22", "24"].includes(lts.split(".")[0]), `.node-version is ${lts}`);
            const engines = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
            const setups = allSteps().filter((s) => s.uses?.startsWith("actions/setup-node@"));
            assert.ok(setups.length > 0);
            for (const step of setups) {
                const file = step.with?.["node-version-file"];
                if (file !== undefined) assert.match(String(file), /(^|\/)\.node-version$/);
                else assert.equal(step.with?.["node-version"], "${{ matrix.node }}", JSON.stringify(step.with));
            }
            assert.deepEqual(pr.jobs.check.strategy?.matrix?.node, [lts, engines.replace(/^>=/, "")]);
        });

        it("run only npm scripts that exist", () => {
            const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
            const named = allSteps().flatMap((s) => [...(s.run ?? "").matchAll(/npm run (\w[\w:-]*)/g)].map((m) => m[1]));
            for (const script of named) assert.ok(script in scripts, `npm run ${script}`);
        });
    });
});
