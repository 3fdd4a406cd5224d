import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

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
}

export interface InvocationError {
  errorType: string;
  errorMessage: string;
}

export type InvocationResult =
  | { ok: true; requestId: string; result: unknown; durationMs: number }
  | { ok: false; requestId: string; error: InvocationError; durationMs: number };

interface PendingInvocation {
  resolve(result: InvocationResult): void;
  startedAt: number;
}

const MODULE_EXTENSIONS = ['.mjs', '.js', '.cjs'];

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
  private worker: Worker | undefined;
  private readonly pending = new Map<number, PendingInvocation>();
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly definition: LocalFunction,
    private readonly baseEnvironment: Record<string, string>,
    private readonly log: WriteStream,
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
      env: {
        ...this.baseEnvironment,
        ...definition.environment,
        AWS_LAMBDA_FUNCTION_NAME: definition.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `local/${definition.name}`,
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
      },
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: definition.memoryMb },
    });
    worker.stdout.pipe(this.log, { end: false });
    worker.stderr.pipe(this.log, { end: false });
    worker.on(
      'message',
      (message: {
        id: number;
        requestId: string;
        ok: boolean;
        result?: unknown;
        error?: InvocationError;
      }) => {
        const invocation = this.pending.get(message.id);
        if (!invocation) return;
        this.pending.delete(message.id);
        const durationMs = Date.now() - invocation.startedAt;
        invocation.resolve(
          message.ok
            ? { ok: true, requestId: message.requestId, result: message.result, durationMs }
            : {
                ok: false,
                requestId: message.requestId,
                error: message.error as InvocationError,
                durationMs,
              },
        );
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
      invocation.resolve({
        ok: false,
        requestId: '',
        error: { errorType, errorMessage },
        durationMs: Date.now() - invocation.startedAt,
      });
    }
  }

  private async run(event: unknown): Promise<InvocationResult> {
    this.worker ??= this.start();
    const worker = this.worker;
    const id = this.nextId++;
    const timeoutMs = this.definition.timeoutSeconds * 1000;
    const startedAt = Date.now();
    const result = new Promise<InvocationResult>((resolve) => this.pending.set(id, { resolve, startedAt }));
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
      return await result;
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

/** Hosts the stack's functions in-process, each from its `sam build` artifact. */
export class FunctionHost {
  private readonly environments = new Map<string, ExecutionEnvironment>();
  private readonly definitions = new Map<string, LocalFunction>();
  private readonly logs: WriteStream[] = [];

  constructor(
    /** Variables every function gets: the SDK's endpoint, region and credentials for the local stack. */
    private readonly baseEnvironment: Record<string, string>,
    private readonly logDir: string,
  ) {}

  register(definition: LocalFunction) {
    resolveHandler(definition.artifactDir, definition.handler);
    const log = createWriteStream(join(this.logDir, `${definition.name}.log`), { flags: 'a' });
    this.logs.push(log);
    this.definitions.set(definition.name, definition);
    this.environments.set(definition.name, new ExecutionEnvironment(definition, this.baseEnvironment, log));
  }

  get functions(): LocalFunction[] {
    return [...this.definitions.values()];
  }

  logFile(name: string) {
    return join(this.logDir, `${name}.log`);
  }

  invoke(name: string, event: unknown): Promise<InvocationResult> {
    const environment = this.environments.get(name);
    if (!environment) throw new Error(`No function named ${name} in the local stack`);
    return environment.invoke(event);
  }

  async stop() {
    await Promise.all([...this.environments.values()].map((environment) => environment.stop()));
    for (const log of this.logs) log.end();
  }
}
