// Compiles the project's TypeScript sources file by file (esbuild) into a mirror tree, rebuilding
// only what changed: an output is rebuilt when its source's size or mtime differ from the last
// build's, and removed when its source is gone. Tests, docs and tooling folders are not compiled.
const fs = require("fs");
const path = require("path");

const SKIP = new Set(["node_modules", ".build", ".git", "out", "test", "docs", ".github", "build"]);

function sources(root, dir = root, rel = "") {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const relPath = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) return SKIP.has(e.name) ? [] : sources(root, path.join(dir, e.name), relPath);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [relPath] : [];
    });
}

/** Brings `outDir` up to date with the sources under `root`; returns the sources it compiled. */
function compile(root, outDir) {
    const manifestFile = path.join(outDir, "manifest.json");
    let manifest;
    try {
        manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    } catch {
        manifest = {};
    }
    const next = {};
    const compiled = [];
    let esbuild;
    for (const rel of sources(root)) {
        const file = path.join(root, rel);
        const stat = fs.statSync(file);
        const stamp = `${stat.size}:${stat.mtimeMs}`;
        const out = path.join(outDir, rel.replace(/\.ts$/, ".js"));
        next[rel] = stamp;
        if (manifest[rel] === stamp && fs.existsSync(out)) continue;
        esbuild ??= require("esbuild");
        const { code } = esbuild.transformSync(fs.readFileSync(file, "utf8"), {
            loader: "ts",
            format: "cjs",
            target: "node20",
            sourcefile: file,
            sourcemap: "inline",
        });
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, code);
        compiled.push(rel);
    }
    for (const rel of Object.keys(manifest)) {
        if (!(rel in next)) fs.rmSync(path.join(outDir, rel.replace(/\.ts$/, ".js")), { force: true });
    }
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(manifestFile, JSON.stringify(next));
    return compiled;
}

module.exports = { compile };
