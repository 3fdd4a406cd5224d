import {
  errorOutputTypeOf,
  isQuarantined,
  jsonLines,
  matchesOrder,
  summariseErrorRecord,
} from '../../../../cli/archive/records';

describe('reading JSON lines', () => {
  it('parses every non-blank line and keeps its text and number', () => {
    expect(jsonLines('{"id":"a"}\n\n{"id": "b"}\r\n')).toEqual([
      { line: 1, text: '{"id":"a"}', value: { id: 'a' }, valid: true },
      { line: 3, text: '{"id": "b"}', value: { id: 'b' }, valid: true },
    ]);
  });

  it('keeps a line that is not JSON, marked invalid', () => {
    expect(jsonLines('{"id":"a"}\n{"half')).toEqual([
      { line: 1, text: '{"id":"a"}', value: { id: 'a' }, valid: true },
      { line: 2, text: '{"half', value: undefined, valid: false },
    ]);
  });
});

describe('filtering orders', () => {
  const order = { id: 'o-1', customer: { id: 'c-1', name: 'Ada' } };

  it('matches every order without a filter', () => {
    expect(matchesOrder(order, {})).toBe(true);
    expect(matchesOrder('not an order', {})).toBe(true);
  });

  it('matches on the order id and on the customer id, both when both are given', () => {
    expect(matchesOrder(order, { id: 'o-1' })).toBe(true);
    expect(matchesOrder(order, { id: 'o-2' })).toBe(false);
    expect(matchesOrder(order, { customer: 'c-1' })).toBe(true);
    expect(matchesOrder(order, { customer: 'c-2' })).toBe(false);
    expect(matchesOrder(order, { id: 'o-1', customer: 'c-2' })).toBe(false);
  });

  it('does not match a value that is not an order object', () => {
    expect(matchesOrder(['o-1'], { id: 'o-1' })).toBe(false);
    expect(matchesOrder({ id: 'o-1' }, { customer: 'c-1' })).toBe(false);
  });
});

describe('recognising a quarantine document', () => {
  it('is an object holding only a quarantine object', () => {
    expect(isQuarantined({ quarantine: { reason: 'the record is empty', maskedText: '' } })).toBe(true);
  });

  it.each([
    ['an order', { id: 'o-1' }],
    ['an order with a field named quarantine', { id: 'o-1', quarantine: { reason: 'x' } }],
    ['a quarantine that is not an object', { quarantine: 'yes' }],
    ['not an object', 'quarantine'],
  ])('is not %s', (_, value) => {
    expect(isQuarantined(value)).toBe(false);
  });
});

describe('summarising an error record', () => {
  const record = {
    attemptsMade: 4,
    arrivalTimestamp: Date.parse('2026-11-21T10:15:00Z'),
    errorCode: 'Lambda.ProcessingFailedStatus',
    errorMessage: 'ProcessingFailed status is returned for the record.',
    attemptEndingTimestamp: Date.parse('2026-11-21T10:15:02Z'),
    rawData: Buffer.from('{"payment":{"card":{"number":"4111 1111 1111 1111"}').toString('base64'),
    lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:transform',
  };
  const where = { key: 'errors/processing-failed/2026/11/21/10/x.gz', errorOutputType: 'processing-failed' };

  it('shows the code, message, attempts, times and raw data length, never the raw data', () => {
    const summary = summariseErrorRecord(record, { ...where, showRaw: false });
    expect(summary).toEqual({
      ...where,
      errorCode: 'Lambda.ProcessingFailedStatus',
      errorMessage: 'ProcessingFailed status is returned for the record.',
      attemptsMade: 4,
      arrivalTime: '2026-11-21T10:15:00.000Z',
      attemptEndingTime: '2026-11-21T10:15:02.000Z',
      lambdaArn: record.lambdaArn,
      rawDataBytes: 51,
    });
    expect(JSON.stringify(summary)).not.toContain('4111');
    expect(JSON.stringify(summary)).not.toContain(record.rawData);
  });

  it('adds the raw data with --show-raw: as text when it is UTF-8, as base64 otherwise', () => {
    expect(summariseErrorRecord(record, { ...where, showRaw: true }).rawData).toBe(
      '{"payment":{"card":{"number":"4111 1111 1111 1111"}',
    );
    const binary = summariseErrorRecord(
      { ...record, rawData: Buffer.from([0xff, 0xfe]).toString('base64') },
      {
        ...where,
        showRaw: true,
      },
    );
    expect(binary).toMatchObject({ rawDataBytes: 2, rawDataBase64: '//4=' });
    expect(binary.rawData).toBeUndefined();
  });

  it('copes with a record that lacks fields', () => {
    expect(summariseErrorRecord({}, { ...where, showRaw: false })).toEqual({
      ...where,
      errorCode: null,
      errorMessage: null,
      attemptsMade: null,
      arrivalTime: null,
      attemptEndingTime: null,
      rawDataBytes: 0,
    });
  });

  it('reads the error output type from the key', () => {
    expect(errorOutputTypeOf('errors/', where.key)).toBe('processing-failed');
  });
});
