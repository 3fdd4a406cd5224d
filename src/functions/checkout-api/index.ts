import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { SnsOrderPublisher } from '../../adapters/sns-order-publisher';
import { requireEnv } from '../../shared/config';
import { createPowertools } from '../../shared/powertools';
import { acceptOrder } from './accept-order';

const topicArn = requireEnv('ORDER_TOPIC_ARN');
const { logger, metrics, tracer } = createPowertools();
const publisher = new SnsOrderPublisher(tracer.captureAWSv3Client(new SNSClient({})), topicArn);

export const handler = middy((event: APIGatewayProxyEvent) =>
  acceptOrder(event, { publisher, generateOrderId: randomUUID, now: () => new Date(), logger, metrics }),
)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
