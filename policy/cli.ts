// npm run policy -- <env> [--single] [--config <file>] [--violations]
// Synthesizes the environment offline, runs every rule over the plan, prints the compliance report
// and exits non-zero on a mandatory violation.
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError, envOfFile, loadConfigFile } from "../lib/config/load";
import { REPO_ROOT } from "../lib/layers";
import { runMain } from "../lib/cli";
import { SynthError, synthesize } from "../synth/synth";
import { stacksOfPlan } from "./plan";
import { evaluate, formatReport, violations } from "./report";

const USAGE = "usage: npm run policy -- <env> [--single] [--config <file>] [--violations]";

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            single: { type: "boolean", default: false },
            config: { type: "string" },
            violations: { type: "boolean", default: false },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help || (positionals.length === 0 && !values.config) || positionals.length > 1) {
        console.error(USAGE);
        return values.help ? 0 : 2;
    }
    const file = values.config ? path.resolve(values.config) : path.join(REPO_ROOT, `Pulumi.${positionals[0]}.yaml`);
    try {
        const config = loadConfigFile(file);
        const { plan } = await synthesize(config, values.single ? "single" : "layered");
        const report = evaluate(envOfFile(file), stacksOfPlan(plan, config.tier === "production"));
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
