/**
 * The circuit breaker of checkout processing, as a pure state machine.
 *
 * - closed: orders are consumed. Failures of the dependencies are counted in a fixed window; when they
 *   reach the threshold within it, the circuit opens.
 * - open: nothing is consumed (orders wait in the queue). After the cool-down it goes half-open.
 * - half-open: one small trial runs. Its success closes the circuit; a failure of a dependency opens it
 *   again, for another cool-down.
 *
 * Only failures of the dependencies count: a message that can never be processed (a poison message) is
 * not a sign of an outage.
 */
export const CIRCUIT_STATES = ['closed', 'open', 'half-open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

export interface CircuitBreakerSettings {
  /** Failures of the dependencies, within one window, that open the circuit. */
  failureThreshold: number;
  windowSeconds: number;
  /** How long the circuit stays open before a trial. */
  coolDownSeconds: number;
}

export interface CircuitBreaker {
  state: CircuitState;
  /** Failures counted in the window that started at `windowStartedAt` (closed state). */
  failures: number;
  windowStartedAt?: string | undefined;
  /** When the circuit last changed state (ISO instant). */
  changedAt: string;
  /** Why it is in its state, for people: the last transition's reason. */
  reason: string;
  /** When it last opened; the cool-down counts from there. */
  openedAt?: string | undefined;
  lastFailureAt?: string | undefined;
  /** How often it has opened, ever. */
  trips: number;
}

export interface Transition {
  from: CircuitState;
  to: CircuitState;
  reason: string;
}

/** The breaker after an event, and the transition it made (undefined when it kept its state). */
export interface Step {
  breaker: CircuitBreaker;
  transition?: Transition | undefined;
}

export const initialBreaker = (now: Date): CircuitBreaker => ({
  state: 'closed',
  failures: 0,
  changedAt: now.toISOString(),
  reason: 'initial state',
  trips: 0,
});

const moveTo = (breaker: CircuitBreaker, to: CircuitState, reason: string, now: Date): Step => {
  const at = now.toISOString();
  const next: CircuitBreaker = {
    ...breaker,
    state: to,
    changedAt: at,
    reason,
    failures: 0,
    windowStartedAt: undefined,
    ...(to === 'open' ? { openedAt: at, trips: breaker.trips + (breaker.state === 'closed' ? 1 : 0) } : {}),
  };
  return { breaker: next, transition: { from: breaker.state, to, reason } };
};

const seconds = (from: string | undefined, to: Date) =>
  from === undefined ? Number.POSITIVE_INFINITY : (to.getTime() - new Date(from).getTime()) / 1000;

/** Dependency failures of one batch (or one trial). */
export const recordFailures = (
  breaker: CircuitBreaker,
  count: number,
  now: Date,
  settings: CircuitBreakerSettings,
): Step => {
  if (count <= 0) return { breaker };
  const lastFailureAt = now.toISOString();
  if (breaker.state === 'half-open') {
    return moveTo(
      { ...breaker, lastFailureAt },
      'open',
      'the trial failed: a dependency is still failing',
      now,
    );
  }
  if (breaker.state === 'open') return { breaker: { ...breaker, lastFailureAt } };
  const windowOpen = seconds(breaker.windowStartedAt, now) < settings.windowSeconds;
  const failures = (windowOpen ? breaker.failures : 0) + count;
  const counted: CircuitBreaker = {
    ...breaker,
    failures,
    windowStartedAt: windowOpen ? breaker.windowStartedAt : lastFailureAt,
    lastFailureAt,
  };
  if (failures < settings.failureThreshold) return { breaker: counted };
  return moveTo(
    counted,
    'open',
    `${failures} failures of the dependencies within ${settings.windowSeconds} s (threshold ${settings.failureThreshold})`,
    now,
  );
};

/** The scheduled check: an open circuit whose cool-down has passed goes half-open. */
export const coolDownElapsed = (
  breaker: CircuitBreaker,
  now: Date,
  settings: CircuitBreakerSettings,
): Step =>
  breaker.state === 'open' && seconds(breaker.openedAt ?? breaker.changedAt, now) >= settings.coolDownSeconds
    ? moveTo(breaker, 'half-open', `cool-down of ${settings.coolDownSeconds} s over: trying one batch`, now)
    : { breaker };

/** A trial that processed orders without a dependency failing closes the circuit. */
export const trialSucceeded = (breaker: CircuitBreaker, reason: string, now: Date): Step =>
  breaker.state === 'half-open' ? moveTo(breaker, 'closed', reason, now) : { breaker };

/** Whether checkout processing should consume its queue in this state. */
export const consumes = (state: CircuitState) => state === 'closed';

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/** An instant as the breaker stores them (ISO text); a date that is not one would compare as NaN. */
const isInstant = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value));

/**
 * A breaker read from storage, checked: undefined when it is not one. An optional instant that is not one is
 * dropped (an `openedAt` that is not a date would otherwise hold the circuit open for ever).
 */
export const parseBreaker = (item: Record<string, unknown> | undefined): CircuitBreaker | undefined => {
  if (!item) return undefined;
  const { state, failures, changedAt, reason, trips } = item;
  if (!CIRCUIT_STATES.includes(state as CircuitState)) return undefined;
  if (!isCount(failures) || !isInstant(changedAt) || !isCount(trips)) return undefined;
  const optional = (name: string) => (isInstant(item[name]) ? item[name] : undefined);
  return {
    state: state as CircuitState,
    failures,
    changedAt,
    reason: typeof reason === 'string' ? reason : '',
    trips,
    windowStartedAt: optional('windowStartedAt'),
    openedAt: optional('openedAt'),
    lastFailureAt: optional('lastFailureAt'),
  };
};
