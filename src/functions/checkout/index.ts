import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbCircuitBreakerStore } from '../../adapters/dynamodb-circuit-breaker-store';
import { DynamoDbOrderRepository } from '../../adapters/dynamodb-order-repository';
import { LambdaEventSourceMappings } from '../../adapters/lambda-event-source-mapping';
import { circuitBreakerSettingsFromEnv } from '../../shared/circuit-breaker-settings';
import { requireEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import type { FaultMode } from './fault-mode';
import { isDependencyFailure, reportDependencyFailures } from './report-to-breaker';
import { InvalidOrderMessageError, parseOrderMessage, storeOrder } from './store-order';

const tableName = requireEnv('CHECKOUT_TABLE_NAME');
const { logger, metrics, tracer } = createPowertools();
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));
const repository = new DynamoDbOrderRepository(dynamodb, tableName);
const breakerReporting = {
  breakers: new DynamoDbCircuitBreakerStore(dynamodb, requireEnv('CIRCUIT_BREAKER_TABLE_NAME')),
  settings: circuitBreakerSettingsFromEnv(),
  mappings: new LambdaEventSourceMappings(tracer.captureAWSv3Client(new LambdaClient({}))),
  queueArn: requireEnv('CHECKOUT_QUEUE_ARN'),
  logger,
  metrics,
};
const processor = new BatchProcessor(EventType.SQS);

// The game-day fault switch exists only in stacks deployed with EnableFaultInjection: without it, no
// parameter is read and the switch's module (and its SSM client) is never loaded.
const faultModeParameterName = process.env.FAULT_MODE_PARAMETER_NAME;
let faultSwitch: Promise<() => Promise<FaultMode>> | undefined;
const currentFaultMode = async (): Promise<FaultMode> => {
  if (!faultModeParameterName) return 'off';
  faultSwitch ??= import('./fault-switch').then(({ createFaultSwitch }) =>
    createFaultSwitch(faultModeParameterName, logger, tracer),
  );
  return (await faultSwitch)();
};

/**
 * One order message. The batch's records are processed one at a time, so that the module's logger can
 * carry each order's id as correlation id: a child logger per record would report a cold start on every
 * line.
 */
const processRecord = async (record: SQSRecord, faultMode: FaultMode) => {
  try {
    const order = parseOrderMessage(record.body);
    logger.setCorrelationId(order.id);
    const replayId = record.messageAttributes.replayId?.stringValue;
    if (replayId) logger.appendKeys({ replayId });
    return await storeOrder(order, { repository, logger, metrics, faultMode });
  } catch (error) {
    // The message stays on the queue: it is retried, and after maxReceiveCount it moves to the DLQ.
    logger.error('Order message failed; it will be retried, then moved to the dead-letter queue', {
      messageId: record.messageId,
      receiveCount: record.attributes.ApproximateReceiveCount,
      ...(error instanceof InvalidOrderMessageError
        ? { problems: error.problems }
        : { error: error as Error }),
    });
    throw error;
  } finally {
    logger.removeKeys(['correlation_id', 'replayId']);
  }
};

export const handler = middy(async (event: SQSEvent, context: Context) => {
  const faultMode = await currentFaultMode();
  let dependencyFailures = 0;
  const countingFailures = async (record: SQSRecord) => {
    try {
      return await processRecord(record, faultMode);
    } catch (error) {
      if (isDependencyFailure(error)) dependencyFailures += 1;
      throw error;
    }
  };
  try {
    return await processPartialResponse(event, countingFailures, processor, {
      context,
      processInParallel: false,
    });
  } finally {
    await reportDependencyFailures(dependencyFailures, context.invokedFunctionArn, breakerReporting).catch(
      (error: unknown) =>
        // The orders' fate does not depend on it: they are retried either way.
        logger.error('The circuit breaker could not be told of failed orders', { error: error as Error }),
    );
  }
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
