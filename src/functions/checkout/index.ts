import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbOrderRepository } from '../../adapters/dynamodb-order-repository';
import { requireEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { InvalidOrderMessageError, parseOrderMessage, storeOrder } from './store-order';

const tableName = requireEnv('CHECKOUT_TABLE_NAME');
const { logger, metrics, tracer } = createPowertools();
const repository = new DynamoDbOrderRepository(tracer.captureAWSv3Client(new DynamoDBClient({})), tableName);
const processor = new BatchProcessor(EventType.SQS);

const processRecord = async (record: SQSRecord) => {
  try {
    const order = parseOrderMessage(record.body);
    const orderLogger = logger.createChild();
    orderLogger.setCorrelationId(order.id);
    return await storeOrder(order, { repository, logger: orderLogger, metrics });
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
  }
};

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, processRecord, processor, { context }),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
