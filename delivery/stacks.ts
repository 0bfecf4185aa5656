// The layer stacks of an environment: one Pulumi project per layer folder, stack name = env, and the
// stack config file the Pulumi CLI reads for it.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { LAYER_NAMES, projectOf, type LayerName } from "../lib/layer";
import { LAYER_DIRS } from "../lib/layers";

export interface LayerStack {
    layer: LayerName;
    project: string;
    /** The layer folder: the Automation API's workDir, where the CLI runs. */
    workDir: string;
    /** The root `Pulumi.<env>.yaml`, which the CLI reads through the project's `stackConfigDir`. */
    configFile: string;
}

/**
 * The CLI reads a stack's config from `<workDir>/<stackConfigDir>/Pulumi.<stack>.yaml`, while
 * LocalWorkspace's own `stackSettings`/`saveStackSettings` always use `<workDir>/Pulumi.<stack>.yaml`:
 * so the orchestration never writes stack settings through the workspace, and checks here that each
 * layer's `stackConfigDir` leads to the root environment file it validated.
 */
export function layerStacks(root: string, env: string): LayerStack[] {
    const rootConfig = path.join(root, `Pulumi.${env}.yaml`);
    return LAYER_NAMES.map((layer) => {
        const workDir = path.join(root, LAYER_DIRS[layer]);
        const projectFile = path.join(workDir, "Pulumi.yaml");
        if (!fs.existsSync(projectFile)) throw new Error(`${projectFile}: the ${layer} layer has no Pulumi project`);
        const settings = YAML.parse(fs.readFileSync(projectFile, "utf8")) as { name?: string; stackConfigDir?: string };
        if (settings.name !== projectOf(layer)) {
            throw new Error(`${projectFile}: the ${layer} layer's project is named "${projectOf(layer)}", not "${settings.name}"`);
        }
        const configFile = path.resolve(workDir, settings.stackConfigDir ?? ".", `Pulumi.${env}.yaml`);
        if (configFile !== rootConfig) {
            throw new Error(`${projectFile}: stackConfigDir must lead to the repository root (the stack would read ${configFile}, not ${rootConfig})`);
        }
        return { layer, project: settings.name, workDir, configFile };
    });
}
