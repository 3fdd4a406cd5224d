import { Agent } from 'node:http';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CircuitBreakerContentionError,
  DynamoDbCircuitBreakerStore,
} from '../../../src/adapters/dynamodb-circuit-breaker-store';
import { initialBreaker, recordFailures, type Step } from '../../../src/domain/circuit-breaker';
import {
  aBreakerItem,
  aClosedBreaker,
  anOpenBreaker,
  BREAKER_EPOCH,
  BREAKER_SETTINGS,
} from '../../factories/circuit-breaker';
import { useMotoServer } from '../../helpers/moto';

const KEY = { circuit: 'checkout' };

/**
 * The store's client talks to moto over one connection. moto (5.2.5) checks a write's condition and writes
 * without a lock, so two conditional puts handled by two of its threads at once can both succeed, which
 * DynamoDB never allows: one request at a time keeps moto's race out of these tests. The store's changes
 * still run concurrently, their reads and writes interleaved, and lose races (see `conflicts`).
 */
const oneRequestAtATime = { requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) } };

describe('the circuit breaker store against moto', () => {
  const moto = useMotoServer();
  let dynamodb: DynamoDBClient;
  let documents: DynamoDBDocumentClient;
  let tableName: string;
  let store: DynamoDbCircuitBreakerStore;
  let tableSequence = 0;
  let conflicts = 0;
  const clock = () => BREAKER_EPOCH;

  beforeEach(async () => {
    dynamodb = new DynamoDBClient({ ...moto.clientConfig(), ...oneRequestAtATime });
    conflicts = 0;
    dynamodb.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) conflicts += 1;
          throw error;
        }
      },
      { step: 'initialize', name: 'countConflicts' },
    );
    documents = DynamoDBDocumentClient.from(dynamodb);
    tableName = `circuit-breaker-${++tableSequence}`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'circuit', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'circuit', KeyType: 'HASH' }],
      }),
    );
    store = new DynamoDbCircuitBreakerStore(dynamodb, tableName, clock);
  });

  const storedItem = async () =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: KEY, ConsistentRead: true }))).Item;
  const putItem = (item: Record<string, unknown>) =>
    documents.send(new PutCommand({ TableName: tableName, Item: item }));

  const failing =
    (count: number, settings = BREAKER_SETTINGS) =>
    (breaker: Parameters<typeof recordFailures>[0], now: Date) =>
      recordFailures(breaker, count, now, settings);

  it('reads a closed breaker, at version 0, when none was stored yet', async () => {
    expect(await store.read()).toEqual({ breaker: initialBreaker(BREAKER_EPOCH), version: 0 });
  });

  it('stores the step of a change under the key checkout, one version up each time', async () => {
    const first = await store.change(failing(1));
    expect(first.transition).toBeUndefined();
    expect(await storedItem()).toEqual(aBreakerItem(first.breaker, 1));

    const second = await store.change(failing(1));
    expect(await store.read()).toEqual({ breaker: second.breaker, version: 2 });
    expect(second.breaker.failures).toBe(2);
  });

  it('writes nothing when the change keeps the breaker as it was', async () => {
    const step = await store.change((breaker) => ({ breaker }));
    expect(step).toEqual({ breaker: initialBreaker(BREAKER_EPOCH) });
    expect(await storedItem()).toBeUndefined();
  });

  it('gives the change the current time of its clock', async () => {
    const seen: Date[] = [];
    await store.change((breaker, now) => {
      seen.push(now);
      return { breaker };
    });
    expect(seen).toEqual([BREAKER_EPOCH]);
  });

  it('adds up the failures of 10 concurrent changes exactly', async () => {
    const settings = { ...BREAKER_SETTINGS, failureThreshold: 100 };
    await Promise.all(Array.from({ length: 10 }, () => store.change(failing(1, settings))));
    const { breaker, version } = await store.read();
    expect(breaker).toMatchObject({ state: 'closed', failures: 10 });
    expect(version).toBe(10);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('makes exactly one of many concurrent changes open the breaker', async () => {
    const settings = { ...BREAKER_SETTINGS, failureThreshold: 5 };
    const steps: Step[] = await Promise.all(
      Array.from({ length: 10 }, () => store.change(failing(1, settings))),
    );
    const transitions = steps.flatMap(({ transition }) => (transition ? [transition] : []));
    expect(transitions).toEqual([
      {
        from: 'closed',
        to: 'open',
        reason: '5 failures of the dependencies within 60 s (threshold 5)',
      },
    ]);
    expect((await store.read()).breaker).toMatchObject({ state: 'open', trips: 1 });
    expect(conflicts).toBeGreaterThan(0);
  });

  it('reads a damaged item as a closed breaker, and replaces it at its next change', async () => {
    await putItem({ ...KEY, state: 'tripped', failures: 'many', version: 4 });
    expect(await store.read()).toEqual({ breaker: initialBreaker(BREAKER_EPOCH), version: 4 });

    const step = await store.change(failing(1));
    expect(await storedItem()).toEqual(aBreakerItem(step.breaker, 5));
  });

  it('changes a breaker that was stored without a version (by hand)', async () => {
    const { version: _version, ...handWritten } = aBreakerItem(anOpenBreaker());
    await putItem(handWritten);
    expect(await store.read()).toEqual({ breaker: anOpenBreaker(), version: 0 });

    const step = await store.change((breaker, now) =>
      recordFailures(breaker, 1, now, { ...BREAKER_SETTINGS, failureThreshold: 1 }),
    );
    expect(await storedItem()).toEqual(aBreakerItem(step.breaker, 1));
  });

  it('gives up with a contention error when another writer changes the breaker before each write', async () => {
    await putItem(aBreakerItem(aClosedBreaker(), 1));
    let writes = 0;
    const rival = DynamoDBDocumentClient.from(new DynamoDBClient(moto.clientConfig()));
    // Another writer bumps the version between every read and write of the store.
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand' || context.commandName === 'PutCommand') {
          writes += 1;
          await rival.send(
            new UpdateCommand({
              TableName: tableName,
              Key: KEY,
              UpdateExpression: 'SET version = version + :one',
              ExpressionAttributeValues: { ':one': 1 },
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'rivalWriter' },
    );

    await expect(store.change(failing(1))).rejects.toThrow(CircuitBreakerContentionError);
    expect(writes).toBe(8);
    expect(conflicts).toBe(8);
    expect(await storedItem()).toMatchObject({ failures: 0, version: 9 });
  });

  it('lets a write failure other than a conflict through at once, without retrying', async () => {
    let writes = 0;
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand' || context.commandName === 'PutCommand') {
          writes += 1;
          throw new Error('Throughput exceeds the current capacity of your table');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failingWrites' },
    );
    await expect(store.change(failing(1))).rejects.toThrow('Throughput exceeds');
    expect(writes).toBe(1);
  });
});
