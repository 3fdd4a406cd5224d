import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbReplayStateStore, ReplaySupersededError } from '../../adapters/dynamodb-replay-state';
import { SqsOrderForwarder } from '../../adapters/sqs-order-forwarder';
import { requireEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { hasUsableWindow, replayRecord } from './replay-orders';

const destinationQueueArn = requireEnv('DESTINATION_QUEUE_ARN');
const stateTableName = requireEnv('REPLAY_STATE_TABLE_NAME');
const { logger, metrics, tracer } = createPowertools();
const replays = new DynamoDbReplayStateStore(
  tracer.captureAWSv3Client(new DynamoDBClient({})),
  stateTableName,
);
const forwarder = new SqsOrderForwarder(tracer.captureAWSv3Client(new SQSClient({})), destinationQueueArn);
const processor = new BatchProcessor(EventType.SQS);

const replayBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const replay = await replays.current();
  const everyOrderKept = (): SQSBatchResponse => ({
    batchItemFailures: event.Records.map(({ messageId }) => ({ itemIdentifier: messageId })),
  });
  const keepEveryOrder = (reason: string) => {
    // Nothing is skipped or deleted without a usable window: every order stays in the replay queue.
    logger.error(`${reason}; stop it with \`npm run replay -- stop\``);
    return everyOrderKept();
  };
  if (replay?.status !== 'running')
    return keepEveryOrder('The replay event source is enabled but no replay is running');
  if (!hasUsableWindow(replay)) return keepEveryOrder(`Replay ${replay.replayId} has no usable window`);
  logger.appendKeys({ replayId: replay.replayId });
  const counts = { forwarded: 0, skipped: 0 };
  const response = await processPartialResponse(
    event,
    (record: SQSRecord) => replayRecord(record, replay, { forwarder, logger, metrics }, counts),
    processor,
    { context, throwOnFullBatchFailure: false },
  );
  try {
    await replays.addCounts(replay.replayId, counts);
  } catch (error) {
    if (!(error instanceof ReplaySupersededError)) throw error;
    // An operator stopped this replay and started another while the batch ran. The batch is not an error:
    // every order of it goes back to the replay queue for the new replay's window to judge (the orders
    // already forwarded may be forwarded again; checkout processing is idempotent).
    logger.warn('Another replay started during this batch; its orders stay in the replay queue for it', {
      ...counts,
    });
    return everyOrderKept();
  }
  logger.info('Replayed a batch', { ...counts, failed: response.batchItemFailures.length });
  return response;
};

export const handler = middy(replayBatch)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
