// npm run policy -- <env> [--single] [--config <file>] [--violations] [--json]
// Synthesizes the environment offline, runs every rule over the plan, prints the compliance report
// and exits non-zero on a mandatory violation.
import type { Command } from "commander";
import { ConfigError, loadConfigFile } from "../lib/config/load";
import { CommandFailed, EXIT, TERMINAL, action, command, environmentArguments, environmentOf, jsonOption, runMain, type Io } from "../lib/commandLine";
import { SynthError, synthesize } from "../synth/synth";
import { stacksOfPlan } from "./plan";
import { evaluate, formatReport, reportJson, violations } from "./report";

interface Options {
    single: boolean;
    config?: string;
    violations: boolean;
    json?: boolean;
}

export function policyCommand(io: Io = TERMINAL): Command {
    const cmd = environmentArguments(command("policy", "Synthesize an environment offline and report every guard rail: exits 1 on a mandatory violation.", io))
        .option("--single", "one stack for every layer (the root project)", false)
        .option("--violations", "list only the violations", false)
        .addOption(jsonOption());
    return action(cmd, async (envArg: string | undefined, opts: Options) => {
        const { env, file } = environmentOf(envArg, opts.config);
        try {
            const config = loadConfigFile(file);
            const { plan } = await synthesize(config, opts.single ? "single" : "layered");
            const report = evaluate(env, stacksOfPlan(plan, config.tier === "production"));
            if (opts.json) {
                const json = reportJson(report);
                io.out(JSON.stringify(opts.violations ? { ...json, findings: json.findings.filter((f) => !f.ok) } : json, null, 2));
            } else {
                io.out(formatReport(report, opts.violations));
            }
            return violations(report, "mandatory").length ? EXIT.failed : EXIT.ok;
        } catch (err) {
            if (err instanceof ConfigError || err instanceof SynthError) throw new CommandFailed(err.message);
            throw err;
        }
    });
}

if (require.main === module) runMain(policyCommand());
