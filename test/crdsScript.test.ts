// scripts/crds.sh: the one script that fetches the upstream CRDs the tests need on a clone without
// ../shared, each pinned to a release URL and checked against its SHA-256. Run here with a stand-in
// `curl` that serves ../shared/crds (no internet): the paths, the checksums, the fallback folder.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CRD_ROOT } from "../lib/crds";
import { REPO_ROOT } from "./helpers";

const SCRIPT = path.join(REPO_ROOT, "scripts", "crds.sh");

/** A PATH whose `curl` copies ../shared/crds/<folder>/<file> for a URL ending in <file>, and logs the URL. */
function fakeCurl(dir: string, tamper = false): string {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "curl"), `#!/usr/bin/env bash
out=""; url=""
while [ $# -gt 0 ]; do case "$1" in --output) out=$2; shift 2;; -*) shift;; *) url=$1; shift;; esac; done
echo "$url" >> "${dir}/urls"
src=$(find "${CRD_ROOT}" -name "$(basename "$url")" | head -1)
[ -n "$src" ] || exit 22
cp "$src" "$out"
${tamper ? 'echo "# changed" >> "$out"' : ""}
`, { mode: 0o755 });
    return `${bin}:${process.env.PATH}`;
}

const run = (args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT) => execFileSync("bash", [SCRIPT, ...args], { env, cwd, encoding: "utf8", stdio: "pipe" });

describe("scripts/crds.sh: the tests' CRDs on a clone without ../shared", () => {
    it("fetches every CRD folder the tests read from pinned release URLs, each matching its checksum", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        try {
            run([path.join(dir, "crds")], { ...process.env, PATH: fakeCurl(dir) });
            for (const folder of fs.readdirSync(CRD_ROOT).filter((f) => fs.statSync(path.join(CRD_ROOT, f)).isDirectory())) {
                for (const file of fs.readdirSync(path.join(CRD_ROOT, folder))) {
                    assert.deepEqual(fs.readFileSync(path.join(dir, "crds", folder, file)), fs.readFileSync(path.join(CRD_ROOT, folder, file)), `${folder}/${file}`);
                }
            }
            const urls = fs.readFileSync(path.join(dir, "urls"), "utf8").trim().split("\n");
            for (const url of urls) assert.match(url, /^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/(v?\d+\.\d+\.\d+|kube-prometheus-stack-\d+\.\d+\.\d+)\//, `${url} is pinned to a release`);
            // Calico v3.32.1 moved its CRDs from charts/tigera-operator/crds/ to the crd.projectcalico.org.v1 chart.
            assert.ok(urls.filter((u) => u.includes("projectcalico")).every((u) => u.includes("/v3.32.1/charts/crd.projectcalico.org.v1/templates/")), urls.join("\n"));
            // A second run finds everything in place and fetches nothing.
            fs.rmSync(path.join(dir, "urls"));
            run([path.join(dir, "crds")], { ...process.env, PATH: fakeCurl(dir) });
            assert.equal(fs.existsSync(path.join(dir, "urls")), false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("refuses a file whose checksum differs from the pin, keeping nothing of it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        try {
            assert.throws(() => run([path.join(dir, "crds")], { ...process.env, PATH: fakeCurl(dir, true) }), /does not have the pinned SHA-256/);
            const left = fs.readdirSync(path.join(dir, "crds"), { recursive: true }).map(String).filter((f) => f.endsWith(".yaml") || f.endsWith(".part"));
            assert.deepEqual(left, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("does nothing where ../shared/crds exists; on a clone without it fetches into .fixtures/crds, which the tests then read", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        try {
            assert.equal(run([], { ...process.env, PATH: fakeCurl(dir) }), "");
            assert.equal(fs.existsSync(path.join(dir, "urls")), false, "nothing fetched beside ../shared");
            // A clone without ../shared: <tmp>/clone/scripts/crds.sh, no <tmp>/shared.
            const clone = path.join(dir, "clone");
            fs.mkdirSync(path.join(clone, "scripts"), { recursive: true });
            fs.copyFileSync(SCRIPT, path.join(clone, "scripts", "crds.sh"));
            execFileSync("bash", [path.join(clone, "scripts", "crds.sh")], { env: { ...process.env, PATH: fakeCurl(dir) }, encoding: "utf8" });
            assert.ok(fs.existsSync(path.join(clone, ".fixtures", "crds", "calico-3.32", "operator.tigera.io_installations.yaml")));
            assert.ok(fs.readFileSync(path.join(REPO_ROOT, ".gitignore"), "utf8").includes(".fixtures/"), ".fixtures is not committed");
            assert.ok(fs.readFileSync(path.join(REPO_ROOT, "lib", "crds.ts"), "utf8").includes('".fixtures", "crds"'), "lib/crds.ts reads .fixtures/crds without ../shared");
            const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
            assert.equal(pkg.scripts.test, "bash scripts/test.sh");
            const steps = fs.readFileSync(path.join(REPO_ROOT, "scripts", "test.sh"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
            assert.match(steps.find((l) => /crds\.sh|npm run/.test(l)) ?? "", /^bash scripts\/crds\.sh \|\| exit 1$/, "npm test fetches them first, and stops when it cannot");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
