// `npx mocha test/foo.test.ts` runs that file alone; `npm run unit` (no file named) runs them all,
// in parallel on every core (at least two: a test waiting on a child process leaves its core free).
const os = require("os");
const named = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));
module.exports = {
    require: ["tsx/cjs", "./build/lazyModules.cjs"],
    extension: ["ts"],
    spec: named ? [] : ["test/**/*.test.ts"],
    parallel: !named,
    jobs: Math.max(2, os.availableParallelism()),
    timeout: 120000,
    reporter: "dot",
};
