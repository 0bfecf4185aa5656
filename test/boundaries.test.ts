// Layer boundaries (issue 20): the dependency-cruiser rules of `npm run lint` hold on the project,
// and fail on a deliberate cross-layer import, a downstream contract and an import cycle.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ICruiseOptions, ITranspileOptions } from "dependency-cruiser";
import { REPO_ROOT } from "./helpers";

const CONFIG = path.join(REPO_ROOT, ".dependency-cruiser.cjs");

/**
 * `depcruise --config .dependency-cruiser.cjs --output-type err .` in `dir`, through
 * dependency-cruiser's API in this process (what `npm run lint` runs): the exit code and the report.
 */
async function depcruise(dir: string, cacheFolder?: string): Promise<{ status: number; report: string }> {
    const { cruise } = await import("dependency-cruiser");
    // Subpath exports, which this project's `moduleResolution` cannot type: typed here by hand.
    const helper = (name: string) => import(`dependency-cruiser/config-utl/${name}`) as Promise<{ default: (file: string) => unknown }>;
    const extractDepcruiseOptions = (await helper("extract-depcruise-options")).default as (file: string) => Promise<ICruiseOptions>;
    const extractTSConfig = (await helper("extract-ts-config")).default as (file: string) => ITranspileOptions["tsConfig"];
    const options = await extractDepcruiseOptions(CONFIG);
    const tsConfig = path.join(dir, "tsconfig.json");
    const cache = cacheFolder ? { cache: { folder: cacheFolder, strategy: "metadata" as const } } : {};
    const result = await cruise(["."], { ...options, ...cache, baseDir: dir, outputType: "err", tsConfig: { fileName: tsConfig } }, {}, { tsConfig: extractTSConfig(tsConfig) });
    return { status: result.exitCode, report: String(result.output) };
}

/** Runs the project's rules over a tree of files (path -> source) and returns the exit code and report. */
async function cruiseTree(files: Record<string, string>): Promise<{ status: number; report: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "boundaries-"));
    try {
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs", strict: true } }));
        for (const [file, source] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), source);
        }
        return await depcruise(dir);
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

    it("the project keeps them", async () => {
        // Cached as `npm run lint` caches it (its own folder: lint may run beside the tests): the files changed since are cruised again.
        const { status, report } = await depcruise(REPO_ROOT, path.join(REPO_ROOT, ".build", "cache", "depcruise-test"));
        assert.equal(status, 0, report);
    });

    it("a project that keeps them passes", async () => {
        const { status, report } = await cruiseTree(CLEAN);
        assert.equal(status, 0, report);
    });

    it("fails on a layer importing another layer's folder (not its contract)", async () => {
        const { status, report } = await cruiseTree({ ...CLEAN, "workloads/pools.ts": "import { nodePool } from '../addons/karpenter/nodes';\nexport const p = nodePool;\n", "addons/karpenter/nodes.ts": "export const nodePool = 1;\n" });
        assert.notEqual(status, 0);
        assert.match(report, /layer-boundary:workloads: workloads\/pools\.ts → addons\/karpenter\/nodes\.ts/);
    });

    it("fails on a layer reading a downstream layer's contract (data flows one way)", async () => {
        const { status, report } = await cruiseTree({ ...CLEAN, "infra/cluster/layer.ts": "import type { AddonsOutputs } from '../../addons/contract';\nexport type A = AddonsOutputs;\n" });
        assert.notEqual(status, 0);
        assert.match(report, /layer-boundary:infra\/cluster: infra\/cluster\/layer\.ts → addons\/contract\.ts/);
    });

    it("fails on lib/ importing a layer or a tool", async () => {
        const { status, report } = await cruiseTree({ ...CLEAN, "lib/bad.ts": "import { f } from '../addons/layer';\nexport const h = f;\n" });
        assert.notEqual(status, 0);
        assert.match(report, /lib-is-shared: lib\/bad\.ts → addons\/layer\.ts/);
    });

    it("fails on an import cycle, type-only imports included", async () => {
        const { status, report } = await cruiseTree({
            ...CLEAN,
            "lib/config/rules.ts": "import type { Schema } from './schema';\nexport interface Problem { s?: Schema }\n",
            "lib/config/schema.ts": "import type { Problem } from './rules';\nexport interface Schema { p?: Problem }\n",
        });
        assert.notEqual(status, 0);
        assert.match(report, /no-circular: lib\/config\/rules\.ts → \s*lib\/config\/schema\.ts →\s*lib\/config\/rules\.ts/);
    });
});
