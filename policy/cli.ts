// npm run policy -- <env> [--single] [--config <file>] [--violations]
// Synthesizes the environment offline, runs every rule over the plan, prints the compliance report
// and exits non-zero on a mandatory violation.
import { parseArgs } from "util";
import { ConfigError, loadConfigFile } from "../lib/config/load";
import { ENV_OPTIONS, environmentOf, runMain } from "../lib/cli";
import { SynthError, synthesize } from "../synth/synth";
import { stacksOfPlan } from "./plan";
import { evaluate, formatReport, violations } from "./report";

const USAGE = "usage: npm run policy -- <env> [--single] [--config <file>] [--violations]";

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...ENV_OPTIONS, violations: { type: "boolean", default: false } } });
    const target = environmentOf(values, positionals, USAGE);
    if (typeof target === "number") return target;
    const { env, file } = target;
    try {
        const config = loadConfigFile(file);
        const { plan } = await synthesize(config, values.single ? "single" : "layered");
        const report = evaluate(env, stacksOfPlan(plan, config.tier === "production", new Date(), config.serviceLinkedRoles));
        console.log(formatReport(report, values.violations));
        return violations(report, "mandatory").length ? 1 : 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof SynthError) {
            console.error(err.message);
            return 1;
        }
        throw err;
    }
}

runMain(main);
