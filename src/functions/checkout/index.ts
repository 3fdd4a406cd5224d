import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbOrderRepository } from '../../adapters/dynamodb-order-repository';
import { requireEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { type FaultMode, parseFaultMode } from './fault-mode';
import { InvalidOrderMessageError, parseOrderMessage, storeOrder } from './store-order';

const tableName = requireEnv('CHECKOUT_TABLE_NAME');
const faultModeParameterName = requireEnv('FAULT_MODE_PARAMETER_NAME');
const { logger, metrics, tracer } = createPowertools();
const repository = new DynamoDbOrderRepository(tracer.captureAWSv3Client(new DynamoDBClient({})), tableName);
const parameters = new SSMProvider({ awsSdkV3Client: tracer.captureAWSv3Client(new SSMClient({})) });
const processor = new BatchProcessor(EventType.SQS);

/** Read per batch and cached for a few seconds, so a game day flips it without a deployment. */
const currentFaultMode = async (): Promise<FaultMode> => {
  try {
    const value = await parameters.get(faultModeParameterName, { maxAge: 5 });
    const mode = parseFaultMode(value);
    if (!mode) logger.warn('Unknown checkout fault mode; processing normally', { value });
    return mode ?? 'off';
  } catch (error) {
    logger.warn('The checkout fault switch cannot be read; processing normally', { error: error as Error });
    return 'off';
  }
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
  return processPartialResponse(event, (record: SQSRecord) => processRecord(record, faultMode), processor, {
    context,
    processInParallel: false,
  });
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
