// The compiled run of the CLIs (build/): what changed is rebuilt, nothing stale survives, and
// Pulumi's unused heavy modules stay unloaded until something uses them.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compile } = require("../build/compile.cjs") as { compile(root: string, outDir: string): string[] };

describe("build: compiled JavaScript for the CLIs", () => {
    let root: string;
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "build-"));
        fs.mkdirSync(path.join(root, "lib"));
        fs.writeFileSync(path.join(root, "lib", "a.ts"), "export const a: number = 1;\n");
        fs.mkdirSync(path.join(root, "test"));
        fs.writeFileSync(path.join(root, "test", "a.test.ts"), "export {};\n");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("compiles every source once, then only what changed, and removes what lost its source", () => {
        const out = path.join(root, ".build");
        assert.deepEqual(compile(root, out), ["lib/a.ts"], "tests are not compiled");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.equal((require(path.join(out, "lib", "a.js")) as { a: number }).a, 1);
        assert.deepEqual(compile(root, out), [], "nothing changed, nothing compiled");
        fs.writeFileSync(path.join(root, "lib", "a.ts"), "export const a: number = 22;\n");
        assert.deepEqual(compile(root, out), ["lib/a.ts"], "a changed source is compiled again");
        assert.match(fs.readFileSync(path.join(out, "lib", "a.js"), "utf8"), /a = 22/);
        fs.rmSync(path.join(root, "lib", "a.ts"));
        assert.deepEqual(compile(root, out), []);
        assert.equal(fs.existsSync(path.join(out, "lib", "a.js")), false, "an output without its source is removed");
    });

    it("loads @pulumi/pulumi without typescript or @npmcli/arborist, which load on first use", () => {
        const probe = [
            "require('@pulumi/pulumi');",
            "const loaded = (m) => Object.keys(require.cache).some((k) => k.includes(`/node_modules/${m}/`));",
            "const before = [loaded('typescript'), loaded('@npmcli/arborist')];",
            "const ts = require('@pulumi/pulumi/typescript-shim');",
            "const works = typeof ts.createSourceFile === 'function';",
            "console.log(JSON.stringify({ before, works, after: loaded('typescript') }));",
        ].join("\n");
        const run = spawnSync(process.execPath, ["--require", path.join(REPO_ROOT, "build/lazyModules.cjs"), "-e", probe], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), { before: [false, false], works: true, after: true });
    });
});
