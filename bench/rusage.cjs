// Preloaded by the benchmark into each synth process: records the process's peak memory at exit.
const fs = require("fs");
process.on("exit", () => {
    fs.writeFileSync(process.env.BENCH_RUSAGE_FILE, String(process.resourceUsage().maxRSS));
});
