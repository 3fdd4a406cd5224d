import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDbCircuitBreakerStore } from '../../adapters/dynamodb-circuit-breaker-store';
import { isPolling } from '../../adapters/event-source-mapping-state';
import type { LambdaEventSourceMappings } from '../../adapters/lambda-event-source-mapping';
import { type CircuitBreakerSettings, recordFailures } from '../../domain/circuit-breaker';
import { announceTransition } from '../../shared/circuit-breaker-transitions';
import { ConflictingOrderError, InvalidOrderMessageError } from './store-order';

/**
 * Whether an order failed because a dependency failed (the table, the network, a simulated outage), as
 * opposed to a message that can never succeed (a poison message or a conflicting order): only the former
 * are signs of an outage, and count on the circuit breaker.
 */
export const isDependencyFailure = (error: unknown) =>
  !(error instanceof InvalidOrderMessageError || error instanceof ConflictingOrderError);

export interface BreakerReporting {
  breakers: DynamoDbCircuitBreakerStore;
  settings: CircuitBreakerSettings;
  /**
   * Lambda's event source mappings, on first use: they are needed only when the breaker opens, so the
   * function loads the Lambda client then rather than at every cold start.
   */
  mappings: () => Promise<Pick<LambdaEventSourceMappings, 'find' | 'update'>>;
  /** The queue the function consumes: its mapping is the one the breaker switches off. */
  queueArn: string;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Counts a batch's dependency failures on the circuit breaker. When they open it, the function disables
 * its own event source at once, so that orders wait in the queue instead of using up their receives; the
 * breaker's scheduled check takes it from there (and disables the mapping itself if this call fails).
 */
export const reportDependencyFailures = async (
  failures: number,
  functionArn: string,
  { breakers, settings, mappings, queueArn, logger, metrics }: BreakerReporting,
): Promise<void> => {
  if (failures === 0) return;
  const step = await breakers.change((breaker, now) => recordFailures(breaker, failures, now, settings));
  if (!step.transition) return;
  announceTransition(step.transition, step.breaker, { logger, metrics });
  if (step.transition.to !== 'open') return;
  const lambda = await mappings();
  const mapping = await lambda.find(functionArn, queueArn);
  if (!mapping) {
    logger.error(
      'The circuit breaker opened but no event source mapping feeds this function from its queue',
      {
        functionArn,
        queueArn,
      },
    );
    return;
  }
  if (isPolling(mapping)) {
    const disabled = await lambda.update(mapping.uuid, { enabled: false });
    logger.warn('Checkout processing stopped: orders wait in the queue until the circuit breaker closes', {
      eventSourceMapping: mapping.uuid,
      state: disabled.state,
    });
  }
};
