import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { aFirehoseRecord, aFirehoseTransformationEvent, textOf } from '../../../factories/firehose';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';

const MODULE = '../../../../src/functions/card-data-transform/index';
const FUNCTION_NAME = 'card-data-transform';

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

const importHandler = async (): Promise<Handler> => {
  const module = await import(MODULE);
  return (event) => module.handler(event, aLambdaContext(FUNCTION_NAME));
};

const card = { network: 'amex' as const, number: TEST_CARD_NUMBERS.amex, cvv: '8642' };
const REDUCED_CARD = { network: 'amex', last4: '0005' };

/** The card data of `number` and `cvv` readable in `text`, as descriptions; empty when there is none. */
const cardDataIn = (text: string, { number, cvv }: { number: string; cvv: string } = card): string[] => {
  const found: string[] = [];
  if (new RegExp(number.slice(0, -4).split('').join('[^0-9*]{0,3}')).test(text))
    found.push('the card number');
  if (new RegExp(`(?<![0-9A-Za-z])${cvv}(?![0-9A-Za-z])`).test(text)) found.push('the CVV');
  return found;
};

/** A batch with card data everywhere: card objects, free text, names, JSON numbers, records that are not JSON objects. */
const aBatchFullOfCardData = () =>
  aFirehoseTransformationEvent([
    aFirehoseRecord(anOrder({ payment: { card } })),
    aFirehoseRecord(anOrder({ notes: 'my other card is 3782 822463 10005' })),
    aFirehoseRecord({ [card.number]: { card: { cvv: card.cvv } } }),
    aFirehoseRecord(`{"payment": {"pan": ${card.number}, "cvv": ${card.cvv}}, "createdAt": 1795937317000}`),
    aFirehoseRecord(`{"payment": {"card": {"number": "${card.number}", "cvv": "${card.cvv}"}`),
    aFirehoseRecord(`["${card.number}", {"securityCode": "${card.cvv}"}]`),
  ]);

describe('the card-data transform handler', () => {
  let restoreEnvironment: () => void;
  let handler: Handler;
  let output: CapturedOutput;

  beforeAll(async () => {
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: FUNCTION_NAME,
    });
    handler = await importHandler();
  });

  afterAll(() => restoreEnvironment());

  beforeEach(() => {
    output = captureOutput();
  });

  afterEach(() => output.restore());

  it('answers Firehose Ok for every record, with its id: sanitised, or quarantined when not a JSON object', async () => {
    const order = anOrder({ id: 'firehose-order-1', payment: { card } });
    const records = [aFirehoseRecord(order), aFirehoseRecord('{"id": ')];
    const { records: results } = await handler(aFirehoseTransformationEvent(records));
    const reduced = { ...order, payment: { ...order.payment, card: REDUCED_CARD } };
    const quarantine = { quarantine: { reason: 'the record is not valid JSON', maskedText: '{"id": ' } };
    expect(results).toEqual([
      {
        recordId: records[0]?.recordId,
        result: 'Ok',
        data: Buffer.from(`${JSON.stringify(reduced)}\n`).toString('base64'),
      },
      {
        recordId: records[1]?.recordId,
        result: 'Ok',
        data: Buffer.from(`${JSON.stringify(quarantine)}\n`).toString('base64'),
      },
    ]);
  });

  it('logs a summary of the batch with the Lambda context, and emits EMF metrics', async () => {
    await handler(
      aFirehoseTransformationEvent([aFirehoseRecord(anOrder({ payment: { card } })), aFirehoseRecord('[]')]),
    );
    const lines = output.jsonLines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        function_name: FUNCTION_NAME,
        records: 2,
        quarantined: 1,
        cardObjectsReduced: 1,
        quarantinedRecords: [
          expect.objectContaining({ reason: 'the record is an array, not a JSON object' }),
        ],
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        RecordsTransformed: 1,
        RecordsQuarantined: 1,
        CardObjectsReduced: 1,
        CardNumbersMasked: 0,
        SensitiveAuthenticationDataRemoved: 0,
      }),
    );
  });

  it('answers every record of a batch full of card data without it, and never logs it, at any log level', async () => {
    const { records } = await handler(aBatchFullOfCardData());
    expect(records.map(({ result }) => result)).toEqual(['Ok', 'Ok', 'Ok', 'Ok', 'Ok', 'Ok']);
    expect(records.map(({ data }) => cardDataIn(textOf(data)))).toEqual(records.map(() => []));
    expect(output.jsonLines().length).toBeGreaterThan(0);
    expect(cardDataIn(output.text())).toEqual([]);
  });

  it('never logs the event, even when POWERTOOLS_LOGGER_LOG_EVENT asks for it', async () => {
    const restore = setEnvironment({ POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    try {
      await jest.isolateModulesAsync(async () => {
        const event = aBatchFullOfCardData();
        await (await importHandler())(event);
        expect(output.text()).not.toContain('Lambda invocation event');
        for (const { data } of event.records) expect(output.text()).not.toContain(data);
        expect(cardDataIn(output.text())).toEqual([]);
      });
    } finally {
      restore();
    }
  });

  it('transforms the sample event for `sam local invoke` (events/card-data-transform/firehose-batch.json)', async () => {
    const file = path.join(__dirname, '../../../../events/card-data-transform/firehose-batch.json');
    const event = JSON.parse(readFileSync(file, 'utf8')) as FirehoseTransformationEvent;
    const { records } = await handler(event);
    expect(records.map(({ recordId, result }) => [recordId, result])).toEqual(
      event.records.map(({ recordId }) => [recordId, 'Ok']),
    );
    const documents = records.map(({ data }) => JSON.parse(textOf(data)));
    expect(documents.slice(0, 2).map(({ payment }) => payment)).toEqual([
      { amount: 159.97, currency: 'EUR', method: 'card', card: { network: 'visa', last4: '1111' } },
      { amount: 159.97, currency: 'EUR', method: 'card', card: { network: 'visa', last4: '1111' } },
    ]);
    expect(documents[1].notes).toBe(
      'Please charge my other card ****-****-****-4444 instead; call +44 20 7946 0958.',
    );
    expect(documents[2]).toEqual({
      quarantine: {
        reason: expect.stringContaining('the record is not valid JSON'),
        maskedText: '{"id": "order-sample-3", "payment": ',
      },
    });
    for (const { data } of records) {
      expect(cardDataIn(textOf(data), { number: TEST_CARD_NUMBERS.visa, cvv: '123' })).toEqual([]);
    }
  });

  it('needs no environment variables beyond the Powertools ones every function gets', async () => {
    const restore = setEnvironment({ POWERTOOLS_SERVICE_NAME: '' });
    try {
      await jest.isolateModulesAsync(async () => {
        const { records } = await (await importHandler())(
          aFirehoseTransformationEvent([aFirehoseRecord({})]),
        );
        expect(records.map(({ result, data }) => [result, textOf(data)])).toEqual([['Ok', '{}\n']]);
      });
    } finally {
      restore();
    }
  });
});
