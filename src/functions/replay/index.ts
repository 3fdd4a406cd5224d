import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { DynamoDbReplayStateStore } from '../../adapters/dynamodb-replay-state';
import { eventSourceMappingsOnDemand } from '../../adapters/lambda-event-source-mapping-on-demand';
import { SqsOrderForwarder } from '../../adapters/sqs-order-forwarder';
import { SqsReplayQueue } from '../../adapters/sqs-replay-queue';
import { requireEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { createReplayBatch } from './replay-batch';

const { logger, metrics, tracer } = createPowertools();
const sqs = tracer.captureAWSv3Client(new SQSClient({}));
const replayBatch = createReplayBatch({
  replays: new DynamoDbReplayStateStore(
    tracer.captureAWSv3Client(new DynamoDBClient({})),
    requireEnv('REPLAY_STATE_TABLE_NAME'),
  ),
  forwarder: new SqsOrderForwarder(sqs, requireEnv('DESTINATION_QUEUE_ARN')),
  replayQueue: new SqsReplayQueue(sqs, requireEnv('REPLAY_QUEUE_URL')),
  mappings: eventSourceMappingsOnDemand(tracer),
  processor: new BatchProcessor(EventType.SQS),
  logger,
  metrics,
});

export const handler = middy(replayBatch)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
