import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbReplayStateStore } from '../../adapters/dynamodb-replay-state';
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
  const keepEveryOrder = (reason: string) => {
    // Nothing is skipped or deleted without a usable window: every order stays in the replay queue.
    logger.error(`${reason}; stop it with \`npm run replay -- stop\``);
    return { batchItemFailures: event.Records.map(({ messageId }) => ({ itemIdentifier: messageId })) };
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
  await replays.addCounts(replay.replayId, counts);
  logger.info('Replayed a batch', { ...counts, failed: response.batchItemFailures.length });
  return response;
};

export const handler = middy(replayBatch)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
