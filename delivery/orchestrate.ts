// One command per environment: bring up or preview the layer stacks in order, or tear them down in
// reverse order, through the Pulumi Automation API (which drives the Pulumi CLI in each layer folder).
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, StackNotFoundError, type PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { loadConfigFile } from "../lib/config/load";
import { LAYER_NAMES } from "../lib/layer";
import { REPO_ROOT } from "../lib/layers";
import { DEFAULT_WAITS, removeBlockers, type ClusterApi, type WaitOptions } from "./blockers";
import { kubeClusterApi } from "./kube";
import { LayerFailedError, pulumiOnPath, runLayer, type LayerResult, type Operation, type RunContext } from "./layerRun";
import { layerStacks, type LayerStack } from "./stacks";

export { OPERATIONS, LayerFailedError, PulumiMissingError, describeChanges, type LayerResult, type Operation, type PolicyFinding } from "./layerRun";

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

/** `policy/` is a Pulumi policy pack when it has a PulumiPolicy.yaml. */
export function defaultPolicyPacks(root: string): string[] {
    const pack = path.join(root, "policy");
    return fs.existsSync(path.join(pack, "PulumiPolicy.yaml")) ? [pack] : [];
}

/** destroy of a production environment without `--yes-destroy-prod <env>`. */
export class ProductionDestroyRefused extends Error {
    constructor(env: string) {
        super(`refusing to destroy ${env}: platform:tier is production; confirm with --yes-destroy-prod ${env}`);
        this.name = "ProductionDestroyRefused";
    }
}

/** A preview that failed in some layers, after every layer was previewed. */
export class PreviewFailedError extends Error {
    constructor(
        readonly results: LayerResult[],
        readonly failures: LayerFailedError[],
    ) {
        super(failures.map((f) => f.message).join("\n"));
        this.name = "PreviewFailedError";
    }
}

/**
 * Runs `op` over every layer stack of `env`. The environment file is validated before any stack is
 * touched. up stops at the first failing layer with a LayerFailedError naming it; preview previews
 * every layer that has a stack (it never creates one), then fails with a PreviewFailedError if any
 * layer failed; destroy goes last layer first.
 */
export async function deliver(op: Operation, env: string, options: DeliveryOptions = {}): Promise<LayerResult[]> {
    const root = options.root ?? REPO_ROOT;
    const log = options.log ?? ((line: string) => console.log(line));
    const config = loadConfigFile(path.join(root, `Pulumi.${env}.yaml`));
    const stacks = layerStacks(root, env);
    if (op === "destroy" && config.tier === "production" && options.confirmProduction !== env) {
        throw new ProductionDestroyRefused(env);
    }
    const pulumi = options.pulumi ?? (await pulumiOnPath());
    const workspaceOptions = { pulumiCommand: pulumi, envVars: options.envVars };
    const policyPacks = options.policyPacks ?? defaultPolicyPacks(root);
    const ctx: RunContext = { op, env, root, log, everyMs: options.progressEveryMs ?? 15_000 };
    if (op !== "destroy") log(policyPacks.length ? `policy packs: ${policyPacks.map((p) => path.relative(root, p) || p).join(", ")}` : "policy packs: none (no policy/ pack in the repository)");
    const select = (target: LayerStack) => LocalWorkspace.selectStack({ workDir: target.workDir, stackName: env }, workspaceOptions);
    const results: LayerResult[] = [];

    if (op === "up") {
        for (const target of stacks) {
            const stack = await LocalWorkspace.createOrSelectStack({ workDir: target.workDir, stackName: env }, workspaceOptions).catch((e) => {
                throw new LayerFailedError(target.layer, op, e);
            });
            results.push(await runLayer(ctx, target, stack, (onEvent) => stack.up({ onEvent, policyPacks })));
        }
        return results;
    }

    if (op === "preview") {
        const failures: LayerFailedError[] = [];
        for (const target of stacks) {
            const stack = await existingStack(ctx, target, select, `\`npm run up -- ${env}\` creates it; \`npm run synth -- ${env}\` shows what it would deploy`);
            if (!stack) {
                results.push({ layer: target.layer, stack: env, changes: {}, findings: [], skipped: "no stack" });
                continue;
            }
            try {
                results.push(await runLayer(ctx, target, stack, (onEvent) => stack.preview({ onEvent, policyPacks, diff: true })));
            } catch (e) {
                if (!(e instanceof LayerFailedError)) throw e;
                failures.push(e);
                results.push({ layer: target.layer, stack: env, changes: {}, findings: e.findings, skipped: "failed" });
            }
        }
        if (failures.length) throw new PreviewFailedError(results, failures);
        return results;
    }

    // destroy: the stacks that exist, last layer first.
    const existing: { target: LayerStack; stack: Stack }[] = [];
    for (const target of [...stacks].reverse()) {
        const stack = await existingStack(ctx, target, select, "nothing to destroy");
        if (stack) existing.push({ target, stack });
        else results.push({ layer: target.layer, stack: env, changes: {}, findings: [], skipped: "no stack" });
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
        results.push(await runLayer(ctx, target, stack, (onEvent) => stack.destroy({ onEvent, excludeProtected: true })));
    }
    return results.sort((a, b) => LAYER_NAMES.indexOf(b.layer) - LAYER_NAMES.indexOf(a.layer));
}

/** The layer's stack when it exists (selected, never created), else undefined with a line saying so. */
async function existingStack(ctx: RunContext, target: LayerStack, select: (t: LayerStack) => Promise<Stack>, absent: string): Promise<Stack | undefined> {
    try {
        return await select(target);
    } catch (e) {
        if (!(e instanceof StackNotFoundError)) throw new LayerFailedError(target.layer, ctx.op, e);
        ctx.log(`- ${target.layer}: no stack ${target.project}/${ctx.env}, ${absent}`);
        return undefined;
    }
}
