import type { CliIo, CliRun } from '../../cli/shared/io';

/** Runs a CLI's `run` in-process and gives back its exit code and what it wrote. */
export const runCli = async (
  run: CliRun,
  argv: readonly string[],
  io: Omit<Partial<CliIo>, 'stdout' | 'stderr'> = {},
) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await run([...argv], {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    ...io,
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
};
