/**
 * What a CLI's `run(argv, io)` talks to: stdout for results, stderr for summaries and errors, the clock
 * and the environment. `runAsProcess` wires a `run` to the real process; tests pass their own.
 */
export interface Writer {
  write(text: string): unknown;
}

export interface CliIo {
  /** Results only, so that they can be piped (JSON lines, tables). */
  stdout: Writer;
  /** Summaries, warnings and errors. */
  stderr: Writer;
  /** The current time (relative times such as `2h` count back from it); `new Date()` when absent. */
  now?: () => Date;
  /** Environment variables; `process.env` when absent. */
  env?: Record<string, string | undefined>;
  /** Where relative paths given as arguments start; `process.cwd()` when absent. */
  cwd?: string;
}

export const nowOf = (io: CliIo): Date => io.now?.() ?? new Date();
export const envOf = (io: CliIo): Record<string, string | undefined> => io.env ?? process.env;
export const cwdOf = (io: CliIo): string => io.cwd ?? process.cwd();

/** A CLI's entry point: resolves to the exit code, never rejects for expected failures. */
export type CliRun = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Runs a CLI as this process: arguments from `process.argv`, exit code from `run`. When the reader of
 * stdout goes away (`| head`), the CLI stops quietly instead of failing with EPIPE.
 */
export const runAsProcess = (run: CliRun): void => {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
};
