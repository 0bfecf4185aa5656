// npm run images -- <env> [--out <dir>]: every image a private environment pulls through its
// cache, and out/<env>/images/prewarm.sh (with each release's values) to pre-warm the cache.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { loadConfigFile } from "../lib/config/load";
import { runMain } from "../lib/cli";
import { REPO_ROOT } from "../lib/layers";
import { imageTable, prewarmOf, prewarmScript, upstreamUrls } from "./images";
import { synthesize } from "./synth";

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" } } });
    if (positionals.length !== 1) {
        console.error("usage: npm run images -- <env> [--out <dir>]");
        return 2;
    }
    const env = positionals[0];
    try {
        const config = loadConfigFile(path.join(REPO_ROOT, `Pulumi.${env}.yaml`));
        const { plan } = await synthesize(config);
        const prewarm = prewarmOf(plan, config);
        const dir = path.resolve(values.out ?? path.join(REPO_ROOT, "out"), env, "images");
        fs.mkdirSync(dir, { recursive: true });
        for (const r of prewarm.releases) fs.writeFileSync(path.join(dir, `${r.release}.values.json`), `${JSON.stringify(r.values, null, 2)}\n`);
        fs.writeFileSync(path.join(dir, "prewarm.sh"), prewarmScript(prewarm, config.region, dir), { mode: 0o755 });
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
