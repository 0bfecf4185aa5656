// Every chart the platform pins, one "chart version repository" per line (for scripts/chart-snapshots.sh).
import { ADDON_CHARTS } from "../lib/addons";

for (const c of ADDON_CHARTS) console.log(`${c.chart} ${c.version} ${c.repository}`);
