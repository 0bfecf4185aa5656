// Preloaded by the benchmark into each synth process: records the process's peak memory (KiB) and
// CPU time (ms) at exit, as JSON.
import * as fs from "fs";

process.on("exit", () => {
    const file = process.env.BENCH_RUSAGE_FILE;
    if (!file) return;
    const usage = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
});
