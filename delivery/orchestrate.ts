// One command per environment: bring up or preview the layer stacks in order, or tear them down in
// reverse order, through the Pulumi Automation API (which drives the Pulumi CLI in each layer folder).
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, StackNotFoundError, type EngineEvent, type OpMap, type Stack } from "@pulumi/pulumi/automation";
import { loadConfigFile } from "../lib/config/load";
import { LAYER_NAMES, type LayerName } from "../lib/layer";
import { REPO_ROOT } from "../lib/layers";
import { DEFAULT_WAITS, removeBlockers, type ClusterApi, type WaitOptions } from "./blockers";
import { kubeClusterApi } from "./kube";
import { layerStacks, type LayerStack } from "./stacks";

export const OPERATIONS = ["up", "preview", "destroy"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface DeliveryOptions {
    /** The Pulumi CLI; default: `pulumi` on the PATH. */
    pulumi?: PulumiCommand;
    /** Extra environment of every Pulumi CLI call. */
    envVars?: Record<string, string>;
    /** Policy packs applied to up and preview; default: `policy/` when the repository has it. */
    policyPacks?: string[];
    /** destroy: a production environment is torn down only when this names it (`--yes-destroy-prod <env>`). */
    confirmProduction?: string;
    /** destroy: how the cluster is reached, from the cluster stack's kubeconfig output. */
    connectCluster?: (kubeconfig: string) => ClusterApi;
    waits?: WaitOptions;
    /** How often a running layer reports how many resources it has done. */
    progressEveryMs?: number;
    log?: (line: string) => void;
    /** The repository (layer folders and `Pulumi.<env>.yaml`). */
    root?: string;
}

export interface LayerResult {
    layer: LayerName;
    stack: string;
    /** Resource operations by kind (create, update, same, delete, ...), from the engine's summary. */
    changes: OpMap;
    skipped?: string;
}

export class LayerFailedError extends Error {
    constructor(readonly layer: LayerName, readonly operation: Operation, readonly cause: unknown) {
        super(`${operation} failed in the ${layer} layer: ${cause instanceof Error ? cause.message.trim() : String(cause)}`);
        this.name = "LayerFailedError";
    }
}

/** `policy/` is a Pulumi policy pack when it has a PulumiPolicy.yaml. */
export function defaultPolicyPacks(root: string): string[] {
    const pack = path.join(root, "policy");
    return fs.existsSync(path.join(pack, "PulumiPolicy.yaml")) ? [pack] : [];
}

export function describeChanges(changes: OpMap): string {
    const entries = Object.entries(changes).filter(([, n]) => (n ?? 0) > 0);
    const total = entries.reduce((sum, [, n]) => sum + (n ?? 0), 0);
    return `${total} resources${entries.length ? ` (${entries.map(([op, n]) => `${op} ${n}`).join(", ")})` : ""}`;
}

/** Counts finished resources from engine events and keeps the engine's summary. */
function progress(layer: LayerName, log: (line: string) => void, everyMs: number) {
    let done = 0;
    let reported = 0;
    let summary: OpMap | undefined;
    const timer = setInterval(() => {
        if (done !== reported) log(`  ${layer}: ${(reported = done)} resources so far`);
    }, everyMs);
    timer.unref();
    return {
        onEvent(event: EngineEvent) {
            if (event.resOutputsEvent) done++;
            if (event.summaryEvent) summary = event.summaryEvent.resourceChanges;
        },
        finish(): OpMap {
            clearInterval(timer);
            return summary ?? {};
        },
    };
}

/**
 * Runs `op` over every layer stack of `env`. The environment file is validated before any stack is
 * touched; a layer that fails stops the run with a LayerFailedError naming it.
 */
export async function deliver(op: Operation, env: string, options: DeliveryOptions = {}): Promise<LayerResult[]> {
    const root = options.root ?? REPO_ROOT;
    const log = options.log ?? ((line: string) => console.log(line));
    const config = loadConfigFile(path.join(root, `Pulumi.${env}.yaml`));
    const stacks = layerStacks(root, env);
    if (op === "destroy" && config.tier === "production" && options.confirmProduction !== env) {
        throw new Error(`refusing to destroy ${env}: platform:tier is production; confirm with --yes-destroy-prod ${env}`);
    }
    const pulumi = options.pulumi ?? (await PulumiCommand.get());
    const workspaceOptions = { pulumiCommand: pulumi, envVars: options.envVars };
    const policyPacks = options.policyPacks ?? defaultPolicyPacks(root);
    const everyMs = options.progressEveryMs ?? 15_000;
    if (op !== "destroy") log(policyPacks.length ? `policy packs: ${policyPacks.map((p) => path.relative(root, p) || p).join(", ")}` : "policy packs: none (no policy/ pack in the repository)");

    const run = async (target: LayerStack, stack: Stack, action: (onEvent: (e: EngineEvent) => void) => Promise<unknown>): Promise<LayerResult> => {
        log(`▶ ${target.layer}: ${op} ${target.project}/${env} (${path.relative(root, target.workDir)}, config ${path.relative(root, target.configFile)})`);
        const started = Date.now();
        const counter = progress(target.layer, log, everyMs);
        let changes: OpMap;
        try {
            await action((e) => counter.onEvent(e));
        } catch (e) {
            log(`✗ ${target.layer}: ${op} failed`);
            throw new LayerFailedError(target.layer, op, e);
        } finally {
            changes = counter.finish();
        }
        log(`✔ ${target.layer}: ${describeChanges(changes)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
        return { layer: target.layer, stack: stack.name, changes };
    };

    const results: LayerResult[] = [];
    if (op !== "destroy") {
        for (const target of stacks) {
            const stack = await LocalWorkspace.createOrSelectStack({ workDir: target.workDir, stackName: env }, workspaceOptions).catch((e) => {
                throw new LayerFailedError(target.layer, op, e);
            });
            results.push(await run(target, stack, (onEvent) => (op === "up" ? stack.up({ onEvent, policyPacks }) : stack.preview({ onEvent, policyPacks }))));
        }
        return results;
    }

    // destroy: the stacks that exist, last layer first.
    const existing: { target: LayerStack; stack: Stack }[] = [];
    for (const target of [...stacks].reverse()) {
        try {
            existing.push({ target, stack: await LocalWorkspace.selectStack({ workDir: target.workDir, stackName: env }, workspaceOptions) });
        } catch (e) {
            if (!(e instanceof StackNotFoundError)) throw new LayerFailedError(target.layer, op, e);
            log(`- ${target.layer}: no stack ${target.project}/${env}, nothing to destroy`);
            results.push({ layer: target.layer, stack: env, changes: {}, skipped: "no stack" });
        }
    }
    const cluster = existing.find((s) => s.target.layer === "cluster");
    const kubeconfig = cluster ? (await cluster.stack.outputs()).kubeconfig?.value : undefined;
    if (typeof kubeconfig === "string" && kubeconfig) {
        log("▶ removing what would block deletion (through the cluster stack's kubeconfig)");
        try {
            await removeBlockers((options.connectCluster ?? kubeClusterApi)(kubeconfig), log, options.waits ?? DEFAULT_WAITS);
        } catch (e) {
            throw new LayerFailedError("addons", op, e);
        }
    } else {
        log("- no cluster deployed: no load balancers or Karpenter nodes to remove");
    }
    for (const { target, stack } of existing) {
        // Protected resources (the KMS key; in production the VPC, cluster and file systems) stay.
        results.push(await run(target, stack, (onEvent) => stack.destroy({ onEvent, excludeProtected: true })));
    }
    return results.sort((a, b) => LAYER_NAMES.indexOf(b.layer) - LAYER_NAMES.indexOf(a.layer));
}
