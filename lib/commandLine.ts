// The npm-script CLIs (synth, policy, images, up/preview/destroy) share one argument parser
// (commander) and one behaviour: `--help` prints the usage and exits 0; a bad argument prints one
// line naming it and exits 2 (EXIT.usage), without a stack trace; a failure the command expects
// (bad config, a synth or policy failure, a failed layer) prints its message and exits 1.
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError, Option } from "commander";
import { envOfFile } from "./config/load";
import { REPO_ROOT } from "./layers";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A bad argument (unknown environment, options that exclude each other): exit 2, one line, no stack. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** A failure the command reports in its own words (exit 1, no stack): config errors, failed layers. */
export class CommandFailed extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CommandFailed";
    }
}

/** Where a command writes: the terminal, or a test's buffers. */
export interface Io {
    out(text: string): void;
    err(text: string): void;
}

export const TERMINAL: Io = {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** What an action returns: its exit code. */
type Action = (...args: never[]) => Promise<number>;

const codes = new WeakMap<Command, number>();

/** A command of `npm run <script> --`: commander with the shared help, errors and exit codes. */
export function command(script: string, description: string, io: Io = TERMINAL): Command {
    return new Command(`npm run ${script} --`)
        .description(description)
        .helpOption("-h, --help", "print this usage")
        .allowExcessArguments(false)
        .showHelpAfterError(`(npm run ${script} -- --help for the usage)`)
        .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(s) })
        .exitOverride();
}

/** Sets the command's action; its result is the exit code `runCommand` returns. */
export function action<A extends Action>(cmd: Command, run: A): Command {
    return cmd.action(async (...args: unknown[]) => {
        codes.set(cmd, await (run as unknown as (...a: unknown[]) => Promise<number>)(...args));
    });
}

/** Parses `argv` (the arguments after the script) and runs the action: the exit code, never a throw for a usage or expected failure. */
export async function runCommand(cmd: Command, argv: string[], io: Io = TERMINAL): Promise<number> {
    try {
        await cmd.parseAsync(argv, { from: "user" });
        return codes.get(cmd) ?? EXIT.ok;
    } catch (err) {
        if (err instanceof CommanderError) {
            // help and version print and succeed; everything else commander refused is a usage error it already printed.
            return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
        }
        if (err instanceof UsageError) {
            io.err(`error: ${err.message}\n(${cmd.name()} --help for the usage)`);
            return EXIT.usage;
        }
        if (err instanceof CommandFailed) {
            io.err(err.message);
            return EXIT.failed;
        }
        throw err;
    }
}

/**
 * The entry of a CLI module: run it on the process's arguments and set its exit code; an
 * unexpected error (a bug) prints its stack. The process ends by itself once its work is done, so
 * pending writes (stdout to a pipe, caches) are never cut off.
 */
export function runMain(main: Command | ((argv: string[]) => Promise<number>)): void {
    const argv = process.argv.slice(2);
    (main instanceof Command ? runCommand(main, argv) : main(argv)).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            console.error(err instanceof Error ? err.stack : String(err));
            process.exitCode = EXIT.failed;
        },
    );
}

/** Whether a CLI module is the program's entry: run directly (tsx), or as the compiled entry of build/run.cjs. */
export const isEntry = (m: NodeModule): boolean => require.main === m || process.argv[1] === m.filename;

/** The environments of the repository: its `Pulumi.<env>.yaml` files. */
export function knownEnvironments(root = REPO_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
        .filter((e): e is string => e !== undefined)
        .sort();
}

/** The options of every command that runs on an environment: `[env] [--config <file>]`. */
export function environmentArguments(cmd: Command): Command {
    return cmd
        .argument("[env]", `the environment: the root Pulumi.<env>.yaml (${knownEnvironments().join(", ")})`)
        .option("--config <file>", "an environment file anywhere (its name gives the environment)");
}

/** `--json`: the report as JSON on stdout instead of text. */
export const jsonOption = (): Option => new Option("--json", "print the report as JSON");

/**
 * The environment a command runs on: `<env>` names the root `Pulumi.<env>.yaml`, `--config` any
 * environment file; both may be given when they agree.
 */
export function environmentOf(env: string | undefined, config: string | undefined, root = REPO_ROOT): { env: string; file: string } {
    if (!env && !config) throw new UsageError(`name an environment (${knownEnvironments(root).join(", ")}) or --config <file>`);
    if (config) {
        const file = path.resolve(config);
        if (!/^Pulumi\.[^.]+\.ya?ml$/.test(path.basename(file))) throw new UsageError(`--config ${config}: an environment file is named Pulumi.<env>.yaml`);
        if (!fs.existsSync(file)) throw new UsageError(`--config ${config}: no such file`);
        if (env && envOfFile(file) !== env) throw new UsageError(`--config ${config} is the ${envOfFile(file)} environment, not ${env}`);
        return { env: env ?? envOfFile(file), file };
    }
    const file = path.join(root, `Pulumi.${env}.yaml`);
    if (!fs.existsSync(file)) throw new UsageError(`unknown environment "${env}": no Pulumi.${env}.yaml (environments: ${knownEnvironments(root).join(", ") || "none"})`);
    return { env: env as string, file };
}
