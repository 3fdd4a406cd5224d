import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer per function module, configured from the environment
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL, ...).
 */
export const createPowertools = () => ({
  logger: new Logger(),
  metrics: new Metrics(),
  tracer: new Tracer(),
});

export type Powertools = ReturnType<typeof createPowertools>;
