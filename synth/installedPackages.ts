// What is installed: the packages' own declarations (the pins), read once per synth, for the deploy
// path (synth/deployPath.ts).
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { LAYER_DIRS, REPO_ROOT } from "../lib/layers";
import { DeployPathError } from "./deployPathTypes";

export interface Installed {
    /** Resource packages under node_modules/@pulumi: the SDK version and the plugin version it asks for (package.json `pulumi.version`). */
    pulumiPackages: Record<string, { sdk: string; plugin: string }>;
    /** `engines.node` of package.json and of each runtime dependency that declares one. */
    nodeEngines: Record<string, string>;
    /** The oldest Pulumi CLI the Automation API of @pulumi/pulumi accepts (automation/minimumVersion.js). */
    pulumiCliMinimum: string;
    /** The @pulumi/pulumi SDK version. */
    pulumiSdk: string;
    /** Hosts of the lockfile's resolved URLs; empty when the lockfile names none (the configured registry). */
    npmHosts: string[];
    /** `backend.url` of the Pulumi projects (root and layers), where one sets it. */
    backendUrls: string[];
}

const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;

export function installedPackages(root: string = REPO_ROOT): Installed {
    const modules = path.join(root, "node_modules");
    const pulumiPackages: Installed["pulumiPackages"] = {};
    for (const name of fs.readdirSync(path.join(modules, "@pulumi"))) {
        const file = path.join(modules, "@pulumi", name, "package.json");
        if (!fs.existsSync(file)) continue;
        const pkg = readJson(file) as { version: string; pulumi?: { resource?: boolean; name?: string; version?: string } };
        if (pkg.pulumi?.resource) pulumiPackages[pkg.pulumi.name ?? name] = { sdk: pkg.version, plugin: pkg.pulumi.version ?? pkg.version };
    }
    const manifest = readJson(path.join(root, "package.json")) as { engines?: { node?: string }; dependencies?: Record<string, string> };
    const nodeEngines: Record<string, string> = manifest.engines?.node ? { "package.json": manifest.engines.node } : {};
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
        const engine = (readJson(path.join(modules, dep, "package.json")) as { engines?: { node?: string } }).engines?.node;
        if (engine) nodeEngines[dep] = engine;
    }
    // Only semver: the module itself says the CLI version the SDK's Automation API checks for.
    const minimumFile = fs.readFileSync(path.join(modules, "@pulumi/pulumi/automation/minimumVersion.js"), "utf8");
    const minimum = /SemVer\("v?([^"]+)"\)/.exec(minimumFile)?.[1];
    if (!minimum) throw new DeployPathError("@pulumi/pulumi/automation/minimumVersion.js no longer names the minimum Pulumi CLI: read how the SDK checks it now");
    const lock = readJson(path.join(root, "package-lock.json")) as { packages?: Record<string, { resolved?: string }> };
    const npmHosts = [...new Set(Object.values(lock.packages ?? {}).flatMap((p) => (p.resolved?.startsWith("http") ? [new URL(p.resolved).host] : [])))].sort();
    const projects = [path.join(root, "Pulumi.yaml"), ...Object.values(LAYER_DIRS).map((dir) => path.join(root, dir, "Pulumi.yaml"))];
    const backendUrls = [...new Set(projects.filter((f) => fs.existsSync(f)).flatMap((f) => {
        const url = (YAML.parse(fs.readFileSync(f, "utf8")) as { backend?: { url?: string } } | null)?.backend?.url;
        return url ? [url] : [];
    }))];
    return {
        pulumiPackages,
        nodeEngines,
        pulumiCliMinimum: minimum,
        pulumiSdk: (readJson(path.join(modules, "@pulumi/pulumi/package.json")) as { version: string }).version,
        npmHosts,
        backendUrls,
    };
}

let cached: Installed | undefined;
/** The installed packages of this checkout, read once. */
export const installed = (): Installed => (cached ??= installedPackages());
