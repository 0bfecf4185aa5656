// Writing a plan: plan.json, the Kubernetes manifests per layer, and the printed summary.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { PlannedResource } from "./plan";
import { ConfigError } from "../lib/config/load";
import type { Plan } from "./plan";

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** A Kubernetes object a layer declares, as it would be applied. */
function manifestOf(r: PlannedResource): Record<string, unknown> | undefined {
    if (!r.type.startsWith("kubernetes:") || r.type === HELM_RELEASE || !r.custom) return undefined;
    const { apiVersion, kind, metadata, ...rest } = r.inputs;
    if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
    return { apiVersion, kind, metadata, ...rest };
}

function fileNameOf(manifest: Record<string, unknown>): string {
    const meta = (manifest.metadata ?? {}) as { name?: string; namespace?: string };
    return [String(manifest.kind).toLowerCase(), meta.namespace, meta.name].filter(Boolean).join("-") + ".yaml";
}

/** Writes `<dir>/plan.json` and `<dir>/manifests/<layer>/`; returns the files written. */
export function writePlan(plan: Plan, dir: string): string[] {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const written = [path.join(dir, "plan.json")];
    fs.writeFileSync(written[0], JSON.stringify(plan, null, 2) + "\n");
    for (const layer of plan.layers) {
        const layerDir = path.join(dir, "manifests", layer.name);
        const manifests = layer.resources.map(manifestOf).filter((m): m is Record<string, unknown> => m !== undefined);
        const releases = layer.resources
            .filter((r) => r.type === HELM_RELEASE)
            .map((r) => ({ name: r.inputs.name, namespace: r.inputs.namespace, chart: r.inputs.chart, version: r.inputs.version, repository: (r.inputs.repositoryOpts as { repo?: string } | undefined)?.repo, values: r.inputs.values }));
        if (manifests.length === 0 && releases.length === 0) continue;
        fs.mkdirSync(layerDir, { recursive: true });
        for (const m of manifests) {
            const file = path.join(layerDir, fileNameOf(m));
            fs.writeFileSync(file, YAML.stringify(m));
            written.push(file);
        }
        if (releases.length > 0) {
            const file = path.join(layerDir, "helm-releases.yaml");
            fs.writeFileSync(file, YAML.stringify(releases));
            written.push(file);
        }
    }
    return written;
}

/** Which provider serves the layer's AWS resources: its explicit providers, and any left on the stack's default one. */
function providerLines(resources: PlannedResource[]): string[] {
    const aws = resources.filter((r) => r.custom && r.type.startsWith("aws:") && !r.modeledFrom?.startsWith("AWS:"));
    const lines = resources
        .filter((r) => r.type.startsWith("pulumi:providers:aws"))
        .map((p) => `  provider ${p.name} (${p.type}): serves ${aws.filter((r) => r.provider === p.urn).length} AWS resource(s) with its defaultTags`);
    const byDefault = aws.filter((r) => r.provider === undefined).length;
    return byDefault ? [...lines, `  default AWS provider: serves ${byDefault} AWS resource(s), without the layer's defaultTags`] : lines;
}

/** Resources per layer and type, outputs and warnings, for people. */
export function summarize(plan: Plan, warnings: string[]): string {
    const lines = [`environment ${plan.environment} (${plan.mode})`];
    for (const layer of plan.layers) {
        lines.push("", `${layer.project}/${layer.stack}: ${layer.resources.length} resources, ${Object.keys(layer.outputs).length} outputs`);
        const byType = new Map<string, number>();
        for (const r of layer.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
        const width = Math.max(...[...byType.keys()].map((t) => t.length));
        for (const [type, count] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
            lines.push(`  ${type.padEnd(width)}  ${String(count).padStart(3)}`);
        }
        lines.push(...providerLines(layer.resources));
    }
    lines.push("", warnings.length === 0 ? "no warnings" : `${warnings.length} warning(s):`);
    lines.push(...warnings.map((w) => `  ! ${w}`));
    return lines.join("\n");
}

/** A plan file as `npm run synth` writes it (`out/<env>/plan.json`). */
export function readPlanFile(file: string): Plan {
    let plan: Partial<Plan>;
    try {
        plan = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Plan>;
    } catch (err) {
        throw new ConfigError(file, [`--plan: ${(err as Error).message}`]);
    }
    if (typeof plan.environment !== "string" || !Array.isArray(plan.layers) || (plan.mode !== "layered" && plan.mode !== "single")) {
        throw new ConfigError(file, [`--plan: not a plan written by npm run synth (needs environment, mode and layers)`]);
    }
    return plan as Plan;
}
