// npm run up|preview -- <env> [--json]
// npm run destroy -- <env> [--yes-destroy-prod <env>] [--json]
import type { Command } from "commander";
import { ConfigError } from "../lib/config/load";
import { CommandFailed, EXIT, TERMINAL, UsageError, action, command, environmentOf, jsonOption, knownEnvironments, runCommand, runMain, isEntry, type Io } from "../lib/commandLine";
import {
    LayerFailedError,
    OPERATIONS,
    PreviewFailedError,
    ProductionDestroyRefused,
    PulumiMissingError,
    deliver,
    describeChanges,
    type DeliveryOptions,
    type LayerResult,
    type Operation,
} from "./orchestrate";

const DESCRIPTIONS: Record<Operation, string> = {
    up: "Deploy the environment's layer stacks in order (network, cluster, addons, workloads), creating missing stacks, with the policy pack.",
    preview: "Preview every layer's changes (the diff) and every policy finding, mandatory and advisory; never creates or changes a stack.",
    destroy: "Remove what blocks deletion (load balancers, Karpenter's nodes), then destroy the layer stacks last layer first; protected resources stay.",
};

interface Options {
    yesDestroyProd?: string;
    json?: boolean;
}

const summaryOf = (op: Operation, env: string, results: LayerResult[]): string =>
    `${op} ${env}: done (${results.map((r) => `${r.layer} ${r.skipped ?? describeChanges(r.changes)}`).join("; ")})`;

/** `npm run <op> -- ...`; `delivery` overrides the orchestration's options (tests: the stand-in CLI). */
export function deliveryCommand(op: Operation, io: Io = TERMINAL, delivery: DeliveryOptions = {}): Command {
    const cmd = command(op, DESCRIPTIONS[op], io)
        .argument("<env>", `the environment: the root Pulumi.<env>.yaml (${knownEnvironments().join(", ")})`)
        .addOption(jsonOption());
    if (op === "destroy") cmd.option("--yes-destroy-prod <env>", "confirm the destroy of a production environment by naming it");
    return action(cmd, async (envArg: string, opts: Options) => {
        const { env } = environmentOf(envArg, undefined, delivery.root);
        // With --json, progress goes to stderr and stdout holds only the JSON.
        const log = delivery.log ?? (opts.json ? io.err : io.out);
        try {
            const results = await deliver(op, env, { ...delivery, log, confirmProduction: opts.yesDestroyProd });
            io.out(opts.json ? JSON.stringify({ operation: op, environment: env, ok: true, layers: results }, null, 2) : summaryOf(op, env, results));
            return EXIT.ok;
        } catch (err) {
            if (err instanceof ProductionDestroyRefused) throw new UsageError(err.message);
            if (err instanceof PreviewFailedError) {
                io.out(opts.json ? JSON.stringify({ operation: op, environment: env, ok: false, layers: err.results }, null, 2) : summaryOf(op, env, err.results));
                throw new CommandFailed(err.message);
            }
            if (err instanceof LayerFailedError || err instanceof PulumiMissingError || err instanceof ConfigError) throw new CommandFailed(err.message);
            throw err;
        }
    });
}

/** The operation comes first (the npm scripts pass it), then the command's own arguments. */
export async function deliveryMain(argv: string[], io: Io = TERMINAL, delivery: DeliveryOptions = {}): Promise<number> {
    const [op, ...rest] = argv;
    if (!OPERATIONS.includes(op as Operation)) {
        io.err(`error: the first argument is the operation: ${OPERATIONS.join(", ")} (npm run up|preview|destroy -- <env>)`);
        return EXIT.usage;
    }
    return runCommand(deliveryCommand(op as Operation, io, delivery), rest, io);
}

if (isEntry(module)) runMain((argv) => deliveryMain(argv));
