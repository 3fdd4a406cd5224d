/**
 * Times on the command line: ISO-8601 with `Z` or an offset (`2026-11-21T10:00Z`, `2026-11-21T11:30:00+01:00`),
 * a UTC date (`2026-11-21`, its midnight), `now`, or a duration ago (`30m`, `2h`, `1d`, `1h30m`).
 */
import { UsageError } from './errors';

export interface TimeRange {
  since: Date;
  until: Date;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const DURATION = /^(?:\d+[smhdw])+$/;
const DURATION_PART = /(\d+)([smhdw])/g;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

export const TIME_FORMS =
  'use ISO-8601 with Z or an offset (2026-11-21T10:00:00Z, 2026-11-21T11:00+01:00), a UTC date (2026-11-21), or a duration ago (30m, 2h, 1d)';

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Milliseconds of a duration such as `90m`, `2h`, `1d` or `1h30m`; undefined when it is not one. */
export const parseDuration = (text: string): number | undefined => {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART))
    total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return total;
};

/** The UTC offset in minutes of `Z`, `+01:00`, `-0530` or `+02`. */
const offsetMinutes = (zone: string): number | undefined => {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
};

const parseIso = (text: string, label: string): Date | undefined => {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const [y, mo, d] = [Number(year), Number(month), Number(day)];
  const [h, mi, s] = [Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new UsageError(`${label}: "${text}" is not a valid date and time`);
  }
  if (hour !== undefined && zone === undefined) {
    throw new UsageError(
      `${label}: "${text}" has no offset: add Z for UTC or an offset such as +01:00 (without one the time is ambiguous)`,
    );
  }
  const offset = zone === undefined ? 0 : offsetMinutes(zone);
  if (offset === undefined) throw new UsageError(`${label}: "${text}" has an invalid offset`);
  const milliseconds = Math.floor(Number(`0.${fraction ?? '0'}`) * 1000);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, milliseconds) - offset * 60_000);
};

/** Parses one time argument; `label` (`--since`) names it in errors. */
export const parseTime = (text: string, now: Date, label = 'time'): Date => {
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError(`${label} needs a value: ${TIME_FORMS}`);
  if (trimmed === 'now') return new Date(now.getTime());
  const duration = parseDuration(trimmed);
  const time = duration === undefined ? parseIso(trimmed, label) : new Date(now.getTime() - duration);
  if (!time) throw new UsageError(`${label}: "${text}" is not a time: ${TIME_FORMS}`);
  if (Number.isNaN(time.getTime()) || time.getUTCFullYear() < 1970) {
    throw new UsageError(`${label}: "${text}" is out of range`);
  }
  return time;
};

/** `--since` (required) and `--until` (default now); `--until` must not be before `--since`. */
export const parseTimeRange = (
  { since, until }: { since?: string | undefined; until?: string | undefined },
  now: Date,
): TimeRange => {
  if (since === undefined) throw new UsageError(`--since is required: ${TIME_FORMS}`);
  const range = {
    since: parseTime(since, now, '--since'),
    until: until === undefined ? new Date(now.getTime()) : parseTime(until, now, '--until'),
  };
  if (range.until < range.since) {
    throw new UsageError(
      `--until (${range.until.toISOString()}) is before --since (${range.since.toISOString()})`,
    );
  }
  return range;
};
