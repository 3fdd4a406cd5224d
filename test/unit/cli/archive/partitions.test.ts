import {
  describePartitions,
  HOUR_MS,
  hourlyPartitions,
  hourStart,
  MAX_PARTITIONS,
  normalisePrefix,
  partitionPrefix,
} from '../../../../cli/archive/partitions';
import { UsageError } from '../../../../cli/shared/errors';

const at = (iso: string) => new Date(iso);
const prefixes = (since: string, until: string) =>
  hourlyPartitions({ since: at(since), until: at(until) }).map((hour) => partitionPrefix('orders/', hour));

describe('the hourly partitions of a time range', () => {
  it('are every UTC hour the range overlaps, from the hour of --since', () => {
    expect(prefixes('2026-11-21T10:30:00Z', '2026-11-21T12:05:00Z')).toEqual([
      'orders/2026/11/21/10/',
      'orders/2026/11/21/11/',
      'orders/2026/11/21/12/',
    ]);
  });

  it('leave out the hour that an --until on the hour only starts', () => {
    expect(prefixes('2026-11-21T10:00:00Z', '2026-11-21T12:00:00Z')).toEqual([
      'orders/2026/11/21/10/',
      'orders/2026/11/21/11/',
    ]);
  });

  it('are the one hour of an empty range, or of a range within one hour', () => {
    expect(prefixes('2026-11-21T10:00:00Z', '2026-11-21T10:00:00Z')).toEqual(['orders/2026/11/21/10/']);
    expect(prefixes('2026-11-21T10:10:00Z', '2026-11-21T10:50:00Z')).toEqual(['orders/2026/11/21/10/']);
  });

  it('cross a day boundary', () => {
    expect(prefixes('2026-11-21T22:30:00Z', '2026-11-22T01:30:00Z')).toEqual([
      'orders/2026/11/21/22/',
      'orders/2026/11/21/23/',
      'orders/2026/11/22/00/',
      'orders/2026/11/22/01/',
    ]);
  });

  it('cross month and year boundaries, and know leap days', () => {
    expect(prefixes('2026-11-30T23:00:00Z', '2026-12-01T00:30:00Z')).toEqual([
      'orders/2026/11/30/23/',
      'orders/2026/12/01/00/',
    ]);
    expect(prefixes('2026-12-31T23:59:59Z', '2027-01-01T00:00:01Z')).toEqual([
      'orders/2026/12/31/23/',
      'orders/2027/01/01/00/',
    ]);
    expect(prefixes('2028-02-28T23:00:00Z', '2028-03-01T00:00:01Z')).toHaveLength(26);
    expect(prefixes('2028-02-28T23:00:00Z', '2028-03-01T00:00:01Z')).toContain('orders/2028/02/29/12/');
  });

  it('are in UTC, whatever offset the times were given in', () => {
    expect(prefixes('2026-11-21T01:30:00+02:00', '2026-11-21T02:00:00+02:00')).toEqual([
      'orders/2026/11/20/23/',
    ]);
  });

  it('refuse a range that ends before it starts', () => {
    expect(() =>
      hourlyPartitions({ since: at('2026-11-21T10:00:00Z'), until: at('2026-11-21T09:59:59Z') }),
    ).toThrow(UsageError);
  });

  it('refuse more than a leap year of hours, asking for a narrower range', () => {
    const since = at('2026-01-01T00:00:00Z');
    expect(
      hourlyPartitions({ since, until: new Date(since.getTime() + MAX_PARTITIONS * HOUR_MS) }),
    ).toHaveLength(MAX_PARTITIONS);
    expect(() => hourlyPartitions({ since, until: at('2028-01-01T00:00:00Z') })).toThrow(
      /spans 17520 hourly partitions; at most 8784 .* narrow --since\/--until/,
    );
  });

  it('start on the hour', () => {
    expect(hourStart(at('2026-11-21T10:59:59.999Z'))).toEqual(at('2026-11-21T10:00:00Z'));
  });

  it('are described from the first hour to the end of the last, in UTC', () => {
    expect(
      describePartitions(
        hourlyPartitions({ since: at('2026-11-21T10:30Z'), until: at('2026-11-21T12:05Z') }),
      ),
    ).toBe('2026-11-21 10:00 to 2026-11-21 13:00 UTC');
    expect(describePartitions([at('2026-12-31T23:00Z')])).toBe('2026-12-31 23:00 to 2027-01-01 00:00 UTC');
  });
});

describe('the prefix above the partitions', () => {
  it('ends with one slash and starts with none', () => {
    expect(normalisePrefix('orders')).toBe('orders/');
    expect(normalisePrefix('orders/')).toBe('orders/');
    expect(normalisePrefix('/archive/orders')).toBe('archive/orders/');
  });

  it('is a fixed folder, not a Firehose expression', () => {
    expect(() => normalisePrefix('orders/!{timestamp:yyyy/MM/dd/HH}/')).toThrow(UsageError);
    expect(() => normalisePrefix('/')).toThrow('--prefix needs a value');
  });
});
