import { randomUUID } from 'node:crypto';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { IdempotentOrderPublisher } from '../../adapters/idempotent-order-publisher';
import { SnsOrderPublisher } from '../../adapters/sns-order-publisher';
import { requireEnv, requireEnvByPrefix, requireIntegerEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { acceptOrder } from './accept-order';

const topicArn = requireEnv('ORDER_TOPIC_ARN');
const idempotencyTableName = requireEnv('IDEMPOTENCY_TABLE_NAME');
const orderIdRetentionSeconds = requireIntegerEnv('ORDER_ID_RETENTION_SECONDS', 1);
/** One `PARTNER_CLIENT_ID_<partner>` variable per partner of the template's `Partners` parameter. */
const partners = new Map(
  [...requireEnvByPrefix('PARTNER_CLIENT_ID_')].map(([partnerId, clientId]) => [clientId, partnerId]),
);

const { logger, metrics, tracer } = createPowertools();
const publisher = new SnsOrderPublisher(tracer.captureAWSv3Client(new SNSClient({})), topicArn);
const idempotentPublisher = new IdempotentOrderPublisher(publisher, {
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: idempotencyTableName,
    awsSdkV3Client: tracer.captureAWSv3Client(new DynamoDBClient({})),
  }),
  expiresAfterSeconds: orderIdRetentionSeconds,
});

export const handler = middy((event: APIGatewayProxyEvent, context: Context) => {
  idempotentPublisher.registerLambdaContext(context);
  return acceptOrder(event, {
    publisher,
    idempotentPublisher,
    partners,
    generateOrderId: randomUUID,
    now: () => new Date(),
    logger,
    metrics,
  });
})
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
