// npm run bench [-- --runs N] [-- <env> ...]: median wall time and peak memory of `npm run synth`
// per environment, each run a fresh process as a user would start it. A benchmark, not a test.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";

const ROOT = path.resolve(__dirname, "..");
const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
const envs = positionals.length > 0 ? positionals : ["dev", "prod"];

const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "synth-bench-"));
console.log(`synth benchmark: ${runs} runs per environment, fresh process each (node ${process.version}, ${os.cpus().length} cores)`);
for (const env of envs) {
    const times: number[] = [];
    const peaks: number[] = [];
    for (let i = 0; i < runs; i++) {
        const rusage = path.join(tmp, `${env}-${i}.rss`);
        const started = process.hrtime.bigint();
        const result = spawnSync(process.execPath, ["--require", "tsx/cjs", "--require", "./bench/rusage.ts", "synth/cli.ts", env, "--out", path.join(tmp, "out")], {
            cwd: ROOT,
            env: { ...process.env, BENCH_RUSAGE_FILE: rusage },
            encoding: "utf8",
        });
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (result.status !== 0) throw new Error(`synth ${env} failed:\n${result.stderr}`);
        peaks.push(Number(fs.readFileSync(rusage, "utf8")) / 1024);
    }
    console.log(`${env.padEnd(6)} median ${median(times).toFixed(0).padStart(6)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})   peak memory median ${median(peaks).toFixed(0)} MiB`);
}
fs.rmSync(tmp, { recursive: true, force: true });
