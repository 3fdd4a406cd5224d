import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/paths';

export interface LocalStackProcess {
  child: ChildProcess;
  stateDir: string;
  outputs: Record<string, string>;
  /** Everything the process printed so far. */
  output(): string;
  /** Sends Ctrl-C (SIGINT) and resolves with the exit code. */
  interrupt(timeoutMs?: number): Promise<number | null>;
}

const TSX_CLI = require.resolve('tsx/cli');

/** Runs `npm start`'s entry point (local/main.ts) as its own process, as a user would. */
export const startLocalStackProcess = async (
  stateDir: string,
  environment: Record<string, string> = {},
  timeoutMs = 300_000,
  /** `npm start`'s arguments, such as `--parameter-overrides Key=Value`. */
  args: string[] = [],
): Promise<LocalStackProcess> => {
  const logFile = join(stateDir, 'stack-process.log');
  const log = createWriteStream(logFile);
  let printed = '';
  const child = spawn(process.execPath, [TSX_CLI, 'local/main.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      LOCAL_API_PORT: '0',
      LOCAL_MOTO_PORT: '0',
      LOCAL_LAMBDA_PORT: '0',
      LOCAL_FIREHOSE_PORT: '0',
      LOCAL_STATE_DIR: stateDir,
      LOCAL_STACK_NAME: 'e2e',
      LOCAL_RETRY_DELAY_SECONDS: '1',
      LOCAL_FIREHOSE_BUFFER_SECONDS: '1',
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      log.write(chunk);
    });
  }
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  const outputsFile = join(stateDir, 'outputs.json');
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(outputsFile) || !printed.includes('Press Ctrl-C to stop')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The local stack did not start (see ${logFile}):\n${printed.slice(-3000)}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }

  return {
    child,
    stateDir,
    outputs: JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, string>,
    output: () => printed,
    async interrupt(interruptTimeoutMs = 20_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), interruptTimeoutMs);
      const code = await exited;
      clearTimeout(timer);
      log.end();
      return code;
    },
  };
};
