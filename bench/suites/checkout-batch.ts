/**
 * The time CheckoutFunction takes over a batch of the checkout queue (issue 12, part 3): its batch logic
 * (src/functions/checkout/checkout-batch.ts, every record in a record scope of the logger) against the
 * project's moto server, with the records processed one after another (how the function worked before)
 * and concurrently (how it works now), in interleaved rounds, with fresh orders in every batch so that each
 * write is a real insert; then the same batches delivered again (each write finds its order stored).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import type { LogItem } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { localClientConfig } from '../../local/aws-config';
import { startMotoServer } from '../../local/moto/moto-server';
import { ROOT_TEMPLATE } from '../../local/paths';
import { loadTemplate } from '../../local/template/parse-template';
import { DynamoDbOrderRepository } from '../../src/adapters/dynamodb-order-repository';
import { createCheckoutBatch } from '../../src/functions/checkout/checkout-batch';
import { RecordScopedLogger } from '../../src/shared/record-scoped-logger';
import { orderGenerator } from '../lib/orders';
import { median, percentile, round } from '../lib/stats';
import type { Row } from '../suite';

const template = loadTemplate(ROOT_TEMPLATE);
const BATCH_SIZE = Number(
  process.env.BENCH_CHECKOUT_BATCH_SIZE ?? template.Parameters?.CheckoutBatchSize?.Default ?? 10,
);
const BATCHES = Number(process.env.BENCH_CHECKOUT_BATCHES ?? 30);
const WARM_UP_BATCHES = Number(process.env.BENCH_CHECKOUT_WARM_UP_BATCHES ?? 3);
/** The delay added before each request in the last scenario: a round trip to DynamoDB within a region. */
const ADDED_LATENCY_MS = Number(process.env.BENCH_CHECKOUT_ADDED_LATENCY_MS ?? 5);
const TABLE_NAME = 'bench-CheckoutTable';
const FUNCTION_NAME = 'bench-CheckoutFunction';

export const name = 'checkout batch';

export const description =
  `CheckoutFunction's batch logic (createCheckoutBatch: parse, store exactly once, log and meter each order in ` +
  `a record scope of its logger) on batches of ${BATCH_SIZE} valid orders (CheckoutBatchSize) against the ` +
  `project's moto server (CheckoutTable created from template.yaml's definition), in Node ${process.version}. ` +
  `sequential = records one after another (Powertools processInParallel: false, the function before issue 12); ` +
  `parallel = records concurrently (the default, the function now). ${BATCHES} batches per mode after ` +
  `${WARM_UP_BATCHES} warm-up batches each, the modes interleaved (alternating which goes first); fresh orders ` +
  `in every batch, so every write is an insert. Re-delivered: each stored batch once more in the same mode ` +
  `(every write finds its order stored: a duplicate). Log lines are built and serialised as in Lambda, then ` +
  `discarded. moto is one local Python process whose DynamoDB writes hold one lock (local/moto/patches.py), so ` +
  'concurrent writes overlap only in the HTTP and SDK work around them: a lower bound of the gain against ' +
  'DynamoDB, where concurrent writes proceed in parallel. The last scenario adds ' +
  `${ADDED_LATENCY_MS} ms before each request (an SDK middleware), as a round trip to DynamoDB within a region ` +
  'would: simulated, to show what the latency the writes wait for does. Ratios: of the two medians, and the ' +
  "median of the rounds' ratios (a round's two batches run back to back, which cancels most of the drift of " +
  'a busy machine).';

export const columns: Record<string, string> = {
  scenario: 'scenario',
  mode: 'mode',
  batches: 'batches',
  medianMs: 'median ms/batch',
  p90Ms: 'p90 ms/batch',
  ordersPerSecond: 'orders/s (median)',
  ratio: 'parallel / sequential (medians)',
  pairedRatio: 'parallel / sequential (median of rounds)',
};

/** A RecordScopedLogger that builds and serialises every line, as in Lambda, and writes none of them. */
class DiscardingLogger extends RecordScopedLogger {
  bytes = 0;

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    this.bytes += JSON.stringify(log.getAttributes(), this.getJsonReplacer()).length;
  }
}

const CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION_NAME}`,
  memoryLimitInMB: '512',
  awsRequestId: '00000000-0000-4000-8000-000000000000',
  logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** A batch of `size` fresh orders as the checkout queue delivers them (SNS raw message delivery). */
const batchOf = (nextOrder: () => Record<string, unknown>, size: number, sequence: number): SQSEvent => ({
  Records: Array.from(
    { length: size },
    (_, index): SQSRecord => ({
      messageId: `bench-${sequence}-${index}`,
      receiptHandle: `bench-receipt-${sequence}-${index}`,
      body: JSON.stringify(nextOrder()),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '0123456789abcdef0123456789abcdef',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:bench-CheckoutQueue',
      awsRegion: 'us-east-1',
    }),
  ),
});

type Mode = 'sequential' | 'parallel';
const MODES: Mode[] = ['sequential', 'parallel'];
type Times = Record<Mode, number[]>;
type CheckoutBatch = ReturnType<typeof createCheckoutBatch>;

export const run = async (): Promise<Row[]> => {
  const moto = await startMotoServer();
  try {
    const dynamodb = new DynamoDBClient(localClientConfig(moto.endpoint));
    const table = template.Resources.CheckoutTable?.Properties ?? {};
    await dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE_NAME,
        AttributeDefinitions: table.AttributeDefinitions,
        KeySchema: table.KeySchema,
        BillingMode: table.BillingMode,
      } as CreateTableCommandInput),
    );
    const logger = new DiscardingLogger({ serviceName: 'checkout', logLevel: 'INFO' });
    logger.addContext(CONTEXT);
    const metrics = new Metrics({ namespace: 'CheckoutOrdersBench', serviceName: 'checkout' });
    const nextOrder = orderGenerator({ seed: 12 });
    let sequence = 0;
    let dependencyFailures = 0;

    /** The batch logic in each mode, writing to the table through `client`. */
    const batchesWith = (client: DynamoDBClient): Record<Mode, CheckoutBatch> => {
      const repository = new DynamoDbOrderRepository(client, TABLE_NAME);
      const batchIn = (mode: Mode) =>
        createCheckoutBatch({
          repository,
          processor: new BatchProcessor(EventType.SQS),
          logger,
          metrics,
          faultMode: async () => 'off',
          reportDependencyFailures: async (failures) => {
            dependencyFailures += failures;
          },
          processInParallel: mode === 'parallel',
        });
      return { sequential: batchIn('sequential'), parallel: batchIn('parallel') };
    };

    /** Runs one batch; gives its time in ms. Every order must be stored (or found stored). */
    const timed = async (batch: CheckoutBatch, event: SQSEvent): Promise<number> => {
      const started = performance.now();
      const response = await batch(event, CONTEXT);
      const elapsed = performance.now() - started;
      // Metrics are flushed after each invocation by logMetrics in the function; here they are dropped.
      metrics.clearMetrics();
      if (response.batchItemFailures.length > 0) {
        throw new Error(`${response.batchItemFailures.length} orders of a batch failed`);
      }
      return elapsed;
    };

    /**
     * Fresh batches in both modes, interleaved; gives the times of each mode and the batches it stored.
     * Alternating which mode goes first cancels the drift within a round.
     */
    const insertRounds = async (batches: Record<Mode, CheckoutBatch>) => {
      const times: Times = { sequential: [], parallel: [] };
      const stored: Record<Mode, SQSEvent[]> = { sequential: [], parallel: [] };
      for (let turn = 0; turn < WARM_UP_BATCHES + BATCHES; turn += 1) {
        for (const mode of turn % 2 === 0 ? MODES : [...MODES].reverse()) {
          sequence += 1;
          const event = batchOf(nextOrder, BATCH_SIZE, sequence);
          const ms = await timed(batches[mode], event);
          if (turn >= WARM_UP_BATCHES) {
            times[mode].push(ms);
            stored[mode].push(event);
          }
        }
      }
      return { times, stored };
    };

    const direct = batchesWith(dynamodb);
    const inserts = await insertRounds(direct);
    const duplicates: Times = { sequential: [], parallel: [] };
    for (let turn = 0; turn < BATCHES; turn += 1) {
      for (const mode of turn % 2 === 0 ? MODES : [...MODES].reverse()) {
        duplicates[mode].push(await timed(direct[mode], inserts.stored[mode][turn] as SQSEvent));
      }
    }
    const remote = new DynamoDBClient(localClientConfig(moto.endpoint));
    remote.middlewareStack.add(
      (next) => async (args) => {
        await setTimeout(ADDED_LATENCY_MS);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'benchAddedLatency' },
    );
    const distant = await insertRounds(batchesWith(remote));

    if (dependencyFailures > 0) throw new Error(`${dependencyFailures} writes failed against moto`);

    const rowsOf = (scenario: string, times: Times): Row[] => {
      const sequentialMedian = median(times.sequential);
      return MODES.map((mode) => ({
        scenario,
        mode,
        batches: times[mode].length,
        medianMs: round(median(times[mode]), 1),
        p90Ms: round(percentile(times[mode], 90), 1),
        ordersPerSecond: Math.round(BATCH_SIZE / (median(times[mode]) / 1000)),
        ratio: round(median(times[mode]) / sequentialMedian, 2).toFixed(2),
        pairedRatio: round(
          median(times[mode].map((ms, turn) => ms / (times.sequential[turn] ?? Number.NaN))),
          2,
        ).toFixed(2),
      }));
    };
    return [
      ...rowsOf(`${BATCH_SIZE} fresh orders (inserts)`, inserts.times),
      ...rowsOf(`${BATCH_SIZE} orders re-delivered (duplicates)`, duplicates),
      ...rowsOf(`${BATCH_SIZE} fresh orders, +${ADDED_LATENCY_MS} ms per request`, distant.times),
    ];
  } finally {
    await moto.stop();
  }
};
