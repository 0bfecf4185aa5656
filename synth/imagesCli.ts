// npm run images -- <env> [--config <file>] [--out <dir>]: every image a private environment pulls
// through its cache, and out/<env>/images/prewarm.sh (with each release's values beside it) to
// pre-warm the cache of the environment's account.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { loadConfigFile } from "../lib/config/load";
import { ENV_OPTIONS, environmentOf, runMain } from "../lib/cli";
import { REPO_ROOT } from "../lib/layers";
import { imageTable, prewarmOf, prewarmScript, upstreamUrls } from "./images";
import { synthesize } from "./synth";

const USAGE = "usage: npm run images -- <env> [--config <file>] [--out <dir>]";

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...ENV_OPTIONS, out: { type: "string" } } });
    const target = environmentOf(values, positionals, USAGE);
    if (typeof target === "number") return target;
    const { env, file } = target;
    try {
        const config = loadConfigFile(file);
        const { plan } = await synthesize(config, values.single ? "single" : "layered");
        const prewarm = prewarmOf(plan, config);
        const dir = path.resolve(values.out ?? path.join(REPO_ROOT, "out"), env, "images");
        fs.mkdirSync(dir, { recursive: true });
        for (const r of prewarm.releases) fs.writeFileSync(path.join(dir, `${r.release}.values.json`), `${JSON.stringify(r.values, null, 2)}\n`);
        fs.writeFileSync(path.join(dir, "prewarm.sh"), prewarmScript(prewarm, config.region), { mode: 0o755 });
        console.log(`# ${env}: images pulled through ${prewarm.registry} (upstreams: ${upstreamUrls(prewarm).join(", ")})`);
        console.log(imageTable(prewarm));
        console.log(`\n# applications\n${prewarm.applications.join("\n")}`);
        console.log(`\nwrote ${path.relative(process.cwd(), path.join(dir, "prewarm.sh"))} and ${prewarm.releases.length} values file(s)`);
        return 0;
    } catch (err) {
        console.error(err instanceof Error ? err.message : String(err));
        return 1;
    }
}

runMain(main);
