import type { Tracer } from '@aws-lambda-powertools/tracer';
import { loadOnce } from '../shared/load-once';
import type { LambdaEventSourceMappings } from './lambda-event-source-mapping';

/** The event source mapping adapter, for functions that need it only now and then. */
export type EventSourceMappingsOnDemand = () => Promise<LambdaEventSourceMappings>;

/**
 * Creates the Lambda client and its event source mapping adapter on the first call, once (`loadOnce`),
 * rather than at every cold start: for functions that change a mapping only on rare paths (a circuit breaker opening, a replay completing), the Lambda client would
 * be most of what their module initialisation loads and never uses. The tracer captures the client as
 * it would at init.
 */
export const eventSourceMappingsOnDemand = (tracer: Tracer): EventSourceMappingsOnDemand =>
  loadOnce(() =>
    import('./lambda-event-source-mapping').then(({ lambdaEventSourceMappingsWithOwnClient }) =>
      lambdaEventSourceMappingsWithOwnClient((client) => tracer.captureAWSv3Client(client)),
    ),
  );
