// Shared test helpers: config entries, config errors, the synth of an environment file.
import { strict as assert } from "assert";
import * as path from "path";
import type { Command } from "commander";
import { runCommand, type Io } from "../lib/commandLine";
import { ConfigError, loadConfigFile, parseConfig } from "../lib/config/load";
import type { LayerName } from "../lib/layer";
import { REPO_ROOT, availableLayers } from "../lib/layers";
import { integrity } from "../plays/integrity";
import type { PlatformConfig } from "../lib/config/schema";
import type { PlannedResource } from "../synth/engine";
import { synthesize, type Plan, type SynthMode, type SynthResult } from "../synth/synth";

export { REPO_ROOT };

/** A Docker Hub credential of the test account, as ECR's pull-through cache wants it. */
export const DOCKER_HUB_CREDENTIAL = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/docker-hub-AbCdEf";

/** A minimal valid environment: development tier, two zones, a /16. */
export function baseEntries(): Record<string, unknown> {
    return {
        "aws:region": "eu-west-1",
        "platform:name": "acme",
        "platform:tier": "development",
        // The test account, as production requires (the AWS provider refuses any other).
        "platform:accountId": "111122223333",
        "aws:allowedAccountIds": ["111122223333"],
        "platform:availabilityZones": ["eu-west-1a", "eu-west-1b"],
        "platform:vpcCidr": "10.0.0.0/16",
        // What every environment without egress needs (its image cache mirrors Docker Hub); unused elsewhere.
        "platform:imageCache": { dockerHubCredentialArn: DOCKER_HUB_CREDENTIAL },
    };
}

/** The base entries with some keys replaced (a value of `undefined` removes the key). */
export function entriesWith(overrides: Record<string, unknown>): Record<string, unknown> {
    const entries: Record<string, unknown> = { ...baseEntries(), ...overrides };
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete entries[key];
    return entries;
}

/** Support windows in unit tests are judged on a fixed day, so tests do not expire with the calendar. */
export const TEST_DAY = new Date("2026-11-21");

export function configWith(overrides: Record<string, unknown>, env = "test"): PlatformConfig {
    return parseConfig(entriesWith(overrides), env, `Pulumi.${env}.yaml`, TEST_DAY);
}

/** The problems a config error lists; fails the test when the entries are valid. */
export function problemsOf(entries: Record<string, unknown>): string[] {
    try {
        parseConfig(entries, "test", "Pulumi.test.yaml", TEST_DAY);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err.problems;
    }
    return assert.fail("expected the config to be rejected");
}

export function envConfig(env: string): PlatformConfig {
    return loadConfigFile(path.join(REPO_ROOT, `Pulumi.${env}.yaml`));
}

const results = new Map<string, Promise<SynthResult>>();

/** The synth (plan and warnings) of a `Pulumi.<env>.yaml` of the repository, once per test process (treat it as read-only). */
export function synthEnvResult(env: string, mode: SynthMode = "layered"): Promise<SynthResult> {
    const key = `${env}|${mode}`;
    if (!results.has(key)) results.set(key, synthesize(envConfig(env), mode));
    return results.get(key) as Promise<SynthResult>;
}

/** The plan of a `Pulumi.<env>.yaml` of the repository (layered unless asked), synthesized once per test process (treat it as read-only). */
export function synthEnv(env: string, mode: SynthMode = "layered"): Promise<Plan> {
    return synthEnvResult(env, mode).then((r) => r.plan);
}

/**
 * The plan of the layers up to `last` (network, cluster, ...), for a test of one layer: the layers
 * after it are not synthesized. Plan integrity is checked; the plays that judge a whole environment
 * (reachability, scheduling, admission, ...) are not, since the later layers bring what they look for.
 */
export async function synthThrough(config: PlatformConfig, last: LayerName): Promise<Plan> {
    const layers = availableLayers();
    const through = layers.slice(0, layers.findIndex((l) => l.name === last) + 1);
    assert.equal(through.at(-1)?.name, last, `no ${last} layer`);
    return (await synthesize(config, "layered", through, undefined, [integrity])).plan;
}

/**
 * prod as it was before calico-overlay refused managed node groups: in vpc-cni mode, with the `fixed`
 * managed node group (labelled `platform.acme.io/capacity: fixed`), for the checks of what a node group
 * carries and needs. calico-overlay prod has none: Karpenter launches every node, after Calico.
 */
export function prodWithNodeGroupConfig(): PlatformConfig {
    const prod = envConfig("prod");
    const { nodeGroups } = configWith({
        "platform:nodeGroups": [{ name: "fixed", instanceTypes: ["m6a.xlarge"], labels: { "platform.acme.io/capacity": "fixed" } }],
    });
    return { ...prod, podNetwork: { ...prod.podNetwork, mode: "vpc-cni" }, nodeGroups };
}

/** The layered plan of prodWithNodeGroupConfig(), synthesized once per test run (read-only). */
export function synthProdWithNodeGroup(): Promise<Plan> {
    const key = "prod+nodeGroup";
    if (!results.has(key)) results.set(key, synthesize(prodWithNodeGroupConfig()));
    return (results.get(key) as Promise<SynthResult>).then((r) => r.plan);
}

export function layerOf(plan: Plan, layerName: string): Plan["layers"][number] {
    const layer = plan.layers.find((l) => l.name === layerName);
    return layer ?? assert.fail(`the plan has no ${layerName} layer (it has ${plan.layers.map((l) => l.name).join(", ")})`);
}

export function resourcesOf(plan: Plan, layerName: string, type: string): PlannedResource[] {
    return layerOf(plan, layerName).resources.filter((r) => r.type === type);
}

/** The one resource of a type and name; fails the test when there is not exactly one. */
export function resourceOf(plan: Plan, layerName: string, type: string, name: string): PlannedResource {
    const found = resourcesOf(plan, layerName, type).filter((r) => r.name === name);
    assert.equal(found.length, 1, `expected one ${type} "${name}", found ${found.length}`);
    return found[0];
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (err) {
        assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`);
        return err;
    }
    return assert.fail("expected a rejection");
}

/** What a CLI run printed and returned, as a process would: its exit status, stdout and stderr. */
export interface CliRun {
    status: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs a CLI command (`synthCommand`, `policyCommand`, ...) in this process on `argv`, its output
 * captured line by line as the terminal would print it. Tests of what a command does use this; only
 * tests of the process boundary itself (entry, exit code, compiled build) start a process.
 */
export async function runCli(make: (io: Io) => Command, argv: string[]): Promise<CliRun> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const line = (to: string[]) => (text: string) => to.push(text.endsWith("\n") ? text : `${text}\n`);
    const io: Io = { out: line(stdout), err: line(stderr) };
    const status = await runCommand(make(io), argv, io);
    return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}
