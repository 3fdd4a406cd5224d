import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDbCircuitBreakerStore } from '../../adapters/dynamodb-circuit-breaker-store';
import {
  type EventSourceMapping,
  isPolling,
  isSettled,
  type LambdaEventSourceMappings,
} from '../../adapters/lambda-event-source-mapping';
import type { SqsLambdaTrial, TrialRun } from '../../adapters/sqs-lambda-trial';
import {
  type CircuitBreaker,
  type CircuitBreakerSettings,
  type CircuitState,
  consumes,
  coolDownElapsed,
  recordFailures,
  type Step,
  trialSucceeded,
} from '../../domain/circuit-breaker';
import { announceTransition } from '../../shared/circuit-breaker-transitions';

export interface CircuitCheckDependencies {
  breakers: DynamoDbCircuitBreakerStore;
  settings: CircuitBreakerSettings;
  mappings: LambdaEventSourceMappings;
  /** The checkout queue's event source mapping, which the breaker switches on and off. */
  mappingId: string;
  trial: SqsLambdaTrial;
  logger: Logger;
  metrics: Metrics;
}

export interface CircuitCheck {
  state: CircuitState;
  mapping: EventSourceMapping;
  trial?: TrialRun | undefined;
}

/** Function errors that mean the trial's orders were judged one by one (all of them failed as poison). */
const JUDGED_EVERY_ORDER = 'FullBatchFailureError';

/**
 * The half-open trial: one batch of the checkout queue, handed to the checkout function by hand. Orders
 * stored without a dependency failing close the circuit; a dependency failure (which the checkout function
 * counts on the breaker itself, reopening it) puts the trial's orders back as fresh copies.
 */
const runTrial = async (
  { breakers, settings, trial, logger }: CircuitCheckDependencies,
  announce: (step: Step) => void,
): Promise<{ breaker: CircuitBreaker; run: TrialRun }> => {
  const run = await trial.run();
  if (run.received === 0) {
    const step = await breakers.change((breaker, now) =>
      trialSucceeded(breaker, 'no order was waiting to try: resuming consumption', now),
    );
    announce(step);
    return { breaker: step.breaker, run };
  }
  if (run.functionError && run.functionError !== JUDGED_EVERY_ORDER) {
    // The function did not get to judge the orders (a timeout, a crash): a failure of the trial.
    announce(await breakers.change((breaker, now) => recordFailures(breaker, 1, now, settings)));
  }
  const { breaker } = await breakers.read();
  if (breaker.state === 'open') {
    await trial.requeue(run.failed);
    logger.warn('The circuit breaker trial failed; its orders are back in the queue', {
      received: run.received,
      failed: run.failed.length,
      functionError: run.functionError,
    });
    return { breaker, run };
  }
  if (run.failed.length < run.received) {
    const stored = run.received - run.failed.length;
    const step = await breakers.change((current, now) =>
      trialSucceeded(current, `the trial stored ${stored} of ${run.received} orders`, now),
    );
    announce(step);
    return { breaker: step.breaker, run };
  }
  // Every order of the trial was a poison message: no evidence either way; the next check tries again.
  logger.info('The circuit breaker trial held only poison messages; trying again at the next check', {
    received: run.received,
  });
  return { breaker, run };
};

/** Makes the event source follow the breaker: consuming when closed, disabled otherwise. */
const reconcileMapping = async (
  state: CircuitState,
  { mappings, mappingId, logger }: CircuitCheckDependencies,
): Promise<EventSourceMapping> => {
  const mapping = await mappings.get(mappingId);
  const wanted = consumes(state);
  if (isPolling(mapping) === wanted) return mapping;
  if (!isSettled(mapping)) {
    logger.info('The checkout event source is changing state; the next check reconciles it', {
      eventSourceMapping: mappingId,
      state: mapping.state,
    });
    return mapping;
  }
  const updated = await mappings.update(mappingId, { enabled: wanted });
  logger.info(
    wanted
      ? 'Checkout processing resumed: the circuit breaker is closed'
      : `Checkout processing stopped: the circuit breaker is ${state}`,
    { eventSourceMapping: mappingId, state: updated.state },
  );
  return updated;
};

/**
 * The breaker's scheduled check: an open circuit whose cool-down is over goes half-open and runs its trial;
 * then the checkout event source is made to follow the breaker's state, and the state is metered
 * (CircuitBreakerOpen: 1 unless closed; the alarm watches it).
 */
export const checkCircuit = async (dependencies: CircuitCheckDependencies): Promise<CircuitCheck> => {
  const { breakers, settings, logger, metrics } = dependencies;
  const announce = (step: Step) => {
    if (step.transition) announceTransition(step.transition, step.breaker, { logger, metrics });
  };
  const cooled = await breakers.change((breaker, now) => coolDownElapsed(breaker, now, settings));
  announce(cooled);
  const { breaker, run } =
    cooled.breaker.state === 'half-open'
      ? await runTrial(dependencies, announce)
      : { breaker: cooled.breaker, run: undefined };
  const mapping = await reconcileMapping(breaker.state, dependencies);
  metrics.addMetric('CircuitBreakerOpen', MetricUnit.Count, consumes(breaker.state) ? 0 : 1);
  logger.info('Checked the circuit breaker', {
    circuitBreaker: { state: breaker.state, reason: breaker.reason, since: breaker.changedAt },
    eventSourceMapping: { uuid: mapping.uuid, state: mapping.state },
  });
  return { state: breaker.state, mapping, trial: run };
};
