// One layer's run through the Automation API, shared by up, preview and destroy: the progress
// lines, the engine's summary, the policy packs' findings, and the error that names the layer.
import * as path from "path";
import { PulumiCommand, type EngineEvent, type OpMap, type Stack } from "@pulumi/pulumi/automation";
import type { LayerName } from "../lib/layer";
import type { LayerStack } from "./stacks";

export const OPERATIONS = ["up", "preview", "destroy"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** A policy pack's finding on one resource, as the engine reported it (Pulumi's "warning" is our "advisory"). */
export interface PolicyFinding {
    layer: LayerName;
    policy: string;
    pack: string;
    level: "advisory" | "mandatory";
    resource?: string;
    message: string;
}

export interface LayerResult {
    layer: LayerName;
    stack: string;
    /** Resource operations by kind (create, update, same, delete, ...), from the engine's summary. */
    changes: OpMap;
    skipped?: string;
    /** preview: the CLI's rendering of the diff (`pulumi preview --diff`). */
    diff?: string;
    /** Every policy finding of the run, mandatory and advisory. */
    findings: PolicyFinding[];
}

export class LayerFailedError extends Error {
    constructor(
        readonly layer: LayerName,
        readonly operation: Operation,
        readonly cause: unknown,
        readonly findings: PolicyFinding[] = [],
    ) {
        super(`${operation} failed in the ${layer} layer: ${cause instanceof Error ? cause.message.trim() : String(cause)}`);
        this.name = "LayerFailedError";
    }
}

/** The Pulumi CLI is not installed (or not on the PATH). */
export class PulumiMissingError extends Error {
    constructor(readonly cause: unknown) {
        super("the Pulumi CLI (`pulumi`) is not on the PATH: install it (https://www.pulumi.com/docs/iac/download-install/) and log in to a state backend; `npm run synth -- <env>` needs no CLI");
        this.name = "PulumiMissingError";
    }
}

/** The Pulumi CLI on the PATH, or a PulumiMissingError that says so. */
export async function pulumiOnPath(get: () => Promise<PulumiCommand> = () => PulumiCommand.get()): Promise<PulumiCommand> {
    try {
        return await get();
    } catch (e) {
        if ((e as { code?: string }).code === "ENOENT" || /\bENOENT\b/.test(String((e as Error)?.message ?? e))) throw new PulumiMissingError(e);
        throw e;
    }
}

export function describeChanges(changes: OpMap): string {
    const entries = Object.entries(changes).filter(([, n]) => (n ?? 0) > 0);
    const total = entries.reduce((sum, [, n]) => sum + (n ?? 0), 0);
    return `${total} resources${entries.length ? ` (${entries.map(([op, n]) => `${op} ${n}`).join(", ")})` : ""}`;
}

export const formatFinding = (f: PolicyFinding): string =>
    `  ${f.level === "mandatory" ? "FAIL" : "warn"}  ${f.policy} [${f.level}]${f.resource ? ` ${f.resource}` : ""}: ${f.message.trim()}`;

/** Counts finished resources from engine events; keeps the engine's summary and the policy findings. */
function progress(layer: LayerName, log: (line: string) => void, everyMs: number) {
    let done = 0;
    let reported = 0;
    let summary: OpMap | undefined;
    const findings: PolicyFinding[] = [];
    const timer = setInterval(() => {
        if (done !== reported) log(`  ${layer}: ${(reported = done)} resources so far`);
    }, everyMs);
    timer.unref();
    return {
        findings,
        onEvent(event: EngineEvent) {
            if (event.resOutputsEvent) done++;
            if (event.summaryEvent) summary = event.summaryEvent.resourceChanges;
            const p = event.policyEvent;
            if (p) {
                findings.push({ layer, policy: p.policyName, pack: p.policyPackName, level: p.enforcementLevel === "mandatory" ? "mandatory" : "advisory", resource: p.resourceUrn, message: p.message });
            }
        },
        finish(): OpMap {
            clearInterval(timer);
            return summary ?? {};
        },
    };
}

export interface RunContext {
    op: Operation;
    env: string;
    root: string;
    log: (line: string) => void;
    everyMs: number;
}

/** Runs one layer's operation; what it returns (a preview's output) becomes the result's diff. */
export async function runLayer(
    ctx: RunContext,
    target: LayerStack,
    stack: Stack,
    operation: (onEvent: (e: EngineEvent) => void) => Promise<{ stdout?: string } | unknown>,
): Promise<LayerResult> {
    const { op, env, root, log } = ctx;
    log(`▶ ${target.layer}: ${op} ${target.project}/${env} (${path.relative(root, target.workDir)}, config ${path.relative(root, target.configFile)})`);
    const started = Date.now();
    const counter = progress(target.layer, log, ctx.everyMs);
    let changes: OpMap;
    let output: unknown;
    try {
        output = await operation((e) => counter.onEvent(e));
    } catch (e) {
        for (const f of counter.findings) log(formatFinding(f));
        log(`✗ ${target.layer}: ${op} failed`);
        throw new LayerFailedError(target.layer, op, e, counter.findings);
    } finally {
        changes = counter.finish();
    }
    const diff = op === "preview" ? ((output as { stdout?: string } | undefined)?.stdout ?? "").trimEnd() : undefined;
    if (diff) log(diff.split("\n").map((l) => `  │ ${l}`).join("\n"));
    for (const f of counter.findings) log(formatFinding(f));
    log(`✔ ${target.layer}: ${describeChanges(changes)}${counter.findings.length ? `, ${counter.findings.length} policy finding(s)` : ""} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return { layer: target.layer, stack: stack.name, changes, findings: counter.findings, ...(diff === undefined ? {} : { diff }) };
}
