import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ArnError, parseArn } from '../arn';

export interface LocalFunction {
  /** Physical function name. */
  name: string;
  logicalId: string;
  /** Folder of the `sam build` artifact. */
  artifactDir: string;
  /** `file.export`, as in the template's Handler. */
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  arn: string;
  environment: Record<string, string>;
  /**
   * The template's ReservedConcurrentExecutions: at most this many execution environments at once. Absent,
   * the host's default applies (`LOCAL_FUNCTION_CONCURRENCY`); 0 throttles every invocation, as in Lambda.
   */
  reservedConcurrency?: number;
}

export interface InvocationError {
  errorType: string;
  errorMessage: string;
  /** The stack below the error's first line, each frame trimmed (`at handler (file:///...)`), when it had one. */
  stackTrace?: string[];
}

/** A function as the Lambda API and event sources name it: its name, and the version or alias after it. */
export interface FunctionReference {
  name: string;
  qualifier?: string;
}

/**
 * The function a FunctionName of the Lambda API or a target's ARN names, as Lambda reads it: `name`,
 * `name:qualifier`, a partial ARN `account:function:name[:qualifier]`, or a function ARN
 * `arn:partition:lambda:region:account:function:name[:qualifier]`. Undefined when it names no function (the
 * ARN of another service or resource type, an empty name or qualifier, too many parts).
 */
export const functionReference = (reference: string): FunctionReference | undefined => {
  let parts: string[];
  if (reference.startsWith('arn:')) {
    try {
      const parsed = parseArn(reference);
      if (parsed.service !== 'lambda' || parsed.resourceType !== 'function') return undefined;
      parts = parsed.resourceId.split(':');
    } catch (error) {
      if (error instanceof ArnError) return undefined;
      throw error;
    }
  } else {
    parts = reference.split(':');
    // A partial ARN: the account, then `function`, then the name.
    if (parts.length >= 3 && parts[1] === 'function') parts = parts.slice(2);
  }
  const [name, qualifier, ...rest] = parts;
  if (!name || qualifier === '' || rest.length > 0) return undefined;
  return qualifier === undefined ? { name } : { name, qualifier };
};

export type InvocationResult =
  | { ok: true; requestId: string; result: unknown; durationMs: number }
  | { ok: false; requestId: string; error: InvocationError; durationMs: number };

/**
 * One invocation an execution environment served, as an observer of the host sees it once it has ended
 * (see `FunctionHost.observe`). Invocations that never reached an environment (throttled) are not observed.
 */
export interface ObservedInvocation {
  /** The function's physical name, and its logical id in its template. */
  functionName: string;
  logicalId: string;
  /** The event as the function received it: the host's own object, not a copy (do not change it). */
  event: unknown;
  ok: boolean;
  /**
   * The invocation as the environment measured it, from the event's arrival to the handler's answer (what
   * Lambda reports and bills), in fractions of a millisecond; the round trip when the environment gave no
   * answer (a timeout, an exit).
   */
  durationMs: number;
  /**
   * As the host saw it: from handing the event over to receiving the answer (the result's `durationMs`,
   * unrounded), with the messages between threads and the host's own delays.
   */
  roundTripMs: number;
  /** Whether it was the first invocation of its environment, the one that waited for the init phase. */
  coldStart: boolean;
  /**
   * A cold start's init phase: the time the environment took to load the handler's module (measured in
   * the environment), when it has loaded it. Absent on warm invocations.
   */
  initMs?: number;
}

/** Told of each invocation an environment has served; what it throws is ignored. */
export type InvocationObserver = (invocation: ObservedInvocation) => void;

/** An invocation's result, with its round trip before rounding and the environment's own measure. */
interface InvocationOutcome {
  result: InvocationResult;
  elapsedMs: number;
  /** The environment's measure of the invocation, when it answered. */
  handlerMs?: number;
}

interface PendingInvocation {
  resolve(outcome: InvocationOutcome): void;
  /** performance.now() when the event was handed to the environment. */
  startedAt: number;
}

const MODULE_EXTENSIONS = ['.mjs', '.js', '.cjs'];

/** Lambda's limit on the init phase (loading the module), before it counts against the invocation. */
const INIT_LIMIT_MS = 10_000;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** Finds the module a `file.export` handler names inside a build artifact. */
export const resolveHandler = (artifactDir: string, handler: string) => {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`Handler ${handler} is not of the form file.export`);
  const base = join(artifactDir, handler.slice(0, dot));
  const modulePath = MODULE_EXTENSIONS.map((extension) => base + extension).find(existsSync);
  if (!modulePath) {
    throw new Error(
      `No ${handler.slice(0, dot)}{${MODULE_EXTENSIONS.join(',')}} in ${artifactDir}: run \`npm run build\``,
    );
  }
  return { modulePath, exportName: handler.slice(dot + 1) };
};

/**
 * One execution environment of a function: a worker thread with the function's own environment
 * variables, started on the first invocation (cold start), replaced after a timeout. Invocations are
 * served one at a time, as Lambda does within one environment.
 */
class ExecutionEnvironment {
  /** Its log stream, as Lambda names one per environment: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
  readonly logStreamName =
    `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;

  private worker: Worker | undefined;
  /** Settles when the environment's init phase (loading the handler's module) has ended, well or not. */
  private initialised: Promise<void> = Promise.resolve();
  /** The current worker has served no invocation yet: the next one is its cold start. */
  private coldStart = false;
  /** How long the current worker took to load the handler's module, once it has. */
  private initMs: number | undefined;
  private readonly pending = new Map<number, PendingInvocation>();
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly definition: LocalFunction,
    private readonly baseEnvironment: Record<string, string>,
    private readonly logFile: string,
    private readonly observe: InvocationObserver,
  ) {}

  invoke(event: unknown): Promise<InvocationResult> {
    const run = this.queue.then(() => this.run(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private start(): Worker {
    const { definition } = this;
    const { modulePath, exportName } = resolveHandler(definition.artifactDir, definition.handler);
    const worker = new Worker(new URL('./function-worker.mjs', `file://${__dirname}/`), {
      // The bundles run as Lambda runs them: plain Node, without the local runtime's own flags (under
      // `npm start`, tsx's loader, whose hooks would make every module load of a cold start several times
      // slower than in Lambda).
      execArgv: [],
      env: {
        ...this.baseEnvironment,
        ...definition.environment,
        AWS_LAMBDA_FUNCTION_NAME: definition.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: this.logStreamName,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: definition.artifactDir,
      },
      workerData: {
        modulePath,
        exportName,
        functionName: definition.name,
        functionArn: definition.arn,
        memoryLimitInMB: definition.memoryMb,
        logGroupName: `/aws/lambda/${definition.name}`,
        logStreamName: this.logStreamName,
        logFile: this.logFile,
      },
      resourceLimits: { maxOldGenerationSizeMb: definition.memoryMb },
    });
    let endInit: () => void = () => undefined;
    this.initialised = new Promise<void>((resolve) => {
      endInit = resolve;
    });
    this.coldStart = true;
    this.initMs = undefined;
    worker.once('exit', () => endInit());
    worker.on(
      'message',
      (message: {
        initialised?: boolean;
        initMs?: number;
        id: number;
        requestId: string;
        ok: boolean;
        result?: unknown;
        error?: InvocationError;
        durationMs?: number;
      }) => {
        if (message.initialised !== undefined) {
          if (this.worker === worker) this.initMs = message.initMs;
          endInit();
          return;
        }
        const invocation = this.pending.get(message.id);
        if (!invocation) return;
        this.pending.delete(message.id);
        const elapsedMs = performance.now() - invocation.startedAt;
        const durationMs = Math.round(elapsedMs);
        invocation.resolve({
          elapsedMs,
          ...(message.durationMs === undefined ? {} : { handlerMs: message.durationMs }),
          result: message.ok
            ? { ok: true, requestId: message.requestId, result: message.result, durationMs }
            : {
                ok: false,
                requestId: message.requestId,
                error: message.error as InvocationError,
                durationMs,
              },
        });
      },
    );
    // Only the current environment's end fails the pending invocations: one replaced after a timeout
    // exits later, when the invocations queued behind the timeout already run in its successor.
    worker.on('error', (error) => {
      if (this.worker === worker) this.fail('Runtime.ExitError', error.message);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.fail('Runtime.ExitError', `The execution environment exited with code ${code}`);
    });
    return worker;
  }

  private fail(errorType: string, errorMessage: string) {
    for (const [id, invocation] of this.pending) {
      this.pending.delete(id);
      const elapsedMs = performance.now() - invocation.startedAt;
      invocation.resolve({
        elapsedMs,
        result: {
          ok: false,
          requestId: '',
          error: { errorType, errorMessage },
          durationMs: Math.round(elapsedMs),
        },
      });
    }
  }

  private async run(event: unknown): Promise<InvocationResult> {
    this.worker ??= this.start();
    const worker = this.worker;
    // As in Lambda, the init phase is not part of the invocation's timeout; past its own limit of 10 s,
    // the rest of it counts against the timeout.
    await Promise.race([this.initialised, sleep(INIT_LIMIT_MS)]);
    const coldStart = this.coldStart;
    this.coldStart = false;
    const initMs = coldStart ? this.initMs : undefined;
    const id = this.nextId++;
    const timeoutMs = this.definition.timeoutSeconds * 1000;
    const startedAt = Date.now();
    const outcome = new Promise<InvocationOutcome>((resolve) =>
      this.pending.set(id, { resolve, startedAt: performance.now() }),
    );
    const timer = setTimeout(() => {
      // Lambda ends an environment whose invocation times out; the next invocation starts a new one.
      this.fail(
        'Sandbox.Timedout',
        `Task timed out after ${this.definition.timeoutSeconds.toFixed(2)} seconds`,
      );
      this.worker = undefined;
      void worker.terminate();
    }, timeoutMs);
    worker.postMessage({ id, event, deadline: startedAt + timeoutMs });
    try {
      const { result, elapsedMs, handlerMs } = await outcome;
      const { name: functionName, logicalId } = this.definition;
      this.observe({
        functionName,
        logicalId,
        event,
        ok: result.ok,
        durationMs: handlerMs ?? elapsedMs,
        roundTripMs: elapsedMs,
        coldStart,
        ...(initMs === undefined ? {} : { initMs }),
      });
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  async stop() {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/** Lambda's answer to an invocation beyond a function's concurrency (0 reserved: every invocation). */
export const THROTTLED: InvocationError = {
  errorType: 'TooManyRequestsException',
  errorMessage: 'Rate Exceeded.',
};

/**
 * A function's execution environments, as Lambda scales them: an invocation takes an idle environment, or
 * starts a new one (a cold start) while fewer than the function's concurrency exist; beyond that it waits
 * for the first environment to free up (Lambda would throttle a synchronous call; locally nothing is lost).
 */
class FunctionScaler {
  private readonly environments: ExecutionEnvironment[] = [];
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly waiting: ((environment: ExecutionEnvironment) => void)[] = [];

  constructor(
    readonly concurrency: number,
    private readonly startEnvironment: () => ExecutionEnvironment,
  ) {}

  /** Environments started so far (each had its own cold start). */
  get size() {
    return this.environments.length;
  }

  async invoke(event: unknown): Promise<InvocationResult> {
    if (this.concurrency === 0) return { ok: false, requestId: '', error: THROTTLED, durationMs: 0 };
    const environment = await this.acquire();
    try {
      return await environment.invoke(event);
    } finally {
      this.release(environment);
    }
  }

  private acquire(): Promise<ExecutionEnvironment> {
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.environments.length < this.concurrency) {
      const environment = this.startEnvironment();
      this.environments.push(environment);
      return Promise.resolve(environment);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(environment: ExecutionEnvironment) {
    const next = this.waiting.shift();
    if (next) next(environment);
    else this.idle.push(environment);
  }

  async stop() {
    await Promise.all(this.environments.map((environment) => environment.stop()));
  }
}

export interface FunctionHostOptions {
  /** Concurrency of a function without ReservedConcurrentExecutions (`LOCAL_FUNCTION_CONCURRENCY`). */
  defaultConcurrency?: number;
}

/** Concurrency of a function without reserved concurrency, unless `LOCAL_FUNCTION_CONCURRENCY` says otherwise. */
export const DEFAULT_FUNCTION_CONCURRENCY = 10;

/** Hosts the stack's functions in-process, each from its `sam build` artifact. */
export class FunctionHost {
  private readonly environments = new Map<string, FunctionScaler>();
  private readonly definitions = new Map<string, LocalFunction>();
  private readonly observers = new Set<InvocationObserver>();

  constructor(
    /** Variables every function gets: the SDK's endpoint, region and credentials for the local stack. */
    private readonly baseEnvironment: Record<string, string>,
    private readonly logDir: string,
    private readonly options: FunctionHostOptions = {},
  ) {}

  register(definition: LocalFunction) {
    resolveHandler(definition.artifactDir, definition.handler);
    const log = this.logFile(definition.name);
    this.definitions.set(definition.name, definition);
    const concurrency =
      definition.reservedConcurrency ?? this.options.defaultConcurrency ?? DEFAULT_FUNCTION_CONCURRENCY;
    this.environments.set(
      definition.name,
      new FunctionScaler(
        concurrency,
        () =>
          new ExecutionEnvironment(definition, this.baseEnvironment, log, (invocation) =>
            this.notify(invocation),
          ),
      ),
    );
  }

  /**
   * Tells `observer` of every invocation an execution environment of any hosted function serves from now
   * on, once it has ended (benchmarks use it to time the functions); gives the function that stops it.
   */
  observe(observer: InvocationObserver): () => void {
    this.observers.add(observer);
    return () => {
      this.observers.delete(observer);
    };
  }

  private notify(invocation: ObservedInvocation) {
    for (const observer of this.observers) {
      try {
        observer(invocation);
      } catch {
        // An observer's failure is not the function's: the invocation's result stands.
      }
    }
  }

  /** How many invocations of the function may run at once. */
  concurrencyOf(name: string): number {
    return this.scalerOf(name).concurrency;
  }

  /** How many execution environments of the function have started (each with its own cold start). */
  environmentsOf(name: string): number {
    return this.scalerOf(name).size;
  }

  private scalerOf(name: string): FunctionScaler {
    const scaler = this.environments.get(name);
    if (!scaler) throw new Error(`No function named ${name} in the local stack`);
    return scaler;
  }

  /** Whether the host runs a function of this name. */
  has(name: string): boolean {
    return this.environments.has(name);
  }

  get functions(): LocalFunction[] {
    return [...this.definitions.values()];
  }

  logFile(name: string) {
    return join(this.logDir, `${name}.log`);
  }

  invoke(name: string, event: unknown): Promise<InvocationResult> {
    return this.scalerOf(name).invoke(event);
  }

  async stop() {
    await Promise.all([...this.environments.values()].map((scaler) => scaler.stop()));
  }
}
