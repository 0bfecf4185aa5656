// npm run policy -- <env> [--single] [--config <file>] [--violations]
// npm run policy -- --plan <plan.json> [--violations]
// Synthesizes the environment offline (or reads a plan the synth wrote, perhaps edited), runs the
// plays and every rule over the plan, prints the compliance report and exits non-zero on a play's
// problem or a mandatory violation.
import { parseArgs } from "util";
import { ConfigError, loadConfigFile } from "../lib/config/load";
import { ENV_OPTIONS, environmentOf, runMain } from "../lib/cli";
import { checkPlan } from "../plays";
import { formatProblem } from "../plays/play";
import { readPlanFile } from "../synth/output";
import { SynthError, synthesize, type Plan } from "../synth/synth";
import { formatReport, violations } from "./report";

const USAGE = "usage: npm run policy -- <env> [--single] [--config <file>] [--violations]\n       npm run policy -- --plan <plan.json> [--violations]";

async function planOf(values: { plan?: string; single?: boolean; config?: string; help?: boolean }, positionals: string[]): Promise<Plan | number> {
    if (values.plan && !values.help) {
        if (positionals.length || values.config || values.single) {
            console.error(`--plan takes no environment, --config or --single\n${USAGE}`);
            return 2;
        }
        return readPlanFile(values.plan);
    }
    const target = environmentOf(values, positionals, USAGE);
    if (typeof target === "number") return target;
    const config = loadConfigFile(target.file);
    // The plays run inside the synth: a problem is a SynthError.
    return (await synthesize(config, values.single ? "single" : "layered")).plan;
}

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { ...ENV_OPTIONS, violations: { type: "boolean", default: false }, plan: { type: "string" } },
    });
    try {
        const plan = await planOf(values, positionals);
        if (typeof plan === "number") return plan;
        const { problems, report } = checkPlan(plan);
        for (const p of problems) console.error(formatProblem(p));
        console.log(formatReport(report, values.violations));
        return problems.length || violations(report, "mandatory").length ? 1 : 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof SynthError) {
            console.error(err.message);
            return 1;
        }
        throw err;
    }
}

runMain(main);
