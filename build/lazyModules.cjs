// Keeps modules that @pulumi/pulumi loads eagerly but never uses under mocks from loading at all:
// `typescript` (closure serialization, automation) and `@npmcli/arborist` (package paths of
// serialized functions), about 0.4 s and 50 MiB per process. Each becomes a stand-in that loads
// the real module on first use, so nothing breaks if Pulumi does need it.
const Module = require("module");

const LAZY = new Set(["typescript", "@npmcli/arborist"]);
const fromPulumi = (parent) => Boolean(parent && parent.filename && parent.filename.includes(`${require("path").sep}@pulumi${require("path").sep}pulumi${require("path").sep}`));

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
    if (!LAZY.has(request) || !fromPulumi(parent)) return originalLoad.call(this, request, parent, isMain);
    let real;
    const target = () => (real ??= originalLoad.call(this, request, parent, isMain));
    return new Proxy(
        {},
        {
            // `__importStar` returns an ES module as it is: the stand-in says it is one, so nothing is copied (and loaded) up front.
            get: (_, key) => (key === "__esModule" ? true : Reflect.get(target(), key)),
            has: (_, key) => key === "__esModule" || Reflect.has(target(), key),
            ownKeys: () => Reflect.ownKeys(target()),
            getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(target(), key),
        },
    );
};
