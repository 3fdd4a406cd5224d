import fc from 'fast-check';
import {
  MAX_FAILURES_LOGGED,
  type TransformRecordsDependencies,
  transformRecords,
} from '../../../../src/functions/card-data-transform/transform-records';
import { aFirehoseRecord, aFirehoseTransformationEvent, textOf } from '../../../factories/firehose';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { recordedMetrics, testPowertools } from '../../../helpers/powertools';

const card = { number: TEST_CARD_NUMBERS.mastercard, cvv: '8642' };
const anOrderWithCard = () => anOrder({ payment: { card } });

describe('transformRecords', () => {
  let dependencies: TransformRecordsDependencies;
  let output: CapturedOutput;

  beforeEach(() => {
    output = captureOutput();
    dependencies = testPowertools('card-data-transform');
  });

  afterEach(() => output.restore());

  it('answers every record with its id, in order, and fails only the records it cannot parse', () => {
    const good = [aFirehoseRecord(anOrderWithCard()), aFirehoseRecord({ notes: card.number })];
    const bad = [aFirehoseRecord('[]'), aFirehoseRecord('{"id": '), aFirehoseRecord('')];
    const records = [bad[0], good[0], bad[1], good[1], bad[2]].filter((record) => record !== undefined);
    const { records: results } = transformRecords(aFirehoseTransformationEvent(records), dependencies);
    expect(results.map(({ recordId }) => recordId)).toEqual(records.map(({ recordId }) => recordId));
    expect(results.map(({ result }) => result)).toEqual([
      'ProcessingFailed',
      'Ok',
      'ProcessingFailed',
      'Ok',
      'ProcessingFailed',
    ]);
  });

  it('gives back the data of a failed record unchanged, for Firehose to write under the error prefix', () => {
    const bad = aFirehoseRecord(`["${card.number}"]`);
    const { records } = transformRecords(aFirehoseTransformationEvent([bad]), dependencies);
    expect(records).toEqual([{ recordId: bad.recordId, result: 'ProcessingFailed', data: bad.data }]);
  });

  it('answers a sanitised order as one line of JSON', () => {
    const order = anOrderWithCard();
    const { records } = transformRecords(
      aFirehoseTransformationEvent([aFirehoseRecord(order)]),
      dependencies,
    );
    const { card: _removed, ...payment } = order.payment;
    expect(records.map(({ data }) => textOf(data))).toEqual([`${JSON.stringify({ ...order, payment })}\n`]);
  });

  it('answers an empty batch with no records', () => {
    expect(transformRecords(aFirehoseTransformationEvent([]), dependencies)).toEqual({ records: [] });
  });

  it('logs one summary line per batch, with the counts and the failed record ids with their reasons', () => {
    const bad = aFirehoseRecord('42');
    const event = aFirehoseTransformationEvent([
      aFirehoseRecord(anOrderWithCard()),
      aFirehoseRecord({ notes: `${card.number} and 4111-1111-1111-1111`, card: { number: card.number } }),
      bad,
    ]);
    transformRecords(event, dependencies);
    expect(output.jsonLines()).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'Batch transformed; failed records go to the error output prefix',
        invocationId: event.invocationId,
        deliveryStreamArn: event.deliveryStreamArn,
        records: 3,
        ok: 2,
        processingFailed: 1,
        cardObjectsRemoved: 2,
        cardNumbersMasked: 2,
        failures: [{ recordId: bad.recordId, reason: 'the record is a number, not a JSON object' }],
      }),
    ]);
  });

  it('logs a batch without failures at INFO', () => {
    transformRecords(aFirehoseTransformationEvent([aFirehoseRecord(anOrder())]), dependencies);
    expect(output.jsonLines()).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'Batch transformed', ok: 1, processingFailed: 0 }),
    ]);
    expect(output.jsonLines()[0]).not.toHaveProperty('failures');
  });

  it(`names at most ${MAX_FAILURES_LOGGED} failed records in the summary`, () => {
    const records = Array.from({ length: MAX_FAILURES_LOGGED + 5 }, () => aFirehoseRecord('null'));
    transformRecords(aFirehoseTransformationEvent(records), dependencies);
    const [summary] = output.jsonLines();
    expect(summary?.processingFailed).toBe(MAX_FAILURES_LOGGED + 5);
    expect(summary?.failures).toHaveLength(MAX_FAILURES_LOGGED);
  });

  it('counts transformed and failed records, masked numbers and removed card objects in metrics', () => {
    const event = aFirehoseTransformationEvent([
      aFirehoseRecord(anOrderWithCard()),
      aFirehoseRecord(anOrder({ notes: `pay with ${card.number}` })),
      aFirehoseRecord('not json'),
    ]);
    transformRecords(event, dependencies);
    expect(recordedMetrics(dependencies.metrics)).toEqual({
      RecordsTransformed: 2,
      RecordsFailed: 1,
      CardNumbersMasked: 1,
      CardObjectsRemoved: 2,
    });
  });

  it('never logs card data, whatever the records hold', () => {
    const event = aFirehoseTransformationEvent([
      aFirehoseRecord(anOrderWithCard()),
      aFirehoseRecord({ notes: `card ${card.number} cvv ${card.cvv}` }),
      aFirehoseRecord(`{"card": {"number": "${card.number}", "cvv": "${card.cvv}"`),
      aFirehoseRecord(`["${card.number}", "${card.cvv}"]`),
      aFirehoseRecord(`"${card.number}"`),
    ]);
    transformRecords(event, dependencies);
    expect(output.jsonLines()).toHaveLength(1);
    expect(cardDataIn(output.text(), card)).toEqual([]);
  });

  it('transforms a batch as large as Firehose sends (6 MB)', () => {
    const records = [];
    let bytes = 0;
    while (bytes < 6_000_000) {
      const record = aFirehoseRecord(anOrderWithCard());
      bytes += record.data.length;
      records.push(record);
    }
    const { records: results } = transformRecords(aFirehoseTransformationEvent(records), dependencies);
    expect(results).toHaveLength(records.length);
    expect(results.every(({ result }) => result === 'Ok')).toBe(true);
    expect(output.jsonLines()[0]).toMatchObject({ cardObjectsRemoved: records.length });
  });

  it('answers any batch of any bytes with one result per record, in order, and never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (contents) => {
        const records = contents.map((bytes) => aFirehoseRecord(Buffer.from(bytes)));
        const { records: results } = transformRecords(aFirehoseTransformationEvent(records), dependencies);
        expect(results.map(({ recordId }) => recordId)).toEqual(records.map(({ recordId }) => recordId));
        results.forEach((result, index) => {
          if (result.result === 'ProcessingFailed') expect(result.data).toBe(records[index]?.data);
          else expect(result.result).toBe('Ok');
        });
        output.clear();
        dependencies.metrics.clearMetrics();
      }),
    );
  });
});
