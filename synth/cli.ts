// npm run synth -- <env> [--single] [--config <file>] [--out <dir>]
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError, envOfFile, loadConfigFile } from "../lib/config/load";
import { REPO_ROOT } from "../lib/layers";
import { runMain } from "../lib/cli";
import { stacksOfPlan } from "../policy/plan";
import { evaluate, summaryLine } from "../policy/report";
import { writePlan, summarize } from "./output";
import { SynthError, synthesize } from "./synth";

const USAGE = "usage: npm run synth -- <env> [--single] [--config <file>] [--out <dir>]";

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
            single: { type: "boolean", default: false },
            config: { type: "string" },
            out: { type: "string" },
            help: { type: "boolean", short: "h", default: false },
        },
    });
    if (values.help || (positionals.length === 0 && !values.config) || positionals.length > 1) {
        console.error(USAGE);
        return values.help ? 0 : 2;
    }
    const file = values.config ? path.resolve(values.config) : path.join(REPO_ROOT, `Pulumi.${positionals[0]}.yaml`);
    const env = positionals[0] ?? envOfFile(file);
    if (positionals[0] && values.config && envOfFile(file) !== env) {
        console.error(`--config ${values.config} is the ${envOfFile(file)} environment, not ${env}`);
        return 2;
    }
    const outDir = path.resolve(values.out ?? path.join(REPO_ROOT, "out"), env);
    try {
        const config = loadConfigFile(file);
        const started = Date.now();
        const { plan, warnings } = await synthesize(config, values.single ? "single" : "layered");
        const written = writePlan(plan, outDir);
        console.log(summarize(plan, warnings));
        console.log(`\n${summaryLine(evaluate(env, stacksOfPlan(plan, config.tier === "production")))} (the report: npm run policy -- ${env})`);
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
