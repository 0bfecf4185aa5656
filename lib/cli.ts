import * as path from "path";
import { envOfFile } from "./config/load";
import { REPO_ROOT } from "./layers";

// The entry of every npm-script CLI: run `main` on the arguments and exit with its code; an
// unexpected error prints (with its stack unless `brief`) and exits 1. The process ends by itself
// once its work is done, so pending writes (stdout to a pipe, caches) are never cut off.
export function runMain(main: (argv: string[]) => Promise<number>, brief = false): void {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            console.error(err instanceof Error ? (brief ? err.message : err.stack) : String(err));
            process.exitCode = 1;
        },
    );
}

/** The options every environment command takes: `<env> [--single] [--config <file>]`. */
export const ENV_OPTIONS = {
    single: { type: "boolean", default: false },
    config: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
} as const;

/**
 * The environment a command runs on: `<env>` names the root `Pulumi.<env>.yaml`, `--config` any
 * environment file. Bad arguments print the usage (or the mismatch) and give the exit code instead.
 */
export function environmentOf(
    values: { config?: string; help?: boolean },
    positionals: string[],
    usage: string,
): { env: string; file: string } | number {
    if (values.help || (positionals.length === 0 && !values.config) || positionals.length > 1) {
        console.error(usage);
        return values.help ? 0 : 2;
    }
    const file = values.config ? path.resolve(values.config) : path.join(REPO_ROOT, `Pulumi.${positionals[0]}.yaml`);
    const env = positionals[0] ?? envOfFile(file);
    if (positionals[0] && values.config && envOfFile(file) !== env) {
        console.error(`--config ${values.config} is the ${envOfFile(file)} environment, not ${env}`);
        return 2;
    }
    return { env, file };
}
