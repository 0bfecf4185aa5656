// node build/run.cjs <entry.ts> [args...]: runs a TypeScript entry point as compiled JavaScript.
// Brings .build/ up to date with the sources (build/compile.cjs: cheap when nothing changed, never
// stale), then runs the entry's compiled file with the arguments.
const path = require("path");
require("./lazyModules.cjs");
const { compile } = require("./compile.cjs");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, ".build");

const [entry, ...args] = process.argv.slice(2);
if (!entry || !entry.endsWith(".ts")) {
    console.error("usage: node build/run.cjs <entry.ts> [args...]");
    process.exit(2);
}
compile(ROOT, OUT);
const compiled = path.join(OUT, path.relative(ROOT, path.resolve(ROOT, entry)).replace(/\.ts$/, ".js"));
process.argv = [process.argv[0], compiled, ...args];
require(compiled);
