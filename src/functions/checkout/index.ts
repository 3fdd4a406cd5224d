import { BatchProcessor, EventType } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { DynamoDbCircuitBreakerStore } from '../../adapters/dynamodb-circuit-breaker-store';
import { DynamoDbOrderRepository } from '../../adapters/dynamodb-order-repository';
import { eventSourceMappingsOnDemand } from '../../adapters/lambda-event-source-mapping-on-demand';
import { circuitBreakerSettingsFromEnv } from '../../shared/circuit-breaker-settings';
import { requireEnv } from '../../shared/config';
import { loadOnce } from '../../shared/load-once';
import { createPowertools } from '../../shared/powertools';
import { createCheckoutBatch } from './checkout-batch';
import type { FaultMode } from './fault-mode';
import { type BreakerReporting, reportDependencyFailures } from './report-to-breaker';

const tableName = requireEnv('CHECKOUT_TABLE_NAME');
const { logger, metrics, tracer } = createPowertools();
const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));

const breakerReporting: BreakerReporting = {
  breakers: new DynamoDbCircuitBreakerStore(dynamodb, requireEnv('CIRCUIT_BREAKER_TABLE_NAME')),
  settings: circuitBreakerSettingsFromEnv(),
  // The Lambda client is needed only when the circuit breaker opens (to disable this function's event
  // source): it is loaded then, once, not at every cold start.
  mappings: eventSourceMappingsOnDemand(tracer),
  queueArn: requireEnv('CHECKOUT_QUEUE_ARN'),
  logger,
  metrics,
};

// The game-day fault switch exists only in stacks deployed with EnableFaultInjection: without it, no
// parameter is read and the switch's module (and its SSM client) is never loaded.
const faultModeParameterName = process.env.FAULT_MODE_PARAMETER_NAME;
const faultSwitch = faultModeParameterName
  ? loadOnce(() =>
      import('./fault-switch').then(({ createFaultSwitch }) =>
        createFaultSwitch(faultModeParameterName, logger, tracer),
      ),
    )
  : undefined;
const currentFaultMode = async (): Promise<FaultMode> => (faultSwitch ? (await faultSwitch())() : 'off');

const checkoutBatch = createCheckoutBatch({
  repository: new DynamoDbOrderRepository(dynamodb, tableName),
  processor: new BatchProcessor(EventType.SQS),
  logger,
  metrics,
  faultMode: currentFaultMode,
  reportDependencyFailures: (failures, functionArn) =>
    reportDependencyFailures(failures, functionArn, breakerReporting),
});

export const handler = middy(checkoutBatch)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
