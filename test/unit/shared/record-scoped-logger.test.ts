import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions, LogAttributes } from '@aws-lambda-powertools/logger/types';
import { RecordScopedLogger } from '../../../src/shared/record-scoped-logger';
import { aLambdaContext } from '../../factories/lambda-context';
import { type CapturedOutput, captureOutput } from '../../helpers/capture-output';

/** A promise and the function that resolves it, for making concurrent records take turns. */
const signal = () => {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

const RESERVED_WARNING = (key: string) => `The key "${key}" is a reserved key and will be dropped.`;

describe('RecordScopedLogger', () => {
  let output: CapturedOutput;
  let logger: RecordScopedLogger;

  beforeEach(() => {
    output = captureOutput();
    logger = new RecordScopedLogger({ serviceName: 'record-scope-test', logLevel: 'DEBUG' });
  });

  afterEach(() => output.restore());

  const lines = () => output.jsonLines();
  const line = (message: string) => {
    const found = lines().filter((candidate) => candidate.message === message);
    expect(found).toHaveLength(1);
    return found[0] as Record<string, unknown>;
  };

  it('gives each of two concurrent records its own keys, though each logs after the other set its keys', async () => {
    const aKeyed = signal();
    const bKeyed = signal();
    const aLogged = signal();

    await Promise.all([
      logger.withRecordScope(async () => {
        logger.setCorrelationId('order-a');
        aKeyed.resolve();
        await bKeyed.promise;
        logger.info('A logs after B set its keys');
        aLogged.resolve();
      }),
      logger.withRecordScope(async () => {
        await aKeyed.promise;
        logger.setCorrelationId('order-b');
        logger.appendKeys({ replayId: 'replay-b' });
        bKeyed.resolve();
        await aLogged.promise;
        logger.info('B logs after A logged');
      }),
    ]);

    expect(line('A logs after B set its keys')).toMatchObject({ correlation_id: 'order-a' });
    expect(line('A logs after B set its keys')).not.toHaveProperty('replayId');
    expect(line('B logs after A logged')).toMatchObject({ correlation_id: 'order-b', replayId: 'replay-b' });
  });

  it('keeps every line of ten records that log in the reverse order of their start under its own keys', async () => {
    const ids = Array.from({ length: 10 }, (_, index) => `order-${index}`);
    const keyed = ids.map(() => signal());
    const logged = ids.map(() => signal());

    await Promise.all(
      ids.map((id, index) =>
        logger.withRecordScope(async () => {
          logger.setCorrelationId(id);
          logger.appendKeys({ position: index, ...(index % 2 === 0 ? { replayId: `replay-${index}` } : {}) });
          keyed[index]?.resolve();
          // Every record has set its keys before any logs; then the last to start logs first.
          await Promise.all(keyed.map(({ promise }) => promise));
          await logged[index + 1]?.promise;
          logger.info('Order stored', { orderId: id });
          await Promise.resolve();
          logger.debug('Still the same order', { orderId: id });
          logged[index]?.resolve();
        }),
      ),
    );

    const stored = lines().filter((candidate) => candidate.message === 'Order stored');
    expect(stored.map((candidate) => candidate.orderId)).toEqual([...ids].reverse());
    for (const candidate of lines()) {
      const index = ids.indexOf(candidate.orderId as string);
      expect(candidate).toMatchObject({ correlation_id: candidate.orderId, position: index });
      expect(candidate.replayId).toBe(index % 2 === 0 ? `replay-${index}` : undefined);
    }
    expect(lines()).toHaveLength(20);
  });

  it("keeps the keys appended outside any scope on every record's lines, beside the record's own", async () => {
    logger.appendKeys({ batchSource: 'checkout-queue' });
    await logger.withRecordScope(async () => {
      logger.setCorrelationId('order-a');
      logger.info('in the record');
    });
    expect(line('in the record')).toMatchObject({ batchSource: 'checkout-queue', correlation_id: 'order-a' });
  });

  it('refuses reserved keys in a record, with the warning Logger gives, and keeps the others', async () => {
    await logger.withRecordScope(async () => {
      logger.appendKeys({ level: 'LOUD', service: 'impostor', timestamp: 0, orderSize: 3 });
      logger.info('after the reserved keys');
    });

    expect(line('after the reserved keys')).toMatchObject({
      level: 'INFO',
      service: 'record-scope-test',
      orderSize: 3,
    });
    expect(typeof line('after the reserved keys').timestamp).toBe('string');
    const warnings = lines()
      .filter((candidate) => candidate.level === 'WARN')
      .map((candidate) => candidate.message);
    expect(warnings).toEqual([
      RESERVED_WARNING('level'),
      RESERVED_WARNING('service'),
      RESERVED_WARNING('timestamp'),
    ]);
  });

  it("lets a log call's own attributes win over the record's keys, as they win over temporary keys", async () => {
    await logger.withRecordScope(async () => {
      logger.setCorrelationId('order-a');
      logger.appendKeys({ replayId: 'replay-a' });
      logger.info('with an extra object', { correlation_id: 'from-the-call' });
      logger.info({ message: 'with a message object', replayId: 'from-the-message' });
      logger.error('with an error', { error: new Error('boom') });
    });

    expect(line('with an extra object')).toMatchObject({
      correlation_id: 'from-the-call',
      replayId: 'replay-a',
    });
    expect(line('with a message object')).toMatchObject({
      correlation_id: 'order-a',
      replayId: 'from-the-message',
    });
    expect(line('with an error')).toMatchObject({
      correlation_id: 'order-a',
      error: expect.objectContaining({ message: 'boom' }),
    });
  });

  it('leaves nothing of a record behind: lines after the scope have the invocation keys only', async () => {
    logger.setCorrelationId('invocation-id');
    await logger.withRecordScope(async () => {
      logger.setCorrelationId('order-a');
      logger.appendKeys({ replayId: 'replay-a' });
      expect(logger.getCorrelationId()).toBe('order-a');
    });
    logger.info('after the batch');

    expect(logger.getCorrelationId()).toBe('invocation-id');
    expect(line('after the batch')).toMatchObject({ correlation_id: 'invocation-id' });
    expect(line('after the batch')).not.toHaveProperty('replayId');
  });

  it("removes a key from a record's lines only, and shows a persistent key under it as Logger does", async () => {
    logger.appendPersistentKeys({ region: 'persistent-region' });
    logger.appendKeys({ tenant: 'tenant-1', region: 'temporary-region' });
    await Promise.all([
      logger.withRecordScope(async () => {
        logger.removeKeys(['tenant', 'region']);
        await Promise.resolve();
        logger.info('the record without them');
      }),
      logger.withRecordScope(async () => {
        await Promise.resolve();
        logger.info('its neighbour');
      }),
    ]);
    logger.info('after the batch');

    expect(line('the record without them')).not.toHaveProperty('tenant');
    expect(line('the record without them')).toMatchObject({ region: 'persistent-region' });
    for (const message of ['its neighbour', 'after the batch']) {
      expect(line(message)).toMatchObject({ tenant: 'tenant-1', region: 'temporary-region' });
    }
  });

  it("resets a record's keys, the invocation's included, for its own lines only", async () => {
    logger.appendKeys({ tenant: 'tenant-1' });
    await logger.withRecordScope(async () => {
      logger.setCorrelationId('order-a');
      logger.resetKeys();
      logger.info('after the reset');
      expect(logger.getCorrelationId()).toBeUndefined();
      logger.appendKeys({ replayId: 'replay-a' });
      logger.info('appended again');
    });
    logger.info('after the batch');

    expect(line('after the reset')).not.toHaveProperty('tenant');
    expect(line('after the reset')).not.toHaveProperty('correlation_id');
    expect(line('appended again')).toMatchObject({ replayId: 'replay-a' });
    expect(line('after the batch')).toMatchObject({ tenant: 'tenant-1' });
  });

  it("starts a nested scope from the enclosing record's keys, and gives it back unchanged", async () => {
    await logger.withRecordScope(async () => {
      logger.setCorrelationId('order-a');
      await logger.withRecordScope(async () => {
        logger.appendKeys({ step: 'inner' });
        logger.info('inner');
      });
      logger.info('outer');
    });

    expect(line('inner')).toMatchObject({ correlation_id: 'order-a', step: 'inner' });
    expect(line('outer')).toMatchObject({ correlation_id: 'order-a' });
    expect(line('outer')).not.toHaveProperty('step');
  });

  it("returns what the record's function returns, and lets its error through", async () => {
    await expect(logger.withRecordScope(async () => 'stored')).resolves.toBe('stored');
    expect(logger.withRecordScope(() => 42)).toBe(42);
    await expect(
      logger.withRecordScope(async () => {
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
  });

  it("gives a child created in a record the record's keys; the child is a plain Logger", async () => {
    logger.appendKeys({ tenant: 'tenant-1', dropped: 'by the record' });
    const child = await logger.withRecordScope(async () => {
      logger.setCorrelationId('order-a');
      logger.removeKeys(['dropped']);
      return logger.createChild({ serviceName: 'child-service' });
    });
    child.info('from the child');

    expect(child).not.toBeInstanceOf(RecordScopedLogger);
    expect(line('from the child')).toMatchObject({
      service: 'child-service',
      tenant: 'tenant-1',
      correlation_id: 'order-a',
    });
    expect(line('from the child')).not.toHaveProperty('dropped');
  });

  it('prints the warnings Logger gives as it starts', () => {
    output.clear();
    // Both options at once (the second one is deprecated, so its type refuses it): Logger warns as it starts.
    const options = {
      persistentKeys: { a: 1 },
      persistentLogAttributes: { b: 2 },
    } as unknown as ConstructorOptions;
    new RecordScopedLogger(options);
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: expect.stringContaining(
          'Both persistentLogAttributes and persistentKeys options were provided',
        ),
      }),
    ]);
  });

  it('writes outside any scope exactly the lines a Logger writes', () => {
    const script = (subject: Logger) => {
      subject.addContext(aLambdaContext('checkout'));
      subject.appendPersistentKeys({ stage: 'test' });
      subject.appendKeys({ tenant: 'tenant-1', nested: { a: 1 } });
      subject.appendKeys({ nested: { b: 2 }, ...{ level: 'dropped' } } as LogAttributes);
      subject.setCorrelationId('invocation-id');
      subject.info('first', { extra: true });
      subject.removeKeys(['tenant']);
      subject.warn({ message: 'second', correlation_id: 'own' }, new Error('oops'));
      subject.resetKeys();
      subject.debug('third', 'a string');
      return subject.getCorrelationId();
    };
    const withoutTimestamps = () =>
      lines().map(({ timestamp: _timestamp, error, ...rest }) => ({
        ...rest,
        error: (error as { stack?: string } | undefined)?.stack?.split('\n')[0],
      }));

    output.clear();
    const plainCorrelationId = script(new Logger({ serviceName: 'record-scope-test', logLevel: 'DEBUG' }));
    const plain = withoutTimestamps();
    output.clear();
    const scopedCorrelationId = script(logger);

    expect(withoutTimestamps()).toEqual(plain);
    expect(plain).toHaveLength(4);
    expect(scopedCorrelationId).toEqual(plainCorrelationId);
  });
});
