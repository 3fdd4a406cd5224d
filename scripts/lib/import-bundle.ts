/**
 * Imports a built Lambda bundle in a fresh Node process, as the Lambda runtime does at a cold start, and
 * reports what it exports, how long its module initialisation took and whether it tried to reach the
 * network while initialising (it must not: nothing may call AWS at import time).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const RESULT_MARKER = '@@import-bundle-result@@';

/**
 * Runs in the child (an ES module given with -e). Every TCP/TLS connection is recorded and fails, every
 * UDP datagram is recorded and dropped; HTTP clients, fetch and the X-Ray daemon client all go through
 * these. Errors thrown later than the import itself are recorded as problems instead of ending the child.
 */
const PROBE = `
import net from 'node:net';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const network = [];
const problems = [];
const refuse = (socket) => {
  process.nextTick(() => socket.destroy(new Error('network access while the module initialises')));
  return socket;
};
net.Socket.prototype.connect = function (...args) {
  // net.connect() passes its normalised arguments as one array.
  const target = Array.isArray(args[0]) ? args[0][0] : args[0];
  network.push(typeof target === 'object' && target !== null ? (target.path ?? (target.host ?? 'localhost') + ':' + target.port) : String(target));
  return refuse(this);
};
dgram.Socket.prototype.send = function () {
  network.push('udp');
};
process.on('unhandledRejection', (reason) => problems.push(String(reason?.stack ?? reason)));
process.on('uncaughtException', (error) => problems.push(String(error?.stack ?? error)));

const [file, settleMs] = process.argv.slice(1);
const cpuBefore = process.cpuUsage();
const started = performance.now();
let module = {};
let failed = false;
try {
  module = await import(pathToFileURL(file).href);
} catch (error) {
  failed = true;
  problems.push('the import failed: ' + String(error?.stack ?? error));
}
const ended = performance.now();
const cpu = process.cpuUsage(cpuBefore);
const initMs = failed ? null : ended - started;
const initCpuMs = failed ? null : (cpu.user + cpu.system) / 1000;
if (Number(settleMs) > 0) await new Promise((done) => setTimeout(done, Number(settleMs)));
const exports = Object.fromEntries(Object.entries(module).map(([name, value]) => [name, typeof value]));
process.stdout.write('\\n${RESULT_MARKER}' + JSON.stringify({ initMs, initCpuMs, startedAt: started, endedAt: ended, exports, network, problems }) + '\\n', () => process.exit(failed ? 1 : 0));
`;

export interface BundleImport {
  exitCode: number | null;
  /** The module's exports and their `typeof`. */
  exports: Record<string, string>;
  /** Connections the module tried to open while it initialised (refused). */
  network: string[];
  /** Uncaught exceptions and unhandled promise rejections seen while it initialised. */
  problems: string[];
  /** `await import(bundle)` inside the child, in ms. */
  initMs: number;
  /** CPU time (user + system, all threads) the process spent during the import, in ms. */
  initCpuMs: number;
  /** `performance.now()` in the child before and after the import, for timings the module records itself. */
  startedAt: number;
  endedAt: number;
  /** From spawning the child to its exit, in ms. */
  wallMs: number;
  stdout: string;
  stderr: string;
}

export interface ImportOptions {
  /** How long to wait after the import for asynchronous work it started (default 0). */
  settleMs?: number;
  timeoutMs?: number;
  /** The Node binary (default: the one running this process). */
  node?: string;
}

/**
 * Imports `file` in a child Node process whose environment is only PATH plus `env`, so no credentials
 * or settings of this machine leak in.
 */
export const importBundle = (
  file: string,
  env: Record<string, string>,
  { settleMs = 0, timeoutMs = 30_000, node = process.execPath }: ImportOptions = {},
): Promise<BundleImport> =>
  new Promise((resolveImport, reject) => {
    const started = performance.now();
    const child = spawn(node, ['--input-type=module', '-e', PROBE, file, String(settleMs)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const wallMs = performance.now() - started;
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_MARKER));
      const reported = line
        ? (JSON.parse(line.slice(RESULT_MARKER.length)) as Omit<BundleImport, 'initMs'> & {
            initMs: number | null;
            initCpuMs: number | null;
          })
        : undefined;
      const result = {
        exports: {},
        network: [],
        startedAt: Number.NaN,
        endedAt: Number.NaN,
        ...reported,
        initMs: reported?.initMs ?? Number.NaN,
        initCpuMs: reported?.initCpuMs ?? Number.NaN,
        problems: reported?.problems ?? ['the child reported no result (it ended before the import settled)'],
      };
      resolveImport({ exitCode, ...result, wallMs, stdout, stderr });
    });
  });
