import { invalidTransformResponse } from '../../../../local/firehose/delivery-stream';

const records = ['r-1', 'r-2', 'r-3'].map((recordId) => ({
  recordId,
  data: Buffer.from(`{"id":"${recordId}"}`),
  arrivalTimestamp: 1_700_000_000_000,
}));

const ok = (recordId: string) => ({ recordId, result: 'Ok', data: Buffer.from('x').toString('base64') });

describe('invalidTransformResponse', () => {
  it('accepts a response that answers every record once, in any order and with any valid result', () => {
    expect(
      invalidTransformResponse(records, {
        records: [
          { recordId: 'r-3', result: 'ProcessingFailed', data: '' },
          ok('r-1'),
          { recordId: 'r-2', result: 'Dropped' },
        ],
      }),
    ).toBeUndefined();
  });

  it('accepts Dropped and ProcessingFailed records without data', () => {
    expect(
      invalidTransformResponse(records, {
        records: [
          { recordId: 'r-1', result: 'Dropped' },
          { recordId: 'r-2', result: 'ProcessingFailed' },
          ok('r-3'),
        ],
      }),
    ).toBeUndefined();
  });

  it.each([
    ['nothing at all', undefined],
    ['null', null],
    ['a string', 'Ok'],
    ['an object without records', { batchItemFailures: [] }],
    ['records that are not an array', { records: { 'r-1': ok('r-1') } }],
  ])('refuses %s as having no records array', (_, response) => {
    expect(invalidTransformResponse(records, response)).toBe('the response has no records array');
  });

  it('refuses a record id that was not in the event', () => {
    expect(invalidTransformResponse(records, { records: [ok('r-1'), ok('r-2'), ok('r-3'), ok('r-4')] })).toBe(
      'record id r-4 is unknown or repeated',
    );
  });

  it('refuses a record id that is answered twice', () => {
    expect(invalidTransformResponse(records, { records: [ok('r-1'), ok('r-2'), ok('r-2'), ok('r-3')] })).toBe(
      'record id r-2 is unknown or repeated',
    );
  });

  it.each([
    ['missing', { result: 'Ok', data: 'eA==' }],
    ['not a string', { recordId: 1, result: 'Ok', data: 'eA==' }],
    ['null', null],
  ])('refuses a result whose record id is %s', (_, result) => {
    expect(invalidTransformResponse(records, { records: [ok('r-1'), ok('r-2'), ok('r-3'), result] })).toMatch(
      /^record id .* is unknown or repeated$/,
    );
  });

  it('refuses a response that leaves records out, saying how many', () => {
    expect(invalidTransformResponse(records, { records: [ok('r-2')] })).toBe(
      '2 records are missing from the response',
    );
    expect(invalidTransformResponse(records, { records: [] })).toBe(
      '3 records are missing from the response',
    );
  });

  it.each([
    ['an unknown word', 'Failed'],
    ['the wrong case', 'ok'],
    ['missing', undefined],
    ['not a string', true],
  ])('refuses a result value that is %s', (_, result) => {
    expect(
      invalidTransformResponse(records, {
        records: [ok('r-1'), { recordId: 'r-2', result, data: 'eA==' }, ok('r-3')],
      }),
    ).toBe(`record r-2 has result ${String(result)}`);
  });

  it.each([
    ['missing', undefined],
    ['not a string', { bytes: [1, 2] }],
    ['null', null],
  ])('refuses an Ok record whose data is %s', (_, data) => {
    expect(
      invalidTransformResponse(records, {
        records: [ok('r-1'), ok('r-2'), { recordId: 'r-3', result: 'Ok', data }],
      }),
    ).toBe('record r-3 is Ok without data');
  });

  it('accepts an empty response for an empty batch, and refuses answers to records it never had', () => {
    expect(invalidTransformResponse([], { records: [] })).toBeUndefined();
    expect(invalidTransformResponse([], { records: [ok('r-1')] })).toBe(
      'record id r-1 is unknown or repeated',
    );
  });
});
