import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { DynamoDbCircuitBreakerStore } from '../../adapters/dynamodb-circuit-breaker-store';
import { LambdaEventSourceMappings } from '../../adapters/lambda-event-source-mapping';
import { SqsLambdaTrial } from '../../adapters/sqs-lambda-trial';
import { circuitBreakerSettingsFromEnv } from '../../shared/circuit-breaker-settings';
import { requireEnv, requireIntegerEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { checkCircuit } from './check-circuit';

const { logger, metrics, tracer } = createPowertools();
const lambda = tracer.captureAWSv3Client(new LambdaClient({}));
const dependencies = {
  breakers: new DynamoDbCircuitBreakerStore(
    tracer.captureAWSv3Client(new DynamoDBClient({})),
    requireEnv('CIRCUIT_BREAKER_TABLE_NAME'),
  ),
  settings: circuitBreakerSettingsFromEnv(),
  mappings: new LambdaEventSourceMappings(lambda),
  mappingId: requireEnv('CHECKOUT_EVENT_SOURCE_MAPPING_ID'),
  trial: new SqsLambdaTrial(tracer.captureAWSv3Client(new SQSClient({})), lambda, {
    queueUrl: requireEnv('CHECKOUT_QUEUE_URL'),
    queueArn: requireEnv('CHECKOUT_QUEUE_ARN'),
    region: requireEnv('AWS_REGION'),
    functionName: requireEnv('CHECKOUT_FUNCTION_NAME'),
    batchSize: requireIntegerEnv('TRIAL_BATCH_SIZE', 1),
  }),
  logger,
  metrics,
};

/** Run by its schedule (the event's content does not matter). */
export const handler = middy(async () => {
  const { state, mapping, trial } = await checkCircuit(dependencies);
  return {
    state,
    eventSourceMapping: mapping.state,
    trial: trial && { received: trial.received, failed: trial.failed.length },
  };
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
