import type { CircuitBreaker, CircuitBreakerSettings } from '../../src/domain/circuit-breaker';

/** Settings as small as the template's defaults (3 failures within 60 s, 60 s of cool-down). */
export const BREAKER_SETTINGS: CircuitBreakerSettings = {
  failureThreshold: 3,
  windowSeconds: 60,
  coolDownSeconds: 60,
};

/** The instant the breaker tests start at. */
export const BREAKER_EPOCH = new Date('2026-11-21T10:00:00.000Z');

/** `seconds` after `from` (BREAKER_EPOCH by default). */
export const secondsAfter = (seconds: number, from: Date = BREAKER_EPOCH) =>
  new Date(from.getTime() + seconds * 1000);

/** A closed breaker with no failures counted; `overrides` replace its fields. */
export const aClosedBreaker = (
  overrides: Partial<CircuitBreaker> = {},
  at: Date = BREAKER_EPOCH,
): CircuitBreaker => ({
  state: 'closed',
  failures: 0,
  changedAt: at.toISOString(),
  reason: 'initial state',
  trips: 0,
  ...overrides,
});

/** A closed breaker that counted `failures` in the window that started at `windowStartedAt`. */
export const aCountingBreaker = (failures: number, windowStartedAt: Date = BREAKER_EPOCH): CircuitBreaker =>
  aClosedBreaker({
    failures,
    windowStartedAt: windowStartedAt.toISOString(),
    lastFailureAt: windowStartedAt.toISOString(),
  });

/** A breaker that opened at `openedAt` (its first trip unless `overrides` say otherwise). */
export const anOpenBreaker = (
  openedAt: Date = BREAKER_EPOCH,
  overrides: Partial<CircuitBreaker> = {},
): CircuitBreaker => ({
  state: 'open',
  failures: 0,
  changedAt: openedAt.toISOString(),
  reason: '3 failures of the dependencies within 60 s (threshold 3)',
  openedAt: openedAt.toISOString(),
  lastFailureAt: openedAt.toISOString(),
  trips: 1,
  ...overrides,
});

/** A breaker that went half-open at `at`, after opening `BREAKER_SETTINGS.coolDownSeconds` before. */
export const aHalfOpenBreaker = (
  at: Date = BREAKER_EPOCH,
  overrides: Partial<CircuitBreaker> = {},
): CircuitBreaker =>
  anOpenBreaker(secondsAfter(-BREAKER_SETTINGS.coolDownSeconds, at), {
    state: 'half-open',
    changedAt: at.toISOString(),
    reason: 'cool-down of 60 s over: trying one batch',
    ...overrides,
  });

/** The breaker's item as its table holds it (key `circuit` = `checkout`, with its optimistic version). */
export const aBreakerItem = (breaker: CircuitBreaker, version = 1): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries({ circuit: 'checkout', ...breaker, version }).filter(([, value]) => value !== undefined),
  );
