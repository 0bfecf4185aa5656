// The entry of every npm-script CLI: run `main` on the arguments and exit with its code; an
// unexpected error prints (with its stack unless `brief`) and exits 1.
export function runMain(main: (argv: string[]) => Promise<number>, brief = false): void {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: unknown) => {
            console.error(err instanceof Error ? (brief ? err.message : err.stack) : String(err));
            process.exit(1);
        },
    );
}
