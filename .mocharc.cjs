// `npx mocha test/foo.test.ts` runs that file alone; `npm run unit` (no file named) runs them all.
const named = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));
module.exports = {
    require: ["tsx/cjs", "./build/lazyModules.cjs"],
    extension: ["ts"],
    spec: named ? [] : ["test/**/*.test.ts"],
    timeout: 120000,
    reporter: "dot",
};
