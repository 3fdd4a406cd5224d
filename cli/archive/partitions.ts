/**
 * The archive's hourly partitions: Firehose writes each object under `<prefix>yyyy/MM/dd/HH/` for the UTC
 * hour in which its oldest record arrived (`orders/!{timestamp:yyyy/MM/dd/HH}/`). A time range
 * [since, until) selects every hour it overlaps: `--since 10:30Z --until 12:00Z` reads hours 10 and 11,
 * and an empty range (since = until) the hour it falls in.
 */
import { formatTimestamp } from '../../local/firehose/prefix';
import { UsageError } from '../shared/errors';
import type { TimeRange } from '../shared/time';

export const HOUR_MS = 3_600_000;

/** At most a leap year of hours per run: a mistyped year should not start 100,000 list requests. */
export const MAX_PARTITIONS = 366 * 24;

export const PARTITION_PATTERN = 'yyyy/MM/dd/HH/';

export const hourStart = (time: Date): Date => new Date(Math.floor(time.getTime() / HOUR_MS) * HOUR_MS);

/** The start of every UTC hour that the range touches, oldest first. */
export const hourlyPartitions = ({ since, until }: TimeRange): Date[] => {
  if (until < since) throw new UsageError('the end of the time range is before its start');
  const first = hourStart(since).getTime();
  // The range is [since, until): an --until on the hour does not read the hour it starts.
  const last = (until > since ? hourStart(new Date(until.getTime() - 1)) : hourStart(since)).getTime();
  const count = (last - first) / HOUR_MS + 1;
  if (count > MAX_PARTITIONS) {
    throw new UsageError(
      `the time range spans ${count} hourly partitions; at most ${MAX_PARTITIONS} (366 days) per run: narrow --since/--until`,
    );
  }
  return Array.from({ length: count }, (_, index) => new Date(first + index * HOUR_MS));
};

/** The folder above the partitions, ending with `/`: `orders` and `orders/` are both `orders/`. */
export const normalisePrefix = (prefix: string): string => {
  const trimmed = prefix.trim().replace(/^\/+/, '');
  if (trimmed.includes('!{')) {
    throw new UsageError(
      `--prefix is the fixed folder above the yyyy/MM/dd/HH/ partitions (orders/), not a Firehose expression: "${prefix}"`,
    );
  }
  if (trimmed === '') throw new UsageError('--prefix needs a value such as orders/');
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
};

/** `orders/` and 2026-11-21T10:00Z give `orders/2026/11/21/10/`. */
export const partitionPrefix = (prefix: string, hour: Date): string =>
  `${prefix}${formatTimestamp(PARTITION_PATTERN, hour)}`;

const hourLabel = (time: Date) => formatTimestamp('yyyy-MM-dd HH:00', time);

/** `2026-11-21 10:00 to 2026-11-21 13:00 UTC`: from the first partition's start to the last one's end. */
export const describePartitions = (hours: readonly Date[]): string => {
  const first = hours[0];
  const last = hours[hours.length - 1];
  if (!first || !last) return 'no hours';
  return `${hourLabel(first)} to ${hourLabel(new Date(last.getTime() + HOUR_MS))} UTC`;
};
