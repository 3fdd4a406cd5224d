import {
  evaluatePrefix,
  formatTimestamp,
  objectName,
  PrefixError,
  randomString,
} from '../../../../local/firehose/prefix';

const at = (iso: string) => new Date(iso);

describe('formatTimestamp', () => {
  const time = at('2024-03-07T05:09:02.045Z');

  it.each([
    ['yyyy/MM/dd/HH', '2024/03/07/05'],
    ['yyyy-MM-dd-HH-mm-ss', '2024-03-07-05-09-02'],
    ['yy', '24'],
    ['mm', '09'],
    ['ss', '02'],
    ['SSS', '045'],
    ['M/d/H/m/s', '3/7/5/9/2'],
  ])('formats %s as %s', (pattern, expected) => {
    expect(formatTimestamp(pattern, time)).toBe(expected);
  });

  it("keeps quoted literals as text, with '' as a quote", () => {
    expect(formatTimestamp("'year='yyyy'/month='MM", time)).toBe('year=2024/month=03');
    expect(formatTimestamp("yyyy'-'MM'-'dd", time)).toBe('2024-03-07');
    expect(formatTimestamp("'it''s' yyyy ''", time)).toBe("it's 2024 '");
  });

  it('keeps characters that are not pattern letters as they are', () => {
    expect(formatTimestamp('yyyy_MM.dd=HH', time)).toBe('2024_03.07=05');
  });

  it('formats in UTC, whatever the instant was written with', () => {
    expect(formatTimestamp('yyyy/MM/dd/HH', at('2024-03-07T01:30:00+05:00'))).toBe('2024/03/06/20');
  });

  it.each([
    ['the last second of a day', '2024-03-06T23:59:59.999Z', '2024/03/06/23/59/59'],
    ['the first second of the next day', '2024-03-07T00:00:00.000Z', '2024/03/07/00/00/00'],
    ['the end of February in a leap year', '2024-02-29T23:59:59Z', '2024/02/29/23/59/59'],
    ['the first of March after it', '2024-03-01T00:00:00Z', '2024/03/01/00/00/00'],
    ['the last second of a year', '2023-12-31T23:59:59Z', '2023/12/31/23/59/59'],
    ['the first second of the next year', '2024-01-01T00:00:00Z', '2024/01/01/00/00/00'],
  ])('puts %s on its own UTC date', (_, iso, expected) => {
    expect(formatTimestamp('yyyy/MM/dd/HH/mm/ss', at(iso))).toBe(expected);
  });

  it('pads a year before 1000 to four digits', () => {
    expect(formatTimestamp('yyyy', at('0999-01-01T00:00:00Z'))).toBe('0999');
  });

  it.each([
    ['EEE', 'a day-of-week name'],
    ['hh', 'a 12-hour clock'],
    ['yyyy/MM/dd a', 'an AM/PM marker'],
    ['yyy', 'a three-letter year'],
  ])('refuses %s (%s) instead of writing the letters as text', (pattern) => {
    expect(() => formatTimestamp(pattern, time)).toThrow(PrefixError);
  });

  it('refuses an unterminated quote', () => {
    expect(() => formatTimestamp("yyyy'/MM", time)).toThrow(/unterminated quote/);
  });
});

describe('evaluatePrefix', () => {
  const timestamp = at('2021-11-30T22:15:00Z');

  it('evaluates timestamp expressions in place and keeps the text around them', () => {
    expect(evaluatePrefix('orders/!{timestamp:yyyy/MM/dd/HH}/', { timestamp })).toBe('orders/2021/11/30/22/');
  });

  it('evaluates every timestamp expression of a prefix at the same instant', () => {
    expect(
      evaluatePrefix('y=!{timestamp:yyyy}/m=!{timestamp:MM}/d=!{timestamp:dd}/h=!{timestamp:HH}/', {
        timestamp,
      }),
    ).toBe('y=2021/m=11/d=30/h=22/');
  });

  it('appends the default yyyy/MM/dd/HH/ to a prefix without expressions', () => {
    expect(evaluatePrefix('archive/', { timestamp })).toBe('archive/2021/11/30/22/');
    expect(evaluatePrefix('', { timestamp })).toBe('2021/11/30/22/');
  });

  it('appends nothing to a prefix that has an expression', () => {
    expect(evaluatePrefix('x/!{timestamp:yyyy}/', { timestamp })).toBe('x/2021/');
  });

  it('evaluates firehose:random-string to 11 lowercase letters and digits, different each time', () => {
    const first = evaluatePrefix('r=!{firehose:random-string}/', { timestamp });
    const second = evaluatePrefix('r=!{firehose:random-string}/', { timestamp });
    expect(first).toMatch(/^r=[a-z0-9]{11}\/$/);
    expect(second).toMatch(/^r=[a-z0-9]{11}\/$/);
    expect(first).not.toBe(second);
    expect(randomString(5)).toMatch(/^[a-z0-9]{5}$/);
  });

  it('evaluates firehose:error-output-type in an error prefix to the type of failure', () => {
    expect(
      evaluatePrefix('errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/', {
        timestamp,
        errorOutputType: 'processing-failed',
      }),
    ).toBe('errors/processing-failed/2021/11/30/22/');
  });

  it('refuses firehose:error-output-type outside an error prefix', () => {
    expect(() => evaluatePrefix('data/!{firehose:error-output-type}/', { timestamp })).toThrow(
      /only allowed in the error output prefix/,
    );
  });

  it.each([
    ['a partition key from a query', 'p/!{partitionKeyFromQuery:customer}/'],
    ['a partition key from the Lambda', 'p/!{partitionKeyFromLambda:customer}/'],
    ['an unknown firehose value', 'p/!{firehose:stream-name}/'],
    ['an unknown namespace', 'p/!{date:yyyy}/'],
  ])('refuses %s as unsupported', (_, prefix) => {
    expect(() => evaluatePrefix(prefix, { timestamp, errorOutputType: 'processing-failed' })).toThrow(
      /is not supported by the local delivery stream/,
    );
  });

  it('refuses an expression without a namespace and value, or without its closing brace', () => {
    expect(() => evaluatePrefix('p/!{timestamp}/', { timestamp })).toThrow(PrefixError);
    expect(() => evaluatePrefix('p/!{timestamp:yyyy', { timestamp })).toThrow(PrefixError);
  });

  it('refuses a timestamp pattern it cannot evaluate', () => {
    expect(() => evaluatePrefix('p/!{timestamp:yyyy-ww}/', { timestamp })).toThrow(PrefixError);
  });
});

describe('objectName', () => {
  it('is <stream>-1-<yyyy-MM-dd-HH-mm-ss>-<uuid><extension> in UTC', () => {
    const uuid = '2b1c0ad4-2f0e-4b4b-9a31-6b3a3c0b8f11';
    expect(objectName('orders-archive', at('2024-01-02T03:04:05.678Z'), uuid, '.gz')).toBe(
      `orders-archive-1-2024-01-02-03-04-05-${uuid}.gz`,
    );
    expect(objectName('s', at('2024-12-31T23:59:59Z'), 'u', '')).toBe('s-1-2024-12-31-23-59-59-u');
  });
});
