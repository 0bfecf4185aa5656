// Where the layers live, in deployment order. A layer is a folder with a `layer.ts` that exports
// `layer`; a folder without one (a layer not built yet) is skipped.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { Layer, LayerName } from "./layer";

/** Where the code runs from: the repository, or its compiled copy `.build/` (build/run.cjs). */
const CODE_ROOT = path.resolve(__dirname, "..");
/** The repository: environment files, docs, `out/`. */
export const REPO_ROOT = path.basename(CODE_ROOT) === ".build" ? path.dirname(CODE_ROOT) : CODE_ROOT;

export const LAYER_DIRS: Record<LayerName, string> = {
    network: "infra/network",
    cluster: "infra/cluster",
    addons: "addons",
    workloads: "workloads",
};

export function layerFile(name: LayerName): string | undefined {
    const base = path.join(CODE_ROOT, LAYER_DIRS[name], "layer");
    return [".ts", ".js"].some((ext) => fs.existsSync(base + ext)) ? base : undefined;
}

/** The layers that exist, in order: network, cluster, addons, workloads. */
export function availableLayers(): Layer[] {
    return (Object.keys(LAYER_DIRS) as LayerName[]).flatMap((name) => {
        const file = layerFile(name);
        if (!file) return [];
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { layer } = require(file) as { layer: Layer };
        if (layer?.name !== name) throw new Error(`${file} must export the ${name} layer as "layer"`);
        return [layer];
    });
}

/**
 * In one stack nothing but the dependency graph orders the layers, while layered stacks come up one
 * after another. The Kubernetes side needs that order: an object of a later layer may need a CRD, a
 * webhook's workload, a controller or the network plugin (an EKS add-on) of an earlier one. So every
 * Kubernetes object and Helm release of a layer waits for every Kubernetes object, release and EKS
 * add-on of the layers before it.
 */
function orderKubernetesByLayer(): { next(): void } {
    const earlier: pulumi.Resource[] = [];
    let current: pulumi.Resource[] = [];
    // Kubernetes objects and Helm releases (not the provider: pulumi:providers:kubernetes).
    const isKubernetesObject = (type: string) => type.startsWith("kubernetes:");
    pulumi.runtime.registerStackTransformation((args) => {
        if (args.type === "aws:eks/addon:Addon") current.push(args.resource);
        if (!isKubernetesObject(args.type)) return undefined;
        current.push(args.resource);
        if (!earlier.length) return undefined;
        return { props: args.props, opts: pulumi.mergeOptions(args.opts, { dependsOn: [...earlier] }) };
    });
    return {
        next() {
            earlier.push(...current);
            current = [];
        },
    };
}

/** Runs every available layer in one process, each fed its upstream layers' outputs directly. */
export async function runInProcess(layers: Layer[], config: Parameters<Layer["run"]>[0]["config"]): Promise<Record<string, Record<string, unknown>>> {
    const results: Record<string, Record<string, unknown>> = {};
    const order = orderKubernetesByLayer();
    for (const layer of layers) {
        order.next();
        const upstream: Record<string, unknown> = {};
        for (const name of Object.keys(layer.upstream)) {
            if (!results[name]) throw new Error(`the ${layer.name} layer needs the ${name} layer, which does not exist`);
            upstream[name] = results[name];
        }
        results[layer.name] = (await layer.run({ config, upstream: upstream as never })) as Record<string, unknown>;
    }
    return results;
}
