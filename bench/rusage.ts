// Preloaded by the benchmark into each synth process: records the process's peak memory at exit.
import * as fs from "fs";

process.on("exit", () => {
    const file = process.env.BENCH_RUSAGE_FILE;
    if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
