import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CircuitBreaker, CircuitState, Transition } from '../domain/circuit-breaker';

/** One metric per state the breaker moves to (namespace CheckoutOrders), beside the CircuitBreakerOpen gauge. */
export const TRANSITION_METRICS: Record<CircuitState, string> = {
  open: 'CircuitBreakerOpened',
  'half-open': 'CircuitBreakerHalfOpened',
  closed: 'CircuitBreakerClosed',
};

/** Every transition is a log line (WARN when the circuit opens) and a metric. */
export const announceTransition = (
  transition: Transition,
  breaker: CircuitBreaker,
  { logger, metrics }: { logger: Logger; metrics: Metrics },
) => {
  const details = {
    circuitBreaker: {
      from: transition.from,
      to: transition.to,
      reason: transition.reason,
      trips: breaker.trips,
    },
  };
  const message = `Checkout circuit breaker ${transition.from} -> ${transition.to}: ${transition.reason}`;
  if (transition.to === 'open') logger.warn(message, details);
  else logger.info(message, details);
  metrics.addMetric(TRANSITION_METRICS[transition.to], MetricUnit.Count, 1);
};
