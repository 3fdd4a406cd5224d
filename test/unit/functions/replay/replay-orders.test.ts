import type { SQSMessageAttributes } from 'aws-lambda';
import type { ReplayCounts, ReplayState } from '../../../../src/adapters/dynamodb-replay-state';
import {
  hasUsableWindow,
  REPLAY_ID_ATTRIBUTE,
  type ReplayDependencies,
  replayAttributes,
  replayRecord,
  windowOf,
} from '../../../../src/functions/replay/replay-orders';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { anOrderRecord, anSqsRecord } from '../../../factories/sqs';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { InMemoryOrderForwarder } from '../../../helpers/in-memory-order-forwarder';
import { recordedMetrics, testPowertools } from '../../../helpers/powertools';

const REPLAY: ReplayState = {
  replayId: 'replay-2026-11-21-1',
  since: '2026-11-21T10:00:00.000Z',
  until: '2026-11-21T11:00:00.000Z',
  startedAt: '2026-11-21T12:00:00.000Z',
  status: 'running',
  forwarded: 0,
  skipped: 0,
};

const card = { number: TEST_CARD_NUMBERS.visa, cvv: '8642' };
const anOrderAt = (date: string) => anOrder({ date, payment: { card } });

const attribute = (dataType: string, value: string) => ({
  dataType,
  stringValue: value,
  stringListValues: [],
  binaryListValues: [],
});

describe('windowOf', () => {
  it("is the replay's window as instants", () => {
    expect(windowOf(REPLAY)).toEqual({
      since: new Date('2026-11-21T10:00:00Z'),
      until: new Date('2026-11-21T11:00:00Z'),
    });
  });

  it('reads a window stored with offsets', () => {
    const replay = { ...REPLAY, since: '2026-11-21T11:00:00+01:00', until: '2026-11-21T06:00:00-05:00' };
    expect(windowOf(replay)).toEqual(windowOf(REPLAY));
  });
});

describe('replayAttributes', () => {
  it("keeps the order's String and Number attributes and adds the replay id", () => {
    const order = anOrder({ payment: { currency: 'EUR' } });
    const record = anOrderRecord(order);
    expect(replayAttributes(record, 'replay-1')).toEqual({
      amount: { DataType: 'Number', StringValue: '59.97' },
      currency: { DataType: 'String', StringValue: 'EUR' },
      customerId: { DataType: 'String', StringValue: order.customer.id },
      replayId: { DataType: 'String', StringValue: 'replay-1' },
    });
  });

  it('keeps Binary attributes as bytes, decoded from the base64 of the event', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
    const messageAttributes: SQSMessageAttributes = {
      signature: {
        dataType: 'Binary',
        binaryValue: bytes.toString('base64'),
        stringListValues: [],
        binaryListValues: [],
      },
    };
    const attributes = replayAttributes(anSqsRecord('{}', { messageAttributes }), 'replay-1');
    expect(attributes.signature?.DataType).toBe('Binary');
    expect(attributes.signature?.StringValue).toBeUndefined();
    expect(Buffer.from(attributes.signature?.BinaryValue ?? []).equals(bytes)).toBe(true);
  });

  it('keeps custom data types (Number.float, String.json, Binary.gzip) with their values', () => {
    const gzip = Buffer.from('compressed');
    const messageAttributes: SQSMessageAttributes = {
      weight: attribute('Number.float', '1.25'),
      payload: attribute('String.json', '{"a":1}'),
      archive: {
        dataType: 'Binary.gzip',
        binaryValue: gzip.toString('base64'),
        stringListValues: [],
        binaryListValues: [],
      },
    };
    const attributes = replayAttributes(anSqsRecord('{}', { messageAttributes }), 'replay-1');
    expect(attributes.weight).toEqual({ DataType: 'Number.float', StringValue: '1.25' });
    expect(attributes.payload).toEqual({ DataType: 'String.json', StringValue: '{"a":1}' });
    expect(attributes.archive?.DataType).toBe('Binary.gzip');
    expect(Buffer.from(attributes.archive?.BinaryValue ?? []).toString()).toBe('compressed');
  });

  it('gives a message without attributes only the replay id', () => {
    expect(replayAttributes(anSqsRecord('{}'), 'replay-1')).toEqual({
      [REPLAY_ID_ATTRIBUTE]: { DataType: 'String', StringValue: 'replay-1' },
    });
  });

  it('marks the message with the running replay, whatever replay id it carried', () => {
    const messageAttributes = { replayId: attribute('String', 'an-older-replay') };
    expect(replayAttributes(anSqsRecord('{}', { messageAttributes }), 'replay-2').replayId).toEqual({
      DataType: 'String',
      StringValue: 'replay-2',
    });
  });

  it('does not change the record', () => {
    const record = anOrderRecord(anOrder());
    const before = structuredClone(record);
    replayAttributes(record, 'replay-1');
    expect(record).toEqual(before);
  });
});

describe('replayRecord', () => {
  let forwarder: InMemoryOrderForwarder;
  let dependencies: ReplayDependencies;
  let counts: ReplayCounts;
  let output: CapturedOutput;

  beforeEach(() => {
    output = captureOutput();
    forwarder = new InMemoryOrderForwarder();
    dependencies = { forwarder, ...testPowertools('replay') };
    counts = { forwarded: 0, skipped: 0 };
  });

  afterEach(() => output.restore());

  it('forwards an order inside the window, unchanged, with its attributes and the replay id', async () => {
    const order = anOrderAt('2026-11-21T10:30:00Z');
    const record = anOrderRecord(order);
    await replayRecord(record, REPLAY, dependencies, counts);
    expect(forwarder.forwarded).toEqual([
      { body: record.body, attributes: replayAttributes(record, REPLAY.replayId) },
    ]);
    expect(JSON.parse(forwarder.forwarded[0]?.body ?? '')).toEqual(order);
    expect(forwarder.forwarded[0]?.attributes.replayId?.StringValue).toBe('replay-2026-11-21-1');
    expect(counts).toEqual({ forwarded: 1, skipped: 0 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderReplayed: 1 });
  });

  it('forwards the body byte for byte, however it is formatted', async () => {
    const body = `{ "date" : "2026-11-21T11:30:00+01:00",\n  "id": "order-spaced" }`;
    await replayRecord(anSqsRecord(body), REPLAY, dependencies, counts);
    expect(forwarder.forwarded.map((message) => message.body)).toEqual([body]);
  });

  it('forwards an order placed exactly at since, and skips one placed exactly at until', async () => {
    const atSince = anOrderRecord(anOrderAt('2026-11-21T10:00:00Z'));
    const atUntil = anOrderRecord(anOrderAt('2026-11-21T11:00:00Z'));
    await replayRecord(atSince, REPLAY, dependencies, counts);
    await replayRecord(atUntil, REPLAY, dependencies, counts);
    expect(forwarder.forwarded.map((message) => message.body)).toEqual([atSince.body]);
    expect(counts).toEqual({ forwarded: 1, skipped: 1 });
  });

  it.each([
    ['before the window', '2026-11-21T09:59:59.999Z'],
    ['after the window', '2026-11-21T11:30:00Z'],
    ['in the window in local time but not as an instant', '2026-11-21T10:30:00+01:00'],
  ])('skips an order placed %s without forwarding it', async (_, date) => {
    await replayRecord(anOrderRecord(anOrderAt(date)), REPLAY, dependencies, counts);
    expect(forwarder.forwarded).toEqual([]);
    expect(counts).toEqual({ forwarded: 0, skipped: 1 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderSkipped: 1 });
  });

  it.each([
    ['a body that is not JSON', anSqsRecord('{"date": "2026-11-21T10:30:00Z"')],
    ['an order without a date', anSqsRecord(JSON.stringify({ ...anOrder(), date: undefined }))],
    ['an order whose date has no offset', anSqsRecord(JSON.stringify(anOrderAt('2026-11-21T10:30:00')))],
    ['an order with an impossible date', anSqsRecord(JSON.stringify(anOrderAt('2026-02-30T10:30:00Z')))],
    ['a JSON array', anSqsRecord('[]')],
  ])('skips %s without forwarding it', async (_, record) => {
    await expect(replayRecord(record, REPLAY, dependencies, counts)).resolves.toBeUndefined();
    expect(forwarder.forwarded).toEqual([]);
    expect(counts).toEqual({ forwarded: 0, skipped: 1 });
  });

  it('logs why an order was skipped, with its message id and no order content', async () => {
    const outside = anOrderRecord(anOrderAt('2026-11-20T10:30:00Z'));
    const noTime = anSqsRecord(JSON.stringify({ ...anOrderAt('x'), date: 'yesterday' }));
    await replayRecord(outside, REPLAY, dependencies, counts);
    await replayRecord(noTime, REPLAY, dependencies, counts);
    const lines = output.jsonLines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'DEBUG',
        message: 'Order not replayed',
        messageId: outside.messageId,
        reason: 'outside-window',
      }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ messageId: noTime.messageId, reason: 'no-time' }));
    expect(cardDataIn(output.text(), card)).toEqual([]);
  });

  it('adds to the counts it is given, across the records of a batch', async () => {
    counts = { forwarded: 5, skipped: 7 };
    for (const date of ['2026-11-21T10:10:00Z', '2026-11-21T12:00:00Z', '2026-11-21T10:20:00Z']) {
      await replayRecord(anOrderRecord(anOrderAt(date)), REPLAY, dependencies, counts);
    }
    expect(counts).toEqual({ forwarded: 7, skipped: 8 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderReplayed: [1, 1], OrderSkipped: 1 });
  });

  it('lets a forwarding failure fail the record, without counting it', async () => {
    const failure = new Error('SendMessage refused');
    forwarder.failWith(failure);
    const attempt = replayRecord(
      anOrderRecord(anOrderAt('2026-11-21T10:30:00Z')),
      REPLAY,
      dependencies,
      counts,
    );
    await expect(attempt).rejects.toBe(failure);
    expect(counts).toEqual({ forwarded: 0, skipped: 0 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({});
  });

  it("uses the window of the replay it is given, so another replay's window decides differently", async () => {
    const record = anOrderRecord(anOrderAt('2026-11-21T10:30:00Z'));
    const later = {
      ...REPLAY,
      replayId: 'replay-2',
      since: '2026-11-21T11:00:00Z',
      until: '2026-11-21T12:00:00Z',
    };
    await replayRecord(record, later, dependencies, counts);
    expect(counts).toEqual({ forwarded: 0, skipped: 1 });
    await replayRecord(record, REPLAY, dependencies, counts);
    expect(counts).toEqual({ forwarded: 1, skipped: 1 });
  });
});

describe('hasUsableWindow', () => {
  const replay = (since: string, until: string) => ({
    replayId: 'r-1',
    since,
    until,
    startedAt: '2026-11-21T12:00:00Z',
    status: 'running' as const,
    forwarded: 0,
    skipped: 0,
  });

  it('accepts two valid instants in order', () => {
    expect(hasUsableWindow(replay('2026-11-21T10:00:00Z', '2026-11-21T11:00:00Z'))).toBe(true);
  });

  it('refuses a window with a missing or invalid bound, or an empty one, which would skip every order', () => {
    expect(hasUsableWindow(replay('', '2026-11-21T11:00:00Z'))).toBe(false);
    expect(hasUsableWindow(replay('2026-11-21T10:00:00Z', 'soon'))).toBe(false);
    expect(hasUsableWindow(replay('2026-11-21T11:00:00Z', '2026-11-21T11:00:00Z'))).toBe(false);
  });
});
