import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { RecordScopedLogger } from './record-scoped-logger';

/**
 * One logger, metrics and tracer per function module, configured from the environment
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL, ...). The logger is a
 * Powertools Logger in every function; a batch's records can scope their keys with `withRecordScope`.
 */
export const createPowertools = () => ({
  logger: new RecordScopedLogger(),
  metrics: new Metrics(),
  tracer: new Tracer(),
});

export type Powertools = ReturnType<typeof createPowertools>;
