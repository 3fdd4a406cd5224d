/**
 * A replay window: the orders whose time `t` satisfies `since <= t < until` are replayed (the start is
 * inclusive, the end exclusive, so consecutive windows never replay an order twice). An order's time is
 * its `date`, an ISO-8601 date-time with an offset (`Z` or `+hh:mm`); times are compared as instants, so
 * time zones do not matter. An order without a valid date is outside every window.
 */
export interface ReplayWindow {
  since: Date;
  until: Date;
}

export class InvalidReplayWindowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReplayWindowError';
  }
}

const ISO_DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The instant an ISO-8601 date-time with an offset names; undefined for anything else. */
export const parseInstant = (text: unknown): Date | undefined => {
  if (typeof text !== 'string' || !ISO_DATE_TIME_WITH_OFFSET.test(text)) return undefined;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time;
};

/** The window from `since` to `until` (default: now), rejecting what cannot be a window. */
export const replayWindow = (since: Date, until: Date | undefined, now: Date): ReplayWindow => {
  const end = until ?? now;
  if (Number.isNaN(since.getTime()) || Number.isNaN(end.getTime())) {
    throw new InvalidReplayWindowError('The window needs valid times');
  }
  if (since.getTime() >= end.getTime()) {
    throw new InvalidReplayWindowError(
      `The window is empty: since ${since.toISOString()} is not before until ${end.toISOString()}`,
    );
  }
  if (since.getTime() > now.getTime())
    throw new InvalidReplayWindowError(`since ${since.toISOString()} is in the future`);
  return { since, until: end };
};

export const isInWindow = (time: Date, { since, until }: ReplayWindow): boolean =>
  time.getTime() >= since.getTime() && time.getTime() < until.getTime();

/** The time of an order message (its `date`), or undefined when the message has none. */
export const orderTimeOf = (body: string): Date | undefined => {
  try {
    const order = JSON.parse(body) as { date?: unknown } | null;
    return parseInstant(order?.date);
  } catch {
    return undefined;
  }
};

export type ReplayDecision = 'replay' | 'outside-window' | 'no-time';

export const replayDecision = (body: string, window: ReplayWindow): ReplayDecision => {
  const time = orderTimeOf(body);
  if (!time) return 'no-time';
  return isInWindow(time, window) ? 'replay' : 'outside-window';
};
