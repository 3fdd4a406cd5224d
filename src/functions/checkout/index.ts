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
  let order: ReturnType<typeof parseOrderMessage>;
  try {
    order = parseOrderMessage(record.body);
  } catch (error) {
    if (error instanceof InvalidOrderMessageError) {
      logger.error('Discarding an invalid order message to the DLQ after its retries', {
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        problems: error.problems,
      });
    }
    throw error;
  }
  const orderLogger = logger.createChild();
  orderLogger.setCorrelationId(order.id);
  return storeOrder(order, { repository, logger: orderLogger, metrics });
};

export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, processRecord, processor, { context }),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
