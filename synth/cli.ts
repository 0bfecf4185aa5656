// npm run synth -- <env> [--single] [--config <file>] [--out <dir>] [--json]
import * as path from "path";
import type { Command } from "commander";
import { ConfigError, loadConfigFile } from "../lib/config/load";
import { REPO_ROOT } from "../lib/layers";
import { CommandFailed, TERMINAL, action, command, environmentArguments, environmentOf, jsonOption, runMain, isEntry, type Io } from "../lib/commandLine";
import { stacksOfPlan } from "../policy/plan";
import { evaluate, reportJson, summaryLine } from "../policy/report";
import { DeployPathError, deployPath, writeDeployPath } from "./deployPath";
import { writePlan, summarize } from "./output";
import { SynthError, synthesize } from "./synth";

interface Options {
    single: boolean;
    config?: string;
    out?: string;
    json?: boolean;
}

export function synthCommand(io: Io = TERMINAL): Command {
    const cmd = environmentArguments(command("synth", "Synthesize an environment offline: plan.json, the manifests per layer, a summary and the policy verdict.", io))
        .option("--single", "one stack for every layer (the root project), as `pulumi up` in the repository root deploys it", false)
        .option("--out <dir>", "where <env>/plan.json and the manifests go (default: out/)")
        .addOption(jsonOption());
    return action(cmd, async (envArg: string | undefined, opts: Options) => {
        const { env, file } = environmentOf(envArg, opts.config);
        const outDir = path.resolve(opts.out ?? path.join(REPO_ROOT, "out"), env);
        try {
            const config = loadConfigFile(file);
            const started = Date.now();
            const { plan, warnings } = await synthesize(config, opts.single ? "single" : "layered");
            // Derived before anything is written: a plan it cannot describe fails the synth.
            const path_ = deployPath(plan);
            const manifests = writePlan(plan, outDir);
            const written = [...manifests, ...writeDeployPath(path_, outDir)];
            const policy = evaluate(env, stacksOfPlan(plan, config.tier === "production"));
            if (opts.json) {
                const { findings: _findings, ...verdict } = reportJson(policy);
                io.out(JSON.stringify({
                    environment: env,
                    mode: plan.mode,
                    layers: plan.layers.map((l) => ({ project: l.project, stack: l.stack, resources: l.resources.length, outputs: Object.keys(l.outputs) })),
                    warnings,
                    policy: verdict,
                    written,
                }, null, 2));
                return 0;
            }
            io.out(summarize(plan, warnings));
            io.out(`\n${summaryLine(policy)} (the report: npm run policy -- ${env})`);
            const shown = (file: string) => path.relative(process.cwd(), file) || file;
            io.out(`\nwrote ${shown(written[0])}, ${shown(path.join(outDir, "deploy-path.md"))} (and .json) and ${manifests.length - 1} manifest file(s) in ${Date.now() - started} ms`);
            return 0;
        } catch (err) {
            if (err instanceof ConfigError) throw new CommandFailed(`${err.message}\nnothing was written`);
            if (err instanceof DeployPathError) throw new CommandFailed(`synth failed: the deploy path: ${err.message}\nnothing was written`);
            if (err instanceof SynthError) throw new CommandFailed(`synth failed:\n${err.problems.map((p) => `  - ${p}`).join("\n")}\nnothing was written`);
            throw err;
        }
    });
}

if (isEntry(module)) runMain(synthCommand());
