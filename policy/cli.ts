// npm run policy -- <env> [--single] [--config <file>] [--violations] [--json]
// npm run policy -- --plan <plan.json> [--violations] [--json]
// Synthesizes the environment offline (or reads a plan the synth wrote, perhaps edited), runs the
// plays and every rule over the plan, prints the compliance report and exits 1 on a play's
// problem or a mandatory violation.
import type { Command } from "commander";
import { ConfigError, loadConfigFile } from "../lib/config/load";
import { CommandFailed, EXIT, TERMINAL, UsageError, action, command, environmentArguments, environmentOf, jsonOption, runMain, isEntry, type Io } from "../lib/commandLine";
import { checkPlan } from "../plays";
import { formatProblem } from "../plays/play";
import { readPlanFile } from "../synth/output";
import { SynthError, synthesize, type Plan } from "../synth/synth";
import { formatReport, reportJson, violations } from "./report";

interface Options {
    single: boolean;
    config?: string;
    plan?: string;
    violations: boolean;
    json?: boolean;
}

async function planOf(envArg: string | undefined, opts: Options): Promise<Plan> {
    if (opts.plan) {
        if (envArg || opts.config || opts.single) throw new UsageError("--plan takes no environment, --config or --single");
        return readPlanFile(opts.plan);
    }
    const { file } = environmentOf(envArg, opts.config);
    // The plays run inside the synth: a problem is a SynthError.
    return (await synthesize(loadConfigFile(file), opts.single ? "single" : "layered")).plan;
}

export function policyCommand(io: Io = TERMINAL): Command {
    const cmd = environmentArguments(command("policy", "Check an environment's plan offline: the plays and every guard rail; exits 1 on a play's problem or a mandatory violation.", io))
        .option("--single", "one stack for every layer (the root project)", false)
        .option("--plan <plan.json>", "check a plan `npm run synth` wrote (perhaps edited) instead of synthesizing")
        .option("--violations", "list only the violations", false)
        .addOption(jsonOption());
    return action(cmd, async (envArg: string | undefined, opts: Options) => {
        try {
            const { problems, report } = checkPlan(await planOf(envArg, opts));
            if (opts.json) {
                const json = reportJson(report);
                const findings = opts.violations ? json.findings.filter((f) => !f.ok) : json.findings;
                io.out(JSON.stringify({ ...json, verdict: problems.length ? "fail" : json.verdict, plays: problems, findings }, null, 2));
            } else {
                for (const p of problems) io.err(formatProblem(p));
                io.out(formatReport(report, opts.violations));
            }
            return problems.length || violations(report, "mandatory").length ? EXIT.failed : EXIT.ok;
        } catch (err) {
            if (err instanceof ConfigError || err instanceof SynthError) throw new CommandFailed(err.message);
            throw err;
        }
    });
}

if (isEntry(module)) runMain(policyCommand());
