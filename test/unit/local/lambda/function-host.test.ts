import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_FUNCTION_CONCURRENCY,
  FunctionHost,
  type LocalFunction,
  type ObservedInvocation,
  resolveHandler,
} from '../../../../local/lambda/function-host';
import { makeTempDir, waitFor, writeFile } from '../../../helpers/local-runtime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const HANDLERS: Record<string, string> = {
  'environment/index.mjs': `
export const handler = async (event) => {
  if (event.set) process.env.SET_BY_HANDLER = event.set;
  return {
    color: process.env.FN_COLOR,
    shared: process.env.SHARED,
    setByHandler: process.env.SET_BY_HANDLER ?? null,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    taskRoot: process.env.LAMBDA_TASK_ROOT,
  };
};`,
  'context/app.mjs': `
export const lambdaHandler = async (event, context) => {
  const before = context.getRemainingTimeInMillis();
  await new Promise((resolve) => setTimeout(resolve, 120));
  return {
    event,
    before,
    after: context.getRemainingTimeInMillis(),
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
  };
};`,
  'errors/index.mjs': `
export const handler = async (event) => {
  if (event.kind === 'typed') {
    const error = new Error('card declined');
    error.name = 'PaymentDeclined';
    throw error;
  }
  if (event.kind === 'string') throw 'plain text thrown';
  if (event.kind === 'exit') process.exit(3);
  console.log('handled', JSON.stringify(event));
  return undefined;
};`,
  'state/index.mjs': `
let invocations = 0;
export const handler = async (event) => {
  invocations += 1;
  if (event.hang) await new Promise(() => {});
  if (event.spin) for (;;) {}
  return { invocations };
};`,
  'serial/index.mjs': `
let running = 0;
export const handler = async (event) => {
  running += 1;
  const concurrent = running;
  const startedAt = Date.now();
  const hold = event.holdUntil ? event.holdUntil - startedAt : 100;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, hold)));
  running -= 1;
  return { concurrent, startedAt, endedAt: Date.now() };
};`,
  'slow-init/index.mjs': `
await new Promise((resolve) => setTimeout(resolve, 800));
export const handler = async () => ({ initialisedBeforeMe: true });`,
  'shapes/index.cjs': `
exports.handler = async () => ({ when: new Date(0), nothing: undefined, list: [1, 'two'] });`,
};

describe('FunctionHost', () => {
  const artifacts = makeTempDir('function-host-artifacts');
  const logs = makeTempDir('function-host-logs');
  for (const [path, source] of Object.entries(HANDLERS)) writeFile(artifacts.path, path, source);

  const host = new FunctionHost({ SHARED: 'from-the-host', FN_COLOR: 'base' }, logs.path);
  const register = (overrides: Partial<LocalFunction> & Pick<LocalFunction, 'name'>) =>
    host.register({
      logicalId: overrides.name,
      artifactDir: join(artifacts.path, 'environment'),
      handler: 'index.handler',
      timeoutSeconds: 3,
      memoryMb: 128,
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${overrides.name}`,
      environment: {},
      ...overrides,
    });

  register({ name: 'red', environment: { FN_COLOR: 'red' } });
  register({ name: 'blue', environment: { FN_COLOR: 'blue' }, memoryMb: 256 });
  register({ name: 'plain' });
  register({ name: 'context', artifactDir: join(artifacts.path, 'context'), handler: 'app.lambdaHandler' });
  register({ name: 'errors', artifactDir: join(artifacts.path, 'errors') });
  register({
    name: 'state',
    artifactDir: join(artifacts.path, 'state'),
    timeoutSeconds: 0.5,
    reservedConcurrency: 1,
  });
  register({ name: 'serial', artifactDir: join(artifacts.path, 'serial'), reservedConcurrency: 1 });
  register({
    name: 'parallel',
    artifactDir: join(artifacts.path, 'serial'),
    reservedConcurrency: 3,
    timeoutSeconds: 10,
  });
  register({ name: 'unreserved', artifactDir: join(artifacts.path, 'serial') });
  register({ name: 'slow-init', artifactDir: join(artifacts.path, 'slow-init'), timeoutSeconds: 0.5 });
  register({ name: 'reserved-zero', artifactDir: join(artifacts.path, 'serial'), reservedConcurrency: 0 });
  register({ name: 'shapes', artifactDir: join(artifacts.path, 'shapes') });
  register({
    name: 'missing-export',
    artifactDir: join(artifacts.path, 'environment'),
    handler: 'index.nope',
  });

  afterAll(async () => {
    await host.stop();
    artifacts.remove();
    logs.remove();
  });

  const resultOf = async (name: string, event: unknown = {}) => {
    const invocation = await host.invoke(name, event);
    if (!invocation.ok) throw new Error(`${name} failed: ${JSON.stringify(invocation.error)}`);
    return invocation.result as Record<string, unknown>;
  };

  describe('environment', () => {
    it("gives each function its own environment variables over the host's, even when they run at once", async () => {
      const [red, blue, plain] = await Promise.all([resultOf('red'), resultOf('blue'), resultOf('plain')]);
      expect(red).toMatchObject({
        color: 'red',
        shared: 'from-the-host',
        functionName: 'red',
        memory: '128',
      });
      expect(blue).toMatchObject({
        color: 'blue',
        shared: 'from-the-host',
        functionName: 'blue',
        memory: '256',
      });
      expect(plain).toMatchObject({ color: 'base', functionName: 'plain' });
      expect(red.taskRoot).toBe(join(artifacts.path, 'environment'));
    });

    it('keeps what one function writes to process.env away from other functions and from the host', async () => {
      expect(await resultOf('red', { set: 'red-was-here' })).toMatchObject({ setByHandler: 'red-was-here' });
      expect(await resultOf('red')).toMatchObject({ setByHandler: 'red-was-here' });
      expect(await resultOf('blue')).toMatchObject({ setByHandler: null });
      expect(process.env.SET_BY_HANDLER).toBeUndefined();
      expect(process.env.FN_COLOR).toBeUndefined();
    });
  });

  describe('the Lambda context', () => {
    it("names the function, its version, ARN, memory, log group and its environment's log stream", async () => {
      expect(await resultOf('context', { hello: 'world' })).toMatchObject({
        event: { hello: 'world' },
        functionName: 'context',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:context',
        memoryLimitInMB: '128',
        logGroupName: '/aws/lambda/context',
        logStreamName: expect.stringMatching(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/),
      });
    });

    it('counts down the remaining time from the timeout', async () => {
      const { before, after } = (await resultOf('context')) as { before: number; after: number };
      expect(before).toBeGreaterThan(2000);
      expect(before).toBeLessThanOrEqual(3000);
      expect(after).toBeLessThanOrEqual(before - 100);
    });

    it('gives each invocation its own request id, the one the result reports', async () => {
      const first = await host.invoke('context', {});
      const second = await host.invoke('context', {});
      expect(first.requestId).toMatch(UUID);
      expect(second.requestId).toMatch(UUID);
      expect(first.requestId).not.toBe(second.requestId);
      expect(first.ok && (first.result as { awsRequestId: string }).awsRequestId).toBe(first.requestId);
    });
  });

  describe('results and errors', () => {
    it('serialises the result as JSON, as Lambda does, and gives null for undefined', async () => {
      expect(await resultOf('shapes')).toEqual({ when: '1970-01-01T00:00:00.000Z', list: [1, 'two'] });
      expect(await host.invoke('errors', { kind: 'none' })).toMatchObject({ ok: true, result: null });
    });

    it("turns a thrown error into ok: false with the error's type and message", async () => {
      const invocation = await host.invoke('errors', { kind: 'typed' });
      expect(invocation).toMatchObject({
        ok: false,
        error: { errorType: 'PaymentDeclined', errorMessage: 'card declined' },
      });
      expect(invocation.requestId).toMatch(UUID);
      expect(invocation.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('reports something thrown that is not an Error as an Error with its text', async () => {
      expect(await host.invoke('errors', { kind: 'string' })).toMatchObject({
        ok: false,
        error: { errorType: 'Error', errorMessage: 'plain text thrown' },
      });
    });

    it('reports a handler export that does not exist', async () => {
      const invocation = await host.invoke('missing-export', {});
      expect(invocation.ok).toBe(false);
      expect(!invocation.ok && invocation.error.errorMessage).toContain(
        'does not export a function named nope',
      );
    });

    it('reports an environment that exits, and starts a new one for the next invocation', async () => {
      expect(await host.invoke('errors', { kind: 'exit' })).toMatchObject({
        ok: false,
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: 'The execution environment exited with code 3',
        },
      });
      expect(await host.invoke('errors', { kind: 'none' })).toMatchObject({ ok: true });
    });

    it("writes the function's output and its errors to the function's log file", async () => {
      await host.invoke('errors', { kind: 'none', marker: 'log-line-1' });
      await host.invoke('errors', { kind: 'typed' });
      const logFile = host.logFile('errors');
      expect(logFile).toBe(join(logs.path, 'errors.log'));
      const text = await waitFor('both lines in the log file', () => {
        const content = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        return content.includes('log-line-1') && content.includes('card declined') && content;
      });
      const errorLine = text.split('\n').find((line) => line.includes('Invoke Error'));
      expect(JSON.parse(errorLine ?? '{}')).toMatchObject({
        level: 'ERROR',
        errorType: 'PaymentDeclined',
        errorMessage: 'card declined',
      });
    });
  });

  describe('execution environments', () => {
    it('keeps module state between invocations of a warm environment', async () => {
      const first = (await resultOf('state')).invocations as number;
      expect(await resultOf('state')).toEqual({ invocations: first + 1 });
    });

    it('runs the invocations of a function with a concurrency of 1 one at a time', async () => {
      const results = await Promise.all([resultOf('serial'), resultOf('serial'), resultOf('serial')]);
      expect(results.map((result) => result.concurrent)).toEqual([1, 1, 1]);
      const spans = results
        .map((result) => [result.startedAt as number, result.endedAt as number] as const)
        .sort(([a], [b]) => a - b);
      for (let index = 1; index < spans.length; index += 1) {
        expect(spans[index]?.[0]).toBeGreaterThanOrEqual(spans[index - 1]?.[1] ?? Number.POSITIVE_INFINITY);
      }
    });

    it('runs invocations in parallel up to the reserved concurrency, each environment with its own cold start', async () => {
      // Each holds its environment until the same moment: one at a time, the later ones would start after it.
      const holdUntil = Date.now() + 2000;
      const results = await Promise.all([1, 2, 3].map(() => resultOf('parallel', { holdUntil })));
      for (const { startedAt } of results) expect(startedAt).toBeLessThan(holdUntil);
      expect(host.environmentsOf('parallel')).toBe(3);
    });

    it('reuses warm environments and makes invocations beyond the concurrency wait for one, losing none', async () => {
      const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => host.invoke('parallel', {})));
      expect(results.every((result) => result.ok)).toBe(true);
      expect(host.environmentsOf('parallel')).toBe(3);
    });

    it('gives a function without reserved concurrency the host default', async () => {
      expect(host.concurrencyOf('unreserved')).toBe(DEFAULT_FUNCTION_CONCURRENCY);
      const defaulted = new FunctionHost({}, logs.path, { defaultConcurrency: 4 });
      defaulted.register({
        name: 'defaulted',
        logicalId: 'defaulted',
        artifactDir: join(artifacts.path, 'serial'),
        handler: 'index.handler',
        timeoutSeconds: 3,
        memoryMb: 128,
        arn: 'arn:aws:lambda:us-east-1:123456789012:function:defaulted',
        environment: {},
      });
      expect(defaulted.concurrencyOf('defaulted')).toBe(4);
      await defaulted.stop();
    });

    it('throttles every invocation of a function whose reserved concurrency is 0, as Lambda does', async () => {
      expect(await host.invoke('reserved-zero', {})).toMatchObject({
        ok: false,
        error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
      });
      expect(host.environmentsOf('reserved-zero')).toBe(0);
    });

    it("does not count the init phase (loading the module) against the invocation's timeout, as Lambda does not", async () => {
      const invocation = await host.invoke('slow-init', {});
      expect(invocation).toMatchObject({ ok: true, result: { initialisedBeforeMe: true } });
      expect(invocation.durationMs).toBeLessThan(500);
    });

    it('times out an invocation with Sandbox.Timedout, and the next one starts a fresh environment', async () => {
      await resultOf('state');
      const timedOut = await host.invoke('state', { hang: true });
      expect(timedOut).toMatchObject({
        ok: false,
        error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.50 seconds' },
      });
      expect(timedOut.durationMs).toBeGreaterThanOrEqual(450);
      expect(await resultOf('state')).toEqual({ invocations: 1 });
    });

    it('times out a handler that never yields (a busy loop) too', async () => {
      expect(await host.invoke('state', { spin: true })).toMatchObject({
        ok: false,
        error: { errorType: 'Sandbox.Timedout' },
      });
      expect(await resultOf('state')).toEqual({ invocations: 1 });
    });

    it('serves invocations queued behind one that times out from the fresh environment', async () => {
      const [timedOut, next] = await Promise.all([
        host.invoke('state', { hang: true }),
        host.invoke('state', {}),
      ]);
      expect(timedOut).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
      expect(next).toMatchObject({ ok: true, result: { invocations: 1 } });
    });
  });

  describe('observers', () => {
    // A host of its own: nothing else invokes its functions while an observer listens.
    const observed = new FunctionHost({}, logs.path);
    const functionOf = (name: string, handlerDir: string, overrides: Partial<LocalFunction> = {}) =>
      observed.register({
        name,
        logicalId: `${name}Function`,
        artifactDir: join(artifacts.path, handlerDir),
        handler: 'index.handler',
        timeoutSeconds: 3,
        memoryMb: 128,
        arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
        environment: {},
        ...overrides,
      });
    functionOf('held', 'serial');
    functionOf('pair', 'serial', { reservedConcurrency: 2 });
    functionOf('slow', 'slow-init');
    functionOf('failing', 'errors');
    functionOf('hanging', 'state', { timeoutSeconds: 0.5 });
    functionOf('throttled', 'serial', { reservedConcurrency: 0 });

    /** Every invocation observed while `during` runs. */
    const observe = async (during: () => Promise<unknown>) => {
      const invocations: ObservedInvocation[] = [];
      const stop = observed.observe((invocation) => invocations.push(invocation));
      try {
        await during();
      } finally {
        stop();
      }
      return invocations;
    };

    afterAll(() => observed.stop());

    it("tells of each invocation once it has ended: the function, its event, the result and its duration, the environment's cold start with its init", async () => {
      const event = { marker: 'first' };
      const invocations = await observe(async () => {
        await observed.invoke('held', event);
        await observed.invoke('held', { marker: 'second' });
      });

      expect(invocations).toHaveLength(2);
      const [cold, warm] = invocations;
      expect(cold).toMatchObject({
        functionName: 'held',
        logicalId: 'heldFunction',
        event,
        ok: true,
        coldStart: true,
        initMs: expect.any(Number),
      });
      expect(warm).toMatchObject({ event: { marker: 'second' }, ok: true, coldStart: false });
      expect(warm).not.toHaveProperty('initMs');
      // The second invocation holds its environment for 100 ms; the environment measures it, to a fraction of
      // a millisecond, and the host's round trip (with the hand-over between threads) takes at least as long.
      expect(warm?.durationMs).toBeGreaterThanOrEqual(95);
      expect(Number.isInteger(warm?.durationMs)).toBe(false);
      expect(warm?.roundTripMs).toBeGreaterThanOrEqual(warm?.durationMs ?? Number.POSITIVE_INFINITY);
    });

    it('gives the init phase apart from the invocation: a module that takes 800 ms to load', async () => {
      const [invocation] = await observe(() => observed.invoke('slow', {}));

      expect(invocation).toMatchObject({ functionName: 'slow', ok: true, coldStart: true });
      expect(invocation?.initMs).toBeGreaterThanOrEqual(750);
      expect(invocation?.durationMs).toBeLessThan(500);
    });

    it('counts a cold start per execution environment', async () => {
      const holdUntil = Date.now() + 500;
      const invocations = await observe(() =>
        Promise.all([1, 2, 3].map(() => observed.invoke('pair', { holdUntil }))),
      );

      // Two environments (the reserved concurrency), each with its cold start; the third waits for one.
      expect(invocations).toHaveLength(3);
      expect(invocations.filter((invocation) => invocation.coldStart)).toHaveLength(2);
      expect(invocations.filter((invocation) => invocation.initMs !== undefined)).toHaveLength(2);
      expect(observed.environmentsOf('pair')).toBe(2);
    });

    it('tells of failed and timed-out invocations, and of the cold start of the environment that replaces a timed-out one', async () => {
      const invocations = await observe(async () => {
        await observed.invoke('failing', { kind: 'typed' });
        await observed.invoke('hanging', { hang: true });
        await observed.invoke('hanging', {});
      });

      expect(invocations.map(({ functionName, ok, coldStart }) => ({ functionName, ok, coldStart }))).toEqual(
        [
          { functionName: 'failing', ok: false, coldStart: true },
          { functionName: 'hanging', ok: false, coldStart: true },
          { functionName: 'hanging', ok: true, coldStart: true },
        ],
      );
      // A timed-out invocation has no answer of its environment: its duration is the host's round trip.
      expect(invocations[1]?.durationMs).toBeGreaterThanOrEqual(450);
      expect(invocations[1]?.durationMs).toBe(invocations[1]?.roundTripMs);
    });

    it('does not tell of throttled invocations, which no environment serves', async () => {
      const invocations = await observe(() => observed.invoke('throttled', {}));

      expect(invocations).toEqual([]);
    });

    it('stops telling an observer once stopped, and ignores what an observer throws', async () => {
      const told: string[] = [];
      const stopThrowing = observed.observe(() => {
        throw new Error('a broken observer');
      });
      const stop = observed.observe((invocation) => told.push(invocation.functionName));

      const result = await observed.invoke('held', {});
      stop();
      stopThrowing();
      await observed.invoke('held', {});

      expect(result.ok).toBe(true);
      expect(told).toEqual(['held']);
    });
  });

  it('lists the registered functions', () => {
    expect(host.functions.map((fn) => fn.name)).toEqual([
      'red',
      'blue',
      'plain',
      'context',
      'errors',
      'state',
      'serial',
      'parallel',
      'unreserved',
      'slow-init',
      'reserved-zero',
      'shapes',
      'missing-export',
    ]);
  });

  it('refuses to invoke a function it does not host', () => {
    expect(() => host.invoke('unknown', {})).toThrow('No function named unknown in the local stack');
  });

  it('refuses to register a function whose artifact is missing, pointing at the build', () => {
    expect(() => register({ name: 'unbuilt', artifactDir: join(artifacts.path, 'not-built') })).toThrow(
      'run `npm run build`',
    );
    expect(host.functions.map((fn) => fn.name)).not.toContain('unbuilt');
  });
});

describe('resolveHandler', () => {
  const artifacts = makeTempDir('resolve-handler');
  afterAll(() => artifacts.remove());

  it.each(['mjs', 'js', 'cjs'])('finds a .%s module and the export the handler names', (extension) => {
    const dir = join(artifacts.path, extension);
    const modulePath = writeFile(dir, `src/app.${extension}`, '');
    expect(resolveHandler(dir, 'src/app.lambdaHandler')).toEqual({ modulePath, exportName: 'lambdaHandler' });
  });

  it('prefers .mjs, as sam build with esbuild writes ESM bundles', () => {
    const dir = join(artifacts.path, 'both');
    const mjs = writeFile(dir, 'index.mjs', '');
    writeFile(dir, 'index.js', '');
    expect(resolveHandler(dir, 'index.handler').modulePath).toBe(mjs);
  });

  it('names the missing module, the folder and `npm run build` when the artifact is missing', () => {
    const dir = join(artifacts.path, 'empty');
    expect(() => resolveHandler(dir, 'index.handler')).toThrow(
      `No index{.mjs,.js,.cjs} in ${dir}: run \`npm run build\``,
    );
  });

  it('refuses a handler that is not file.export', () => {
    expect(() => resolveHandler(artifacts.path, 'handler')).toThrow(
      'Handler handler is not of the form file.export',
    );
    expect(() => resolveHandler(artifacts.path, '.handler')).toThrow('is not of the form file.export');
  });
});
