// npm run synth -- <env> [--single] [--config <file>] [--out <dir>]
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError, loadConfigFile } from "../lib/config/load";
import { REPO_ROOT } from "../lib/layers";
import { ENV_OPTIONS, environmentOf, runMain } from "../lib/cli";
import { stacksOfPlan } from "../policy/plan";
import { evaluate, summaryLine } from "../policy/report";
import { writePlan, summarize } from "./output";
import { SynthError, synthesize } from "./synth";

const USAGE = "usage: npm run synth -- <env> [--single] [--config <file>] [--out <dir>]";

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...ENV_OPTIONS, out: { type: "string" } } });
    const target = environmentOf(values, positionals, USAGE);
    if (typeof target === "number") return target;
    const { env, file } = target;
    const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, "out"), env);
    try {
        const config = loadConfigFile(file);
        const started = Date.now();
        const { plan, warnings } = await synthesize(config, values.single ? "single" : "layered");
        const written = writePlan(plan, outDir);
        console.log(summarize(plan, warnings));
        console.log(`\n${summaryLine(evaluate(env, stacksOfPlan(plan, config.tier === "production", new Date(), config.serviceLinkedRoles)))} (the report: npm run policy -- ${env})`);
        console.log(`\nwrote ${path.relative(process.cwd(), written[0]) || written[0]} and ${written.length - 1} manifest file(s) in ${Date.now() - started} ms`);
        return 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof SynthError) {
            console.error(err instanceof ConfigError ? err.message : `synth failed:\n${err.problems.map((p) => `  - ${p}`).join("\n")}`);
            console.error("nothing was written");
            return 1;
        }
        throw err;
    }
}

runMain(main);
