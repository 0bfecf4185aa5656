// npm run up|preview|destroy -- <env> [--yes-destroy-prod <env>]
import { parseArgs } from "util";
import { runMain } from "../lib/cli";
import { deliver, describeChanges, OPERATIONS, type Operation } from "./orchestrate";

const USAGE = "usage: npm run up|preview -- <env>\n       npm run destroy -- <env> [--yes-destroy-prod <env>]";

async function main(argv: string[]): Promise<number> {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { "yes-destroy-prod": { type: "string" } } });
    const [op, env, ...rest] = positionals;
    if (!OPERATIONS.includes(op as Operation) || !env || rest.length > 0) {
        console.error(USAGE);
        return 2;
    }
    if (values["yes-destroy-prod"] !== undefined && op !== "destroy") {
        console.error(`--yes-destroy-prod applies to destroy only\n${USAGE}`);
        return 2;
    }
    const results = await deliver(op as Operation, env, { confirmProduction: values["yes-destroy-prod"] });
    console.log(`${op} ${env}: done (${results.map((r) => `${r.layer} ${r.skipped ?? describeChanges(r.changes)}`).join("; ")})`);
    return 0;
}

runMain(main, true);
