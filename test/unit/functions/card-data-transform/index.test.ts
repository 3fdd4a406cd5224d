import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { aFirehoseRecord, aFirehoseTransformationEvent, textOf } from '../../../factories/firehose';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';

const MODULE = '../../../../src/functions/card-data-transform/index';
const FUNCTION_NAME = 'card-data-transform';

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

const importHandler = async (): Promise<Handler> => {
  const module = await import(MODULE);
  return (event) => module.handler(event, aLambdaContext(FUNCTION_NAME));
};

const card = { number: TEST_CARD_NUMBERS.amex, cvv: '8642' };

/** A batch with card data everywhere: in card objects, free text, names, and records that fail. */
const aBatchFullOfCardData = () =>
  aFirehoseTransformationEvent([
    aFirehoseRecord(anOrder({ payment: { card } })),
    aFirehoseRecord(anOrder({ notes: 'my other card is 3782 822463 10005' })),
    aFirehoseRecord({ [card.number]: { card: { cvv: card.cvv } } }),
    aFirehoseRecord(`{"payment": {"card": {"number": "${card.number}", "cvv": "${card.cvv}"}`),
    aFirehoseRecord(`["${card.number}", "${card.cvv}"]`),
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

  it('answers Firehose with one result per record, with its id, sanitised or failed', async () => {
    const order = anOrder({ id: 'firehose-order-1', payment: { card } });
    const records = [aFirehoseRecord(order), aFirehoseRecord('{"id": ')];
    const { records: results } = await handler(aFirehoseTransformationEvent(records));
    const { card: _removed, ...payment } = order.payment;
    expect(results).toEqual([
      {
        recordId: records[0]?.recordId,
        result: 'Ok',
        data: Buffer.from(`${JSON.stringify({ ...order, payment })}\n`).toString('base64'),
      },
      { recordId: records[1]?.recordId, result: 'ProcessingFailed', data: records[1]?.data },
    ]);
  });

  it('logs a summary of the batch with the Lambda context, and emits EMF metrics', async () => {
    await handler(aFirehoseTransformationEvent([aFirehoseRecord(anOrder({ payment: { card } }))]));
    const lines = output.jsonLines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Batch transformed',
        function_name: FUNCTION_NAME,
        ok: 1,
        cardObjectsRemoved: 1,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        RecordsTransformed: 1,
        RecordsFailed: 0,
        CardObjectsRemoved: 1,
        CardNumbersMasked: 0,
      }),
    );
  });

  it('never logs card data, at any log level', async () => {
    const { records } = await handler(aBatchFullOfCardData());
    expect(records.map(({ result }) => result)).toEqual([
      'Ok',
      'Ok',
      'Ok',
      'ProcessingFailed',
      'ProcessingFailed',
    ]);
    expect(records.slice(0, 3).map(({ data }) => cardDataIn(textOf(data), card))).toEqual([[], [], []]);
    expect(output.jsonLines().length).toBeGreaterThan(0);
    expect(cardDataIn(output.text(), card)).toEqual([]);
  });

  it('never logs the event, even when POWERTOOLS_LOGGER_LOG_EVENT asks for it', async () => {
    const restore = setEnvironment({ POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
    try {
      await jest.isolateModulesAsync(async () => {
        const event = aBatchFullOfCardData();
        await (await importHandler())(event);
        expect(output.text()).not.toContain('Lambda invocation event');
        for (const { data } of event.records) expect(output.text()).not.toContain(data);
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
      event.records.map(({ recordId }, index) => [recordId, index < 2 ? 'Ok' : 'ProcessingFailed']),
    );
    const texts = records.slice(0, 2).map(({ data }) => textOf(data));
    expect(texts.map((text) => JSON.parse(text).payment)).toEqual([
      { amount: 159.97, currency: 'EUR', method: 'card' },
      { amount: 159.97, currency: 'EUR', method: 'card' },
    ]);
    expect(JSON.parse(texts[1] ?? '').notes).toBe(
      'Please charge my other card ****-****-****-4444 instead; call +44 20 7946 0958.',
    );
    for (const text of texts)
      expect(cardDataIn(text, { number: TEST_CARD_NUMBERS.visa, cvv: '123' })).toEqual([]);
  });

  it('needs no environment variables beyond the Powertools ones every function gets', async () => {
    const restore = setEnvironment({ POWERTOOLS_SERVICE_NAME: '' });
    try {
      await jest.isolateModulesAsync(async () => {
        const { records } = await (await importHandler())(
          aFirehoseTransformationEvent([aFirehoseRecord({})]),
        );
        expect(records.map(({ result }) => result)).toEqual(['Ok']);
      });
    } finally {
      restore();
    }
  });
});
