// Broken copies of a synthesized plan, for the tests of one play: each edit clones the plan, changes
// one part of it, and leaves the original (a shared, read-only synth) as it was.
import { strict as assert } from "assert";
import { runPlays } from "../plays";
import type { Play } from "../plays/play";
import type { Plan } from "../synth/synth";
import { layerOf } from "./helpers";

export type AnyObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What one play says of a plan: its messages, one a line ("" when it passes). */
export const playSays = (play: Play) => (plan: Plan): string => runPlays(plan, [play]).map((p) => p.message).join("\n");

function edited(plan: Plan, layer: string, find: (r: AnyObject) => boolean, what: string, change: (inputs: AnyObject) => void): Plan {
    const copy = structuredClone(plan);
    const r = layerOf(copy, layer).resources.find(find) ?? assert.fail(`no ${what} in ${layer}`);
    change(r.inputs as AnyObject);
    return copy;
}

/** A copy of the plan with the inputs of one resource of a layer changed. */
export const withResource = (plan: Plan, layer: string, find: (r: AnyObject) => boolean, change: (inputs: AnyObject) => void): Plan =>
    edited(plan, layer, find, "such resource", change);

/** A copy of the plan with one Kubernetes object of the workloads layer changed. */
export const withWorkload = (plan: Plan, kind: string, name: string, change: (o: AnyObject) => void): Plan =>
    edited(plan, "workloads", (r) => r.inputs.kind === kind && r.inputs.metadata?.name === name, `${kind} ${name}`, change);
