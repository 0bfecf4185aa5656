// Layer boundaries (issue 20): the dependency-cruiser rules of `npm run lint` hold on the project,
// and fail on a deliberate cross-layer import, a downstream contract and an import cycle.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./helpers";

const CONFIG = path.join(REPO_ROOT, ".dependency-cruiser.cjs");
const CLI = path.join(REPO_ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

/** Runs the project's rules over a tree of files (path -> source) and returns the exit code and report. */
function cruise(files: Record<string, string>): { status: number | null; report: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boundaries-"));
    try {
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }));
        for (const [file, source] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), source);
        }
        const run = spawnSync(process.execPath, [CLI, "--config", CONFIG, "--output-type", "err", "."], { cwd: dir, encoding: "utf8" });
        return { status: run.status, report: run.stdout + run.stderr };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** A small project that keeps every rule: shared code in lib/, an upstream contract read downstream. */
const CLEAN: Record<string, string> = {
    "lib/placement.ts": "export const pool = 'addons';\n",
    "infra/cluster/contract.ts": "export interface ClusterOutputs { name: string }\n",
    "addons/contract.ts": "export interface AddonsOutputs { ready: boolean }\n",
    "addons/layer.ts": "import type { ClusterOutputs } from '../infra/cluster/contract';\nimport { pool } from '../lib/placement';\nexport const f = (c: ClusterOutputs) => c.name + pool;\n",
    "workloads/layer.ts": "import type { AddonsOutputs } from '../addons/contract';\nimport { pool } from '../lib/placement';\nexport const g = (a: AddonsOutputs) => a.ready && pool;\n",
};

describe("layer boundaries (dependency-cruiser, npm run lint)", function () {
    this.timeout(60_000);

    it("the project keeps them", () => {
        const run = spawnSync(process.execPath, [CLI, "--config", CONFIG, "--output-type", "err", "."], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stdout + run.stderr);
    });

    it("a project that keeps them passes", () => {
        const { status, report } = cruise(CLEAN);
        assert.equal(status, 0, report);
    });

    it("fails on a layer importing another layer's folder (not its contract)", () => {
        const { status, report } = cruise({ ...CLEAN, "workloads/pools.ts": "import { nodePool } from '../addons/karpenter/nodes';\nexport const p = nodePool;\n", "addons/karpenter/nodes.ts": "export const nodePool = 1;\n" });
        assert.notEqual(status, 0);
        assert.match(report, /layer-boundary:workloads: workloads\/pools\.ts → addons\/karpenter\/nodes\.ts/);
    });

    it("fails on a layer reading a downstream layer's contract (data flows one way)", () => {
        const { status, report } = cruise({ ...CLEAN, "infra/cluster/layer.ts": "import type { AddonsOutputs } from '../../addons/contract';\nexport type A = AddonsOutputs;\n" });
        assert.notEqual(status, 0);
        assert.match(report, /layer-boundary:infra\/cluster: infra\/cluster\/layer\.ts → addons\/contract\.ts/);
    });

    it("fails on lib/ importing a layer or a tool", () => {
        const { status, report } = cruise({ ...CLEAN, "lib/bad.ts": "import { f } from '../addons/layer';\nexport const h = f;\n" });
        assert.notEqual(status, 0);
        assert.match(report, /lib-is-shared: lib\/bad\.ts → addons\/layer\.ts/);
    });

    it("fails on an import cycle, type-only imports included", () => {
        const { status, report } = cruise({
            ...CLEAN,
            "lib/config/rules.ts": "import type { Schema } from './schema';\nexport interface Problem { s?: Schema }\n",
            "lib/config/schema.ts": "import type { Problem } from './rules';\nexport interface Schema { p?: Problem }\n",
        });
        assert.notEqual(status, 0);
        assert.match(report, /no-circular: lib\/config\/rules\.ts → \s*lib\/config\/schema\.ts →\s*lib\/config\/rules\.ts/);
    });
});
