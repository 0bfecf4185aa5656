// What a layer is: a function from config and upstream outputs to outputs, with a contract (a zod
// schema of its outputs) that downstream layers check when they read its stack.
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { PlatformConfig } from "./config/schema";

export const LAYER_NAMES = ["network", "cluster", "addons", "workloads"] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

/** The Pulumi project of a layer: `platform-network`, ... */
export const projectOf = (name: LayerName): string => `platform-${name}`;

export type Contract = z.ZodObject;

/** A layer's outputs as Pulumi outputs: the same shape in-process and through a StackReference. */
export type Wired<T> = { [K in keyof T]-?: pulumi.Output<T[K]> };
export type WiredContract<C extends Contract> = Wired<z.output<C>>;

export type UpstreamContracts = Partial<Record<LayerName, Contract>>;

export interface LayerContext<U extends UpstreamContracts> {
    config: PlatformConfig;
    upstream: { [K in keyof U]: U[K] extends Contract ? WiredContract<U[K]> : never };
}

export interface Layer<C extends Contract = Contract, U extends UpstreamContracts = UpstreamContracts> {
    name: LayerName;
    /** What the layer exports; downstream layers check it when they read the stack. */
    contract: C;
    /** The layers whose outputs this one reads, with their contracts. */
    upstream: U;
    run(ctx: LayerContext<U>): WiredContract<C> | Promise<WiredContract<C>>;
}

export function defineLayer<C extends Contract, U extends UpstreamContracts>(layer: Layer<C, U>): Layer<C, U> {
    return layer;
}

export class ContractError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "ContractError";
    }
}

/**
 * Reads an upstream layer's stack through a StackReference and checks it against the layer's
 * contract before anything else is registered.
 */
export async function readStack<C extends Contract>(
    layer: LayerName,
    contract: C,
    organization: string,
    env: string,
): Promise<WiredContract<C>> {
    const stack = `${projectOf(layer)}/${env}`;
    const ref = new pulumi.StackReference(`${organization}/${stack}`);
    const problems: string[] = [];
    const values: Record<string, unknown> = {};
    const secret = new Set<string>();
    for (const [key, schema] of Object.entries(contract.shape)) {
        const details = await ref.getOutputDetails(key);
        const isSecret = details.secretValue !== undefined;
        const value = isSecret ? details.secretValue : details.value;
        if (value === undefined) {
            if (!(schema as z.ZodType).safeParse(undefined).success) {
                problems.push(`${stack} has no output "${key}": deploy the ${layer} layer first`);
            }
            continue;
        }
        values[key] = value;
        if (isSecret) secret.add(key);
    }
    if (problems.length === 0) {
        const parsed = contract.safeParse(values);
        if (!parsed.success) {
            problems.push(...parsed.error.issues.map((i) => `${stack} output "${i.path.join(".")}": ${i.message}`));
        }
    }
    if (problems.length > 0) throw new ContractError(problems);
    return Object.fromEntries(
        Object.keys(contract.shape).map((key) => [key, secret.has(key) ? pulumi.secret(values[key]) : pulumi.output(values[key])]),
    ) as unknown as WiredContract<C>;
}

/** Runs a layer against upstream stacks read through StackReferences (the layered wiring). */
export async function runFromStacks<C extends Contract, U extends UpstreamContracts>(layer: Layer<C, U>, config: PlatformConfig): Promise<WiredContract<C>> {
    const upstream: Record<string, unknown> = {};
    for (const [name, contract] of Object.entries(layer.upstream) as [LayerName, Contract][]) {
        upstream[name] = await readStack(name, contract, config.organization, config.env);
    }
    return layer.run({ config, upstream: upstream as LayerContext<U>["upstream"] });
}

/**
 * An output of this layer's own stack as last deployed (undefined on a first deploy): lets a layer
 * compare what it is about to do with what runs, e.g. a Kubernetes upgrade. In the root one-stack
 * project the outputs are grouped by layer.
 */
export async function deployedOutput(layer: LayerName, key: string, organization: string): Promise<unknown> {
    return (await deployedOutputs(layer, [key], organization))[key];
}

/** Several outputs of this layer's own stack as last deployed, through one StackReference. */
export async function deployedOutputs<K extends string>(layer: LayerName, keys: readonly K[], organization: string): Promise<Record<K, unknown>> {
    const project = pulumi.getProject();
    const ref = new pulumi.StackReference(`${layer}-deployed`, { name: `${organization}/${project}/${pulumi.getStack()}` });
    const single = project === "platform";
    const read = async (key: string): Promise<unknown> => {
        const details = await ref.getOutputDetails(key);
        return details.value ?? details.secretValue;
    };
    const group = single ? ((await read(layer)) as Record<string, unknown> | undefined) : undefined;
    const values = await Promise.all(keys.map(async (key) => [key, single ? group?.[key] : await read(key)] as const));
    return Object.fromEntries(values) as Record<K, unknown>;
}
