// Layer boundaries (npm run lint): data flows network -> cluster -> addons -> workloads, shared code
// lives in lib/, and nothing imports in a circle. A layer may import only an upstream layer's
// contract.ts (the typed outputs it reads from that layer's stack), never its other files.
const LAYERS = ["infra/network", "infra/cluster", "addons", "workloads"];
const TOOLS = ["synth", "policy", "delivery", "plays", "bench"];
const folder = (dirs) => `^(${dirs.join("|")})/`;
const contractOf = (dirs) => `^(${dirs.join("|")})/contract\\.ts$`;

/** One rule per layer: no file of another layer's folder, except an upstream layer's contract. */
const layerRules = LAYERS.map((layer, i) => ({
    name: `layer-boundary:${layer}`,
    comment: `${layer} imports another layer's folder: move what both need to lib/, or read the upstream layer's contract.ts`,
    severity: "error",
    from: { path: `^${layer}/` },
    to: {
        path: folder(LAYERS.filter((l) => l !== layer)),
        pathNot: i === 0 ? [] : [contractOf(LAYERS.slice(0, i))],
    },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
    forbidden: [
        ...layerRules,
        {
            name: "lib-is-shared",
            comment: "lib/ is what layers and tools share: it imports no layer, tool or test",
            severity: "error",
            from: { path: "^lib/" },
            to: { path: folder([...LAYERS, ...TOOLS, "test"]) },
        },
        {
            name: "no-circular",
            comment: "an import cycle: move the shared part into its own module",
            severity: "error",
            from: {},
            to: { circular: true },
        },
        {
            name: "not-to-test",
            comment: "code imports no test file",
            severity: "error",
            from: { pathNot: "^test/" },
            to: { path: "^test/" },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "^(node_modules|out|\\.build)/" },
        // Type-only imports count: a type shared by two layers belongs in lib/ as much as code does.
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        enhancedResolveOptions: { extensions: [".ts", ".js", ".json"] },
    },
};
