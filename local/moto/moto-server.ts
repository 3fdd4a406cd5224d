import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { assertPortFree, findFreePort, waitForHttp } from '../net';
import { VENV_BIN } from '../paths';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
  /** Clears every resource (moto's `/moto-api/reset`). */
  reset(): Promise<void>;
}

export interface MotoServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where moto's request log goes; discarded when absent. */
  logFile?: string;
}

/** moto's server with the local stack's fixes of its hot paths (see patches.py beside it). */
const PATCHED_SERVER = join(__dirname, 'server.py');

/**
 * Starts `moto_server` from the project's virtual environment (created by scripts/setup.sh), with the fixes
 * of `patches.py` applied: the cost of an SQS send does not grow with the messages waiting in the queue.
 */
export const startMotoServer = async ({ host = '127.0.0.1', port = 0, logFile }: MotoServerOptions = {}) => {
  const executable = join(VENV_BIN, 'python');
  if (!existsSync(join(VENV_BIN, 'moto_server'))) {
    throw new Error(
      `moto is not installed in ${VENV_BIN}: run \`bash scripts/setup.sh\` (npm start and npm test do it for you)`,
    );
  }
  // Another server on the port would answer the readiness probe in moto's place.
  if (port) await assertPortFree(host, port);
  const chosenPort = port || (await findFreePort(host));
  // moto writes its request log to the file itself; its other output (errors) goes to the same file.
  const output = logFile ? openSync(logFile, 'a') : 'ignore';
  const child: ChildProcess = spawn(
    executable,
    [PATCHED_SERVER, '-H', host, '-p', String(chosenPort), ...(logFile ? ['--log-file', logFile] : [])],
    { stdio: ['ignore', output, output] },
  );
  if (typeof output === 'number') closeSync(output);
  let exited = false;
  const exit = new Promise<void>((resolveExit) =>
    child.once('exit', () => {
      exited = true;
      resolveExit();
    }),
  );

  const endpoint = `http://${host}:${chosenPort}`;
  try {
    await waitForHttp(`${endpoint}/moto-api/`, 30_000, () => !exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`moto did not start on ${endpoint}: ${(error as Error).message}`);
  }

  const server: MotoServer = {
    endpoint,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(killer);
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
  };
  return server;
};
