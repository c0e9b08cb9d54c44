/**
 * Runs a CLI's main(argv) when its file is executed directly: the exit code
 * it returns becomes the process's; an error of an expected kind prints its
 * message alone (the user's mistake), anything else its stack (a bug).
 */
export function runCli(
  name: string,
  main: (argv: string[]) => Promise<number>,
  expectedErrors: ReadonlyArray<abstract new (...args: never[]) => Error>,
): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const expected = expectedErrors.some((kind) => error instanceof kind);
      const text = expected ? (error as Error).message : ((error as Error)?.stack ?? String(error));
      process.stderr.write(`${name}: ${text}\n`);
      process.exitCode = 1;
    },
  );
}
