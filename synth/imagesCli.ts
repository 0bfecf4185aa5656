// npm run images -- <env> [--config <file>] [--out <dir>] [--json]: every image a private
// environment pulls through its cache, and out/<env>/images/prewarm.sh (with each release's values)
// to pre-warm the cache.
import * as fs from "fs";
import * as path from "path";
import type { Command } from "commander";
import { ConfigError, loadConfigFile } from "../lib/config/load";
import { CommandFailed, TERMINAL, action, command, environmentArguments, environmentOf, jsonOption, runMain, isEntry, type Io } from "../lib/commandLine";
import { REPO_ROOT } from "../lib/layers";
import { imageTable, prewarmOf, prewarmScript, upstreamUrls } from "./prewarm";
import { SynthError, synthesize } from "./synth";

interface Options {
    config?: string;
    out?: string;
    json?: boolean;
}

export function imagesCommand(io: Io = TERMINAL): Command {
    const cmd = environmentArguments(command("images", "List the images a private environment pulls through its ECR cache, and write the script that pre-warms it.", io))
        .option("--out <dir>", "where <env>/images/prewarm.sh and the values files go (default: out/)")
        .addOption(jsonOption());
    return action(cmd, async (envArg: string | undefined, opts: Options) => {
        const { env, file } = environmentOf(envArg, opts.config);
        try {
            const config = loadConfigFile(file);
            const { plan } = await synthesize(config);
            const prewarm = (() => {
                try {
                    return prewarmOf(plan, config);
                } catch (e) {
                    throw new CommandFailed(e instanceof Error ? e.message : String(e)); // no image cache in this environment
                }
            })();
            const dir = path.resolve(opts.out ?? path.join(REPO_ROOT, "out"), env, "images");
            fs.mkdirSync(dir, { recursive: true });
            for (const r of prewarm.releases) fs.writeFileSync(path.join(dir, `${r.release}.values.json`), `${JSON.stringify(r.values, null, 2)}\n`);
            const script = path.join(dir, "prewarm.sh");
            fs.writeFileSync(script, prewarmScript(prewarm, config.region), { mode: 0o755 });
            if (opts.json) {
                io.out(JSON.stringify({ environment: env, registry: prewarm.registry, upstreams: upstreamUrls(prewarm), images: prewarm.images, applications: prewarm.applications, written: script }, null, 2));
                return 0;
            }
            io.out(`# ${env}: images pulled through ${prewarm.registry} (upstreams: ${upstreamUrls(prewarm).join(", ")})`);
            io.out(imageTable(prewarm));
            io.out(`\n# applications\n${prewarm.applications.join("\n")}`);
            io.out(`\nwrote ${path.relative(process.cwd(), script)} and ${prewarm.releases.length} values file(s)`);
            return 0;
        } catch (err) {
            if (err instanceof ConfigError || err instanceof SynthError) throw new CommandFailed(err.message);
            throw err;
        }
    });
}

if (isEntry(module)) runMain(imagesCommand());
