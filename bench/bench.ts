// npm run bench [-- --runs N] [-- --scale 5,50,200,500] [-- --scale-only] [-- <env> ...]: wall time, CPU time and peak
// memory of `npm run synth` per environment, each run a fresh process as a user would start it, and
// the scale curve over generated environments with more and more applications. A benchmark, not a
// test: it prints figures and judges nothing.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { REPO_ROOT } from "../lib/layers";
import { scaledEnvironment } from "./scale";

const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: "string", default: "5" }, scale: { type: "string", default: "5,50,200,500" }, base: { type: "string", default: "prod" }, "scale-only": { type: "boolean", default: false } },
});
const runs = Number(values.runs);
const envs = values["scale-only"] ? [] : positionals.length > 0 ? positionals : ["dev", "prod"];
const scale = values.scale ? values.scale.split(",").filter(Boolean).map(Number) : [];

const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Run {
    wallMs: number;
    cpuMs: number;
    peakMiB: number;
    resources: number;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "synth-bench-"));

/** The node options `npm run synth` starts with (package.json), so the bench measures what users run. */
const SYNTH_NODE_OPTIONS = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.synth
    .split(/\s+/)
    .filter((word) => word.startsWith("--"));

/** One synth in a fresh process, the way `npm run synth` starts it (compiled JavaScript, its node options). */
function synthOnce(configFile: string, label: string): Run {
    const rusage = path.join(tmp, `${label}.rusage.json`);
    const out = path.join(tmp, "out");
    const started = process.hrtime.bigint();
    const result = spawnSync(
        process.execPath,
        [...SYNTH_NODE_OPTIONS, "--require", path.join(REPO_ROOT, ".build/bench/rusage.js"), path.join(REPO_ROOT, "build/run.cjs"), "synth/cli.ts", "--config", configFile, "--out", out],
        { cwd: REPO_ROOT, env: { ...process.env, BENCH_RUSAGE_FILE: rusage }, encoding: "utf8" },
    );
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`synth of ${label} failed:\n${result.stderr}`);
    const usage = JSON.parse(fs.readFileSync(rusage, "utf8")) as { maxRssKiB: number; cpuMs: number };
    const env = path.basename(configFile).replace(/^Pulumi\.|\.yaml$/g, "");
    const plan = JSON.parse(fs.readFileSync(path.join(out, env, "plan.json"), "utf8")) as { layers: { resources: unknown[] }[] };
    return { wallMs, cpuMs: usage.cpuMs, peakMiB: usage.maxRssKiB / 1024, resources: plan.layers.reduce((n, l) => n + l.resources.length, 0) };
}

function medians(label: string, configFile: string): Run {
    const all = Array.from({ length: runs }, (_, i) => synthOnce(configFile, `${label}-${i}`));
    return {
        wallMs: median(all.map((r) => r.wallMs)),
        cpuMs: median(all.map((r) => r.cpuMs)),
        peakMiB: median(all.map((r) => r.peakMiB)),
        resources: all[0].resources,
    };
}

const row = (label: string, r: Run) =>
    `${label.padEnd(10)} ${String(r.resources).padStart(6)} resources  wall ${r.wallMs.toFixed(0).padStart(6)} ms  cpu ${r.cpuMs.toFixed(0).padStart(6)} ms  peak ${r.peakMiB.toFixed(0).padStart(5)} MiB`;

console.log(`synth benchmark: median of ${runs} runs, a fresh process each (node ${process.version}, ${os.cpus().length} cores)`);
for (const env of envs) console.log(row(env, medians(env, path.join(REPO_ROOT, `Pulumi.${env}.yaml`))));

if (scale.length > 0) {
    console.log(`\nscale curve: Pulumi.${values.base}.yaml's teams and applications copied to N applications`);
    const text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${values.base}.yaml`), "utf8");
    const points: [number, Run][] = scale.map((apps) => {
        // Named as the base environment: team secrets and buckets carry the environment's name.
        const file = path.join(tmp, `scale${apps}`, `Pulumi.${values.base}.yaml`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, scaledEnvironment(text, apps));
        const r = medians(`scale${apps}`, file);
        console.log(row(`${apps} apps`, r));
        return [apps, r];
    });
    const from = points.find(([apps]) => apps >= 50) ?? points[0];
    const to = points[points.length - 1];
    const added = to[1].resources - from[1].resources;
    if (added > 0) {
        console.log(
            `marginal cost per resource, ${from[0]} -> ${to[0]} apps: ${((to[1].wallMs - from[1].wallMs) / added).toFixed(2)} ms wall, ` +
                `${((to[1].cpuMs - from[1].cpuMs) / added).toFixed(2)} ms CPU, ` +
                `${((to[1].peakMiB - from[1].peakMiB) / added).toFixed(3)} MiB peak`,
        );
    }
}
fs.rmSync(tmp, { recursive: true, force: true });
