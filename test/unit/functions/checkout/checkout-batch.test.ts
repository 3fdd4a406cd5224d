import { BatchProcessor, EventType, FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type {
  InsertResult,
  OrderRecord,
  OrderRepository,
} from '../../../../src/adapters/dynamodb-order-repository';
import { type OrderEvent, storedOrderChecksum } from '../../../../src/domain/order';
import { createCheckoutBatch } from '../../../../src/functions/checkout/checkout-batch';
import type { FaultMode } from '../../../../src/functions/checkout/fault-mode';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrderEvent } from '../../../factories/order';
import { anOrderRecord, anSqsEvent, anSqsRecord } from '../../../factories/sqs';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { InMemoryOrderRepository } from '../../../helpers/in-memory-order-repository';
import { recordedMetrics, testPowertools } from '../../../helpers/powertools';
import { reverseOrderGate } from '../../../helpers/reverse-order-gate';

const FAILED = 'Order message failed; it will be retried, then moved to the dead-letter queue';
const BREAKER_REPORT = 'Told the circuit breaker';
const CONTEXT = aLambdaContext('checkout');

/**
 * The table as a batch's concurrent writes may find it: the writes started together are answered in the
 * reverse order (the last first); the writes of `failing` orders fail as in an outage.
 */
class OutOfOrderRepository implements OrderRepository {
  readonly stored = new InMemoryOrderRepository();
  readonly gate = reverseOrderGate();
  readonly failing = new Set<string>();

  async insert(record: OrderRecord): Promise<InsertResult> {
    await this.gate.hold();
    if (this.failing.has(record.order.id)) throw new Error('Internal server error');
    return this.stored.insert(record);
  }

  async replace(record: OrderRecord, expectedChecksum: string): Promise<void> {
    await this.gate.hold();
    return this.stored.replace(record, expectedChecksum);
  }
}

const withReplayId = (record: SQSRecord, replayId: string): SQSRecord => ({
  ...record,
  messageAttributes: {
    ...record.messageAttributes,
    replayId: { dataType: 'String', stringValue: replayId, stringListValues: [], binaryListValues: [] },
  },
});

const failedIds = (response: SQSBatchResponse) =>
  response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort();

describe.each([
  ['concurrently', true],
  ['one after another', false],
])('a checkout batch processed %s', (_, processInParallel) => {
  let output: CapturedOutput;
  let repository: OutOfOrderRepository;
  let faultMode: FaultMode;
  let reports: { failures: number; functionArn: string }[];
  let powertools: ReturnType<typeof testPowertools>;
  let checkoutBatch: ReturnType<typeof createCheckoutBatch>;

  beforeEach(() => {
    output = captureOutput();
    repository = new OutOfOrderRepository();
    faultMode = 'off';
    reports = [];
    powertools = testPowertools('checkout');
    const { logger } = powertools;
    checkoutBatch = createCheckoutBatch({
      repository,
      processor: new BatchProcessor(EventType.SQS),
      ...powertools,
      faultMode: async () => faultMode,
      reportDependencyFailures: async (failures, functionArn) => {
        reports.push({ failures, functionArn });
        logger.info(BREAKER_REPORT, { failures });
      },
      processInParallel,
    });
  });

  afterEach(() => output.restore());

  const linesWith = (message: string) => output.jsonLines().filter((line) => line.message === message);

  it('stores every order and logs each "Order stored" line under its own order id', async () => {
    const orders = Array.from({ length: 10 }, () => anOrderEvent());

    const response = await checkoutBatch(anSqsEvent(orders.map((order) => anOrderRecord(order))), CONTEXT);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(repository.stored.size).toBe(10);
    const stored = linesWith('Order stored');
    expect(stored).toHaveLength(10);
    for (const line of stored) expect(line.correlation_id).toBe(line.orderId);
    // Concurrent writes were answered last first: the lines come in the reverse order of the records.
    const inBatchOrder = orders.map(({ id }) => id);
    expect(stored.map((line) => line.orderId)).toEqual(
      processInParallel ? [...inBatchOrder].reverse() : inBatchOrder,
    );
    expect(repository.gate.crossed).toBe(processInParallel ? 10 : 0);
    expect(recordedMetrics(powertools.metrics)).toEqual({ OrderStored: expect.any(Array) });
  });

  it('fails only the failed records, logging each error line under its own order id', async () => {
    const [first, failing, conflicting, last] = [
      anOrderEvent(),
      anOrderEvent(),
      anOrderEvent(),
      anOrderEvent(),
    ];
    repository.failing.add(failing.id);
    const other = anOrderEvent({ id: conflicting.id, notes: 'another order under the same id' });
    repository.stored.seed({ order: other, checksum: storedOrderChecksum(other) });
    const poison = anSqsRecord('{"id": "half an order"');
    const failingRecord = anOrderRecord(failing);
    const conflictingRecord = anOrderRecord(conflicting);

    const response = await checkoutBatch(
      anSqsEvent([anOrderRecord(first), failingRecord, poison, conflictingRecord, anOrderRecord(last)]),
      CONTEXT,
    );

    expect(failedIds(response)).toEqual(
      [failingRecord.messageId, poison.messageId, conflictingRecord.messageId].sort(),
    );
    expect(repository.stored.get(first.id)).toBeDefined();
    expect(repository.stored.get(last.id)).toBeDefined();
    expect(
      linesWith('Order stored').map(({ correlation_id, orderId }) => ({ correlation_id, orderId })),
    ).toEqual(expect.arrayContaining([first, last].map(({ id }) => ({ correlation_id: id, orderId: id }))));
    const errors = linesWith(FAILED);
    expect(errors.map(({ messageId, correlation_id }) => ({ messageId, correlation_id }))).toEqual(
      expect.arrayContaining([
        { messageId: failingRecord.messageId, correlation_id: failing.id },
        { messageId: conflictingRecord.messageId, correlation_id: conflicting.id },
        // A message that is no order has no order id to log under.
        { messageId: poison.messageId, correlation_id: undefined },
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('counts only the dependency failures on the circuit breaker, once per batch, for its own function', async () => {
    const orders = [anOrderEvent(), anOrderEvent(), anOrderEvent(), anOrderEvent()];
    repository.failing.add(orders[0]?.id ?? '');
    repository.failing.add(orders[2]?.id ?? '');

    await checkoutBatch(
      anSqsEvent([...orders.map((order) => anOrderRecord(order)), anSqsRecord('not json')]),
      CONTEXT,
    );

    expect(reports).toEqual([{ failures: 2, functionArn: CONTEXT.invokedFunctionArn }]);
  });

  it('carries a replayed order’s replay id on its own lines only', async () => {
    const replayed = anOrderEvent();
    const plain = anOrderEvent();
    const failingReplayed = anOrderEvent();
    repository.failing.add(failingReplayed.id);

    await checkoutBatch(
      anSqsEvent([
        withReplayId(anOrderRecord(replayed), 'replay-7'),
        anOrderRecord(plain),
        withReplayId(anOrderRecord(failingReplayed), 'replay-8'),
      ]),
      CONTEXT,
    );

    const keysOf = (line: Record<string, unknown>) => ({
      correlation_id: line.correlation_id,
      replayId: line.replayId,
    });
    expect(linesWith('Order stored').map(keysOf)).toEqual(
      expect.arrayContaining([
        { correlation_id: replayed.id, replayId: 'replay-7' },
        { correlation_id: plain.id, replayId: undefined },
      ]),
    );
    expect(linesWith(FAILED).map(keysOf)).toEqual([
      { correlation_id: failingReplayed.id, replayId: 'replay-8' },
    ]);
  });

  it('logs the warning of a corrupted write (game day) under its own order id', async () => {
    faultMode = 'corrupt';
    const orders: OrderEvent[] = [anOrderEvent(), anOrderEvent(), anOrderEvent()];

    await checkoutBatch(anSqsEvent(orders.map((order) => anOrderRecord(order))), CONTEXT);

    const warnings = linesWith('Order stored corrupted: the checkout fault switch is "corrupt" (game day)');
    expect(warnings).toHaveLength(3);
    for (const line of warnings) expect(line.correlation_id).toBe(line.orderId);
  });

  it('fails a batch whose every order failed as a whole, counting each on the breaker (game day "fail")', async () => {
    faultMode = 'fail';
    const orders = [anOrderEvent(), anOrderEvent(), anOrderEvent()];

    await expect(
      checkoutBatch(anSqsEvent(orders.map((order) => anOrderRecord(order))), CONTEXT),
    ).rejects.toThrow(FullBatchFailureError);

    expect(repository.stored.size).toBe(0);
    expect(reports).toEqual([{ failures: 3, functionArn: CONTEXT.invokedFunctionArn }]);
    expect(
      linesWith(FAILED)
        .map((line) => line.correlation_id)
        .sort(),
    ).toEqual(orders.map(({ id }) => id).sort());
  });

  it('leaves no order’s keys on the lines after the batch, such as the breaker report', async () => {
    const failing = anOrderEvent();
    repository.failing.add(failing.id);

    await checkoutBatch(
      anSqsEvent([withReplayId(anOrderRecord(failing), 'replay-9'), anOrderRecord(anOrderEvent())]),
      CONTEXT,
    );
    powertools.logger.info('after the batch');

    for (const message of [BREAKER_REPORT, 'after the batch']) {
      const [line] = linesWith(message);
      expect(line).toBeDefined();
      expect(line).not.toHaveProperty('correlation_id');
      expect(line).not.toHaveProperty('replayId');
    }
    expect(powertools.logger.getCorrelationId()).toBeUndefined();
  });

  it('logs an error, and answers the same, when the circuit breaker cannot be told', async () => {
    const failing = anOrderRecord(anOrderEvent());
    repository.failing.add(JSON.parse(failing.body).id);
    const batch = createCheckoutBatch({
      repository,
      processor: new BatchProcessor(EventType.SQS),
      ...powertools,
      faultMode: async () => 'off',
      reportDependencyFailures: async () => {
        throw new Error('The breaker table is unavailable');
      },
      processInParallel,
    });

    const response = await batch(anSqsEvent([failing, anOrderRecord(anOrderEvent())]), CONTEXT);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: failing.messageId }] });
    const [line] = linesWith('The circuit breaker could not be told of failed orders');
    expect(line).toMatchObject({ level: 'ERROR', error: expect.objectContaining({ name: 'Error' }) });
    expect(line).not.toHaveProperty('correlation_id');
  });
});
