import { UsageError } from '../../../../cli/shared/errors';
import { parseDuration, parseTime, parseTimeRange } from '../../../../cli/shared/time';

const NOW = new Date('2026-11-21T10:15:30.000Z');

describe('parsing a time argument', () => {
  it.each([
    ['2026-11-21T10:00:00Z', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21T10:00Z', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21T10Z', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21t10:00:00z', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21 10:00:00Z', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21T10:00:00.250Z', '2026-11-21T10:00:00.250Z'],
    ['2026-11-21T11:30:00+01:00', '2026-11-21T10:30:00.000Z'],
    ['2026-11-21T05:00:00-0530', '2026-11-21T10:30:00.000Z'],
    ['2026-11-21T12:00+02', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21T00:30:00+01:00', '2026-11-20T23:30:00.000Z'],
    ['2026-11-21', '2026-11-21T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('reads the ISO-8601 time %s as %s', (text, expected) => {
    expect(parseTime(text, NOW).toISOString()).toBe(expected);
  });

  it.each([
    ['30m', '2026-11-21T09:45:30.000Z'],
    ['2h', '2026-11-21T08:15:30.000Z'],
    ['1d', '2026-11-20T10:15:30.000Z'],
    ['1w', '2026-11-14T10:15:30.000Z'],
    ['1h30m', '2026-11-21T08:45:30.000Z'],
    ['45s', '2026-11-21T10:14:45.000Z'],
    ['0m', '2026-11-21T10:15:30.000Z'],
    ['now', '2026-11-21T10:15:30.000Z'],
  ])('reads the relative time %s as that long before now (%s)', (text, expected) => {
    expect(parseTime(text, NOW).toISOString()).toBe(expected);
  });

  it('reads durations in milliseconds and refuses anything else', () => {
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('2x')).toBeUndefined();
    expect(parseDuration('h')).toBeUndefined();
  });

  it.each(['yesterday', '2h ago', '-2h', '2H', '1.5h', '21/11/2026', '2026-11-21T10:00:00ZZ', '1763719200'])(
    'refuses %s with a usage error that shows the accepted forms',
    (text) => {
      expect(() => parseTime(text, NOW, '--since')).toThrow(UsageError);
      expect(() => parseTime(text, NOW, '--since')).toThrow(/--since: ".*" is not a time: use ISO-8601/);
    },
  );

  it('refuses a date and time without an offset, saying how to add one', () => {
    expect(() => parseTime('2026-11-21T10:00:00', NOW, '--since')).toThrow(
      '--since: "2026-11-21T10:00:00" has no offset: add Z for UTC or an offset such as +01:00',
    );
  });

  it.each(['2026-02-29', '2026-13-01', '2026-11-31T10:00Z', '2026-11-21T24:00Z', '2026-11-21T10:60Z'])(
    'refuses the impossible date or time %s',
    (text) => {
      expect(() => parseTime(text, NOW, '--until')).toThrow(
        `--until: "${text}" is not a valid date and time`,
      );
    },
  );

  it('refuses an offset beyond 23:59', () => {
    expect(() => parseTime('2026-11-21T10:00+24:00', NOW)).toThrow('has an invalid offset');
  });

  it('refuses an empty value and a duration that reaches before 1970', () => {
    expect(() => parseTime(' ', NOW, '--since')).toThrow('--since needs a value');
    expect(() => parseTime('99999999d', NOW, '--since')).toThrow('--since: "99999999d" is out of range');
  });
});

describe('parsing a time range', () => {
  it('defaults --until to now', () => {
    expect(parseTimeRange({ since: '2h' }, NOW)).toEqual({
      since: new Date('2026-11-21T08:15:30.000Z'),
      until: NOW,
    });
  });

  it('accepts an empty range where --until equals --since', () => {
    const range = parseTimeRange({ since: '2026-11-21T10:00Z', until: '2026-11-21T11:00+01:00' }, NOW);
    expect(range.until).toEqual(range.since);
  });

  it('requires --since', () => {
    expect(() => parseTimeRange({ until: '1h' }, NOW)).toThrow('--since is required');
  });

  it('refuses an --until before --since, naming both times', () => {
    expect(() => parseTimeRange({ since: '2026-11-21T10:00Z', until: '2026-11-20T10:00Z' }, NOW)).toThrow(
      new UsageError('--until (2026-11-20T10:00:00.000Z) is before --since (2026-11-21T10:00:00.000Z)'),
    );
    expect(() => parseTimeRange({ since: '1h', until: '2h' }, NOW)).toThrow(UsageError);
  });
});
