import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { createPowertools } from '../../shared/powertools';
import { transformRecords } from './transform-records';

const { logger, metrics, tracer } = createPowertools();

/** The Firehose Lambda processor of the storage-and-backup and search pipelines: removes card data. */
export const handler = middy((event: FirehoseTransformationEvent) =>
  transformRecords(event, { logger, metrics }),
)
  // The event and the response hold the records: never logged, never sent to X-Ray.
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
