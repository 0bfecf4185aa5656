// Offline synth: runs the layers under the mock engine, in order, and returns the plan.
import { defaultProviderTags } from "../lib/awsProvider";
import type { PlatformConfig } from "../lib/config/schema";
import { exceptionsOf } from "../lib/config/exceptions";
import { projectOf, runFromStacks } from "../lib/layer";
import { availableLayers, runInProcess } from "../lib/layers";
import { PLAYS, runPlays } from "../plays";
import { chartCheckNotice, charts } from "../plays/charts";
import { formatProblem, type Play } from "../plays/play";
import { MockEngine, SECRET, resolveOutputs } from "./engine";
import { reasonOf } from "./failures";
import type { LayerPlan, Plan, SynthMode } from "./plan";

export type { LayerPlan, Plan, SynthMode };

export interface SynthResult {
    plan: Plan;
    warnings: string[];
}

export class SynthError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "SynthError";
    }
}

function hideSecrets(outputs: Record<string, unknown>, secretNames: string[]): Record<string, unknown> {
    const copy = structuredClone(outputs);
    for (const name of secretNames) {
        const parts = name.split(".");
        let at: Record<string, unknown> = copy;
        for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
        at[parts[parts.length - 1]] = SECRET;
    }
    return copy;
}

/** Collects what the program warns about (`pulumi.log.warn` prints through console.warn under mocks). */
async function capturingWarnings<T>(warnings: string[], fn: () => Promise<T>): Promise<T> {
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
        warnings.push(args.map(String).join(" ").replace(/^warning: \[runtime\] /, ""));
    };
    try {
        return await fn();
    } finally {
        console.warn = original;
    }
}

async function runLayer(engine: MockEngine, name: string, project: string, config: PlatformConfig, run: () => Promise<Record<string, unknown>>): Promise<LayerPlan> {
    const start = engine.resources.length;
    const startCalls = engine.calls.length;
    await engine.install(project, config.env, config.organization);
    const known = engine.errors.length;
    let outputs: Record<string, unknown> | undefined;
    let failure: string | undefined;
    try {
        outputs = await engine.run(run);
    } catch (err) {
        failure = reasonOf(err);
    }
    // Whatever failed, named by the layer: the engine's problems (each naming its resource), and the program's own failure unless one of them says it already.
    const problems = engine.errors.slice(known);
    if (failure !== undefined && !problems.some((p) => failure.includes(p))) problems.unshift(failure);
    if (problems.length > 0 || outputs === undefined) throw new SynthError(problems.map((p) => `${name}: ${p}`));
    const resolved = await resolveOutputs(outputs);
    engine.stacks.set(`${config.organization}/${project}/${config.env}`, resolved);
    return {
        name,
        project,
        stack: config.env,
        outputs: hideSecrets(resolved.outputs, resolved.secretNames),
        resources: engine.resources.slice(start),
        calls: [...new Set(engine.calls.slice(startCalls))].sort(),
    };
}

/**
 * Layered: each layer as its own stack, reading its upstream layers through StackReferences fed
 * by the engine. Single: the root project, every layer in one stack.
 */
/**
 * A full garbage collection where the process allows one (`node --expose-gc`, as the npm scripts
 * start the CLIs; tests run without): what a layer had in flight is garbage once it has run, and
 * collecting it before the next layer keeps the peak memory to about one layer's.
 */
export const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();

export async function synthesize(
    config: PlatformConfig,
    mode: SynthMode = "layered",
    layers = availableLayers(),
    engine = new MockEngine(config.region, undefined, undefined, config.accountId, defaultProviderTags(config)),
    /** The plays to run over the plan; a problem fails the synth. Tests of one play's failing case pass `[]`. */
    plays: readonly Play[] = PLAYS,
): Promise<SynthResult> {
    const warnings: string[] = [];
    const plans = await capturingWarnings(warnings, async () => {
        if (mode === "single") {
            const plan = await runLayer(engine, "platform", "platform", config, () => runInProcess(layers, config));
            return [plan];
        }
        const result: LayerPlan[] = [];
        for (const layer of layers) {
            collectGarbage();
            result.push(await runLayer(engine, layer.name, projectOf(layer.name), config, () => runFromStacks(layer, config) as Promise<Record<string, unknown>>));
        }
        return result;
    });
    collectGarbage();
    const plan: Plan = {
        environment: config.env,
        mode,
        tier: config.tier,
        region: config.region,
        accountId: engine.ctx.accountId,
        exceptions: exceptionsOf(config),
        serviceLinkedRoles: config.serviceLinkedRoles,
        layers: plans,
    };
    const problems = runPlays(plan, plays);
    if (problems.length > 0) throw new SynthError(problems.map(formatProblem));
    // A clone without ../shared/charts cannot check its charts: say so, never pass silently.
    const skipped = plays.includes(charts) ? chartCheckNotice() : undefined;
    return { plan, warnings: skipped ? [...warnings, skipped] : warnings };
}
