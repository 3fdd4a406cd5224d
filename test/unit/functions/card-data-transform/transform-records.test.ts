import fc from 'fast-check';
import {
  MAX_QUARANTINED_LOGGED,
  type TransformRecordsDependencies,
  transformRecords,
} from '../../../../src/functions/card-data-transform/transform-records';
import { aFirehoseRecord, aFirehoseTransformationEvent, textOf } from '../../../factories/firehose';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { recordedMetrics, testPowertools } from '../../../helpers/powertools';

const card = { network: 'mastercard' as const, number: TEST_CARD_NUMBERS.mastercard, cvv: '8642' };
const anOrderWithCard = () => anOrder({ payment: { card } });
const REDUCED_CARD = { network: 'mastercard', last4: '4444' };

/** The card data of `card` readable in `text`, as descriptions; empty when there is none. */
const cardDataIn = (text: string): string[] => {
  const found: string[] = [];
  if (new RegExp(card.number.slice(0, -4).split('').join('[^0-9*]{0,3}')).test(text))
    found.push('the card number');
  if (new RegExp(`(?<![0-9A-Za-z])${card.cvv}(?![0-9A-Za-z])`).test(text)) found.push('the CVV');
  return found;
};

/** Records that hold the card everywhere: in card objects, free text, names, JSON numbers, unparseable text. */
const recordsFullOfCardData = () => [
  aFirehoseRecord(anOrderWithCard()),
  aFirehoseRecord({
    notes: `card ${card.number} cvv ${card.cvv}`,
    [card.number]: { securityCode: card.cvv },
  }),
  aFirehoseRecord(`{"pan": ${card.number}, "cvv": ${card.cvv}, "createdAt": 1795937317000}`),
  aFirehoseRecord(`{"card": {"number": "${card.number}", "cvv": "${card.cvv}"}`),
  aFirehoseRecord(`["${card.number}", {"cvv": "${card.cvv}"}]`),
  aFirehoseRecord(`"card ${card.number}, cvv ${card.cvv}"`),
  aFirehoseRecord(Buffer.from(`\xff${card.number}\xfe cvv ${card.cvv}`, 'latin1')),
];

describe('transformRecords', () => {
  let dependencies: TransformRecordsDependencies;
  let output: CapturedOutput;

  beforeEach(() => {
    output = captureOutput();
    dependencies = testPowertools('card-data-transform');
  });

  afterEach(() => output.restore());

  it('answers every record Ok with its id, in order, quarantining the records that are not JSON objects', () => {
    const records = [
      aFirehoseRecord('[]'),
      aFirehoseRecord(anOrderWithCard()),
      aFirehoseRecord('{"id": '),
      aFirehoseRecord({ notes: card.number }),
      aFirehoseRecord(''),
    ];
    const { records: results } = transformRecords(aFirehoseTransformationEvent(records), dependencies);
    expect(results.map(({ recordId, result }) => [recordId, result])).toEqual(
      records.map(({ recordId }) => [recordId, 'Ok']),
    );
    expect(results.map(({ data }) => Object.keys(JSON.parse(textOf(data))).includes('quarantine'))).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it('answers a sanitised order as one line of JSON, its card reduced to network and last 4 digits', () => {
    const order = anOrderWithCard();
    const { records } = transformRecords(
      aFirehoseTransformationEvent([aFirehoseRecord(order)]),
      dependencies,
    );
    const expected = { ...order, payment: { ...order.payment, card: REDUCED_CARD } };
    expect(records.map(({ data }) => textOf(data))).toEqual([`${JSON.stringify(expected)}\n`]);
  });

  it('answers a record that is not a JSON object with a quarantine document holding its text, masked', () => {
    const bad = aFirehoseRecord(`["${card.number}", {"cvv": "${card.cvv}"}]`);
    const { records } = transformRecords(aFirehoseTransformationEvent([bad]), dependencies);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ recordId: bad.recordId, result: 'Ok' });
    expect(JSON.parse(textOf(records[0]?.data))).toEqual({
      quarantine: {
        reason: 'the record is an array, not a JSON object',
        maskedText: '["************4444", {"cvv": "[removed]"}]',
      },
    });
  });

  it('answers an empty batch with no records, and logs and counts it', () => {
    expect(transformRecords(aFirehoseTransformationEvent([]), dependencies)).toEqual({ records: [] });
    expect(output.jsonLines()).toEqual([
      expect.objectContaining({ level: 'INFO', records: 0, quarantined: 0 }),
    ]);
    expect(recordedMetrics(dependencies.metrics)).toMatchObject({
      RecordsTransformed: 0,
      RecordsQuarantined: 0,
    });
  });

  it('logs one summary line per batch, with the counts and the quarantined record ids with their reasons', () => {
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
        message: 'Batch transformed; records that are not JSON objects were quarantined, masked',
        invocationId: event.invocationId,
        deliveryStreamArn: event.deliveryStreamArn,
        records: 3,
        quarantined: 1,
        cardObjectsReduced: 2,
        sensitiveAuthenticationDataRemoved: 0,
        cardNumbersMasked: 2,
        quarantinedRecords: [{ recordId: bad.recordId, reason: 'the record is a number, not a JSON object' }],
      }),
    ]);
  });

  it('logs a batch without quarantined records at INFO, naming none', () => {
    transformRecords(aFirehoseTransformationEvent([aFirehoseRecord(anOrder())]), dependencies);
    const lines = output.jsonLines();
    expect(lines).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'Batch transformed', records: 1, quarantined: 0 }),
    ]);
    expect(lines[0]).not.toHaveProperty('quarantinedRecords');
  });

  it(`names at most ${MAX_QUARANTINED_LOGGED} quarantined records in the summary, and counts them all`, () => {
    const records = Array.from({ length: MAX_QUARANTINED_LOGGED + 5 }, () => aFirehoseRecord('null'));
    transformRecords(aFirehoseTransformationEvent(records), dependencies);
    const [summary] = output.jsonLines();
    expect(summary?.quarantined).toBe(MAX_QUARANTINED_LOGGED + 5);
    expect(summary?.quarantinedRecords).toEqual(
      records
        .slice(0, MAX_QUARANTINED_LOGGED)
        .map(({ recordId }) => ({ recordId, reason: 'the record is null, not a JSON object' })),
    );
  });

  it('counts transformed and quarantined records, reduced cards, removed CVVs and masked numbers in metrics', () => {
    const event = aFirehoseTransformationEvent([
      aFirehoseRecord(anOrderWithCard()),
      aFirehoseRecord(anOrder({ notes: `pay with ${card.number}` })),
      aFirehoseRecord({ cvv: card.cvv, payment: { securityCode: card.cvv } }),
      aFirehoseRecord('not json'),
    ]);
    transformRecords(event, dependencies);
    expect(recordedMetrics(dependencies.metrics)).toEqual({
      RecordsTransformed: 3,
      RecordsQuarantined: 1,
      CardNumbersMasked: 1,
      CardObjectsReduced: 2,
      SensitiveAuthenticationDataRemoved: 2,
    });
  });

  it('never puts card data in a log line or a metric, whatever the records hold', () => {
    const { records } = transformRecords(aFirehoseTransformationEvent(recordsFullOfCardData()), dependencies);
    expect(records.map(({ data }) => cardDataIn(textOf(data)))).toEqual(records.map(() => []));
    dependencies.metrics.publishStoredMetrics();
    expect(output.jsonLines()).toHaveLength(2);
    expect(cardDataIn(output.text())).toEqual([]);
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
    expect(output.jsonLines()[0]).toMatchObject({ cardObjectsReduced: records.length, quarantined: 0 });
  });

  it('answers any batch of any bytes Ok, one result per record, in order, and never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (contents) => {
        const records = contents.map((bytes) => aFirehoseRecord(Buffer.from(bytes)));
        const { records: results } = transformRecords(aFirehoseTransformationEvent(records), dependencies);
        expect(results.map(({ recordId, result }) => [recordId, result])).toEqual(
          records.map(({ recordId }) => [recordId, 'Ok']),
        );
        output.clear();
        dependencies.metrics.clearMetrics();
      }),
    );
  });
});
