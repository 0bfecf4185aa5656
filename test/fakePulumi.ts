// Driving the recording stand-in for the Pulumi CLI (test/fake-pulumi): its state folder, the calls
// it recorded, and orchestration options that use it.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import type { DeliveryOptions } from "../delivery/orchestrate";

export interface Call {
    command: string;
    argv: string[];
    cwd: string;
    project?: string;
    stack?: string;
    configFile?: string;
    policyPacks: string[];
}

export const FAKE_ROOT = path.join(__dirname, "fake-pulumi");
export const PROJECTS = ["platform-network", "platform-cluster", "platform-addons", "platform-workloads"];

let pulumi: PulumiCommand | undefined;

/** The stand-in, as the Automation API runs it (`<root>/bin/pulumi`). */
export async function fakePulumi(): Promise<PulumiCommand> {
    return (pulumi ??= await PulumiCommand.get({ root: FAKE_ROOT }));
}

/** A state folder for the stand-in: which stacks exist, what the test wants it to do. */
export function fakeState(scenario: object = {}, stacks: Record<string, object> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
    fs.writeFileSync(path.join(dir, "scenario.json"), JSON.stringify(scenario));
    fs.writeFileSync(path.join(dir, "stacks.json"), JSON.stringify(stacks));
    return dir;
}

export function callsOf(state: string): Call[] {
    const file = path.join(state, "calls.jsonl");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Call) : [];
}

export const deployed = (env: string, projects = PROJECTS) => Object.fromEntries(projects.map((p) => [`${p}/${env}`, { deployed: true, resources: 4 }]));

/** Orchestration options over the stand-in (call `fakePulumi()` first, in a `before`), collecting the log lines. */
export function options(state: string, extra: Partial<DeliveryOptions> = {}): DeliveryOptions & { lines: string[] } {
    const lines: string[] = [];
    if (!pulumi) throw new Error("await fakePulumi() first");
    return { pulumi, envVars: { FAKE_PULUMI_STATE: state }, policyPacks: [], log: (l) => lines.push(l), lines, ...extra };
}
