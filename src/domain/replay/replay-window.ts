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

const ISO_DATE_TIME_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number) =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** The instant an ISO-8601 date-time with an offset names; undefined for anything else. */
export const parseInstant = (text: unknown): Date | undefined => {
  if (typeof text !== 'string') return undefined;
  const match = ISO_DATE_TIME_WITH_OFFSET.exec(text);
  if (!match) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((field) => Number(field ?? 0));
  // `Date` would roll 2026-02-30 over into March and 24:00 into the next day: those are no dates.
  const isRealDateTime =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59;
  if (!isRealDateTime || second > 59) return undefined;
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
