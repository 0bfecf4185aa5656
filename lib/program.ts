// The Pulumi entry points: a layer project's program, and the root one-stack program.
import * as pulumi from "@pulumi/pulumi";
// isConfigSecret is not in the typed surface of the runtime module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
import { loadPulumiConfig } from "./config/load";
import type { PlatformConfig } from "./config/schema";
import { runFromStacks, type Contract, type Layer, type UpstreamContracts } from "./layer";
import { availableLayers, runInProcess } from "./layers";

export function stackConfig(): PlatformConfig {
    return loadPulumiConfig(pulumi.runtime.allConfig(), pulumi.getStack(), isConfigSecret);
}

/** `export = layerProgram(layer)`: config, then upstream stacks, then the layer. */
export function layerProgram<C extends Contract, U extends UpstreamContracts>(layer: Layer<C, U>) {
    return async () => runFromStacks(layer, stackConfig());
}

/** The root project: every layer in one stack, outputs grouped by layer. */
export function singleStackProgram() {
    return async () => runInProcess(availableLayers(), stackConfig());
}
