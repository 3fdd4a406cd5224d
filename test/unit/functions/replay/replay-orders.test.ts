import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { ReplayCounts, ReplayState } from '../../../../src/adapters/dynamodb-replay-state';
import {
  hasUsableWindow,
  judgeRecord,
  judgingReplayOf,
  keptAttributes,
  PacedForLaterError,
  REPLAY_ID_ATTRIBUTE,
  type ReplayDependencies,
  replayAttributes,
  replayRecord,
  windowOf,
} from '../../../../src/functions/replay/replay-orders';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { aReplayQueueRecord, aReplayState, aTickRecord } from '../../../factories/replay';
import { anOrderRecord, anSqsRecord } from '../../../factories/sqs';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { InMemoryOrderForwarder } from '../../../helpers/in-memory-order-forwarder';
import { recordedMetrics, testPowertools } from '../../../helpers/powertools';

const REPLAY: ReplayState = aReplayState();

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

  it('leaves out the mark of a replay that kept the order in the replay queue', () => {
    const messageAttributes = { keptByReplay: attribute('String', 'an-older-replay') };
    expect(replayAttributes(anSqsRecord('{}', { messageAttributes }), 'replay-2')).toEqual({
      replayId: { DataType: 'String', StringValue: 'replay-2' },
    });
  });

  it('does not change the record', () => {
    const record = anOrderRecord(anOrder());
    const before = structuredClone(record);
    replayAttributes(record, 'replay-1');
    expect(record).toEqual(before);
  });
});

describe('keptAttributes', () => {
  it("keeps the order's attributes and marks the copy as kept by the replay, in place of an earlier mark", () => {
    const order = anOrder({ payment: { currency: 'EUR' } });
    const record = anOrderRecord(order);
    record.messageAttributes.keptByReplay = attribute('String', 'an-older-replay');
    expect(keptAttributes(record, 'replay-2')).toEqual({
      amount: { DataType: 'Number', StringValue: '59.97' },
      currency: { DataType: 'String', StringValue: 'EUR' },
      customerId: { DataType: 'String', StringValue: order.customer.id },
      keptByReplay: { DataType: 'String', StringValue: 'replay-2' },
    });
  });
});

describe('judgeRecord', () => {
  const judging = judgingReplayOf(REPLAY);

  it('reads the send time, the mark of a kept copy and a tick from the record', () => {
    expect(judgeRecord(aReplayQueueRecord('2026-11-21T12:30:00Z'), judging).reason).toBe('after-window');
    expect(
      judgeRecord(aReplayQueueRecord('2026-11-21T09:00:00Z', { sentAt: REPLAY.startedAt }), judging).reason,
    ).toBe('published-during-replay');
    expect(
      judgeRecord(aReplayQueueRecord('2026-11-21T09:00:00Z', { keptBy: REPLAY.replayId }), judging).reason,
    ).toBe('kept-by-this-replay');
    expect(judgeRecord(aTickRecord(REPLAY.replayId), judging).action).toBe('tick');
  });

  it('takes a record without a usable send time as sent before the replay', () => {
    const record = aReplayQueueRecord('2026-11-21T09:00:00Z');
    record.attributes.SentTimestamp = '';
    expect(judgeRecord(record, judging).action).toBe('discard');
  });
});

describe('replayRecord', () => {
  let forwarder: InMemoryOrderForwarder;
  let keeper: InMemoryOrderForwarder;
  let dependencies: ReplayDependencies;
  let counts: ReplayCounts;
  let output: CapturedOutput;
  let now: number;

  beforeEach(() => {
    output = captureOutput();
    forwarder = new InMemoryOrderForwarder();
    keeper = new InMemoryOrderForwarder();
    now = Date.parse('2026-11-21T12:01:00Z');
    dependencies = { forwarder, keeper, ...testPowertools('replay'), clock: () => now };
    counts = { forwarded: 0, skipped: 0, kept: 0 };
  });

  afterEach(() => output.restore());

  /** Judges the record for `replay` and does what the judgement says, as the handler does. */
  const replay = (record: SQSRecord, state = REPLAY, slot?: number | 'later') =>
    replayRecord(
      {
        record,
        judgement: judgeRecord(record, judgingReplayOf(state)),
        ...(slot === undefined ? {} : { slot }),
      },
      state,
      dependencies,
      counts,
    );

  it('forwards an order inside the window, unchanged, with its attributes and the replay id', async () => {
    const order = anOrderAt('2026-11-21T10:30:00Z');
    const record = anOrderRecord(order);
    await replay(record);
    expect(forwarder.forwarded).toEqual([
      { body: record.body, attributes: replayAttributes(record, REPLAY.replayId) },
    ]);
    expect(JSON.parse(forwarder.forwarded[0]?.body ?? '')).toEqual(order);
    expect(forwarder.forwarded[0]?.attributes.replayId?.StringValue).toBe('replay-2026-11-21-1');
    expect(counts).toEqual({ forwarded: 1, skipped: 0, kept: 0 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderReplayed: 1 });
  });

  it('forwards the body byte for byte, however it is formatted', async () => {
    const body = `{ "date" : "2026-11-21T11:30:00+01:00",\n  "id": "order-spaced" }`;
    await replay(anSqsRecord(body));
    expect(forwarder.forwarded.map((message) => message.body)).toEqual([body]);
  });

  it('forwards an order placed exactly at since, and keeps one placed exactly at until', async () => {
    const atSince = anOrderRecord(anOrderAt('2026-11-21T10:00:00Z'));
    const atUntil = anOrderRecord(anOrderAt('2026-11-21T11:00:00Z'));
    await replay(atSince);
    await replay(atUntil);
    expect(forwarder.forwarded.map((message) => message.body)).toEqual([atSince.body]);
    expect(keeper.forwarded.map((message) => message.body)).toEqual([atUntil.body]);
    expect(counts).toEqual({ forwarded: 1, skipped: 0, kept: 1 });
  });

  it.each([
    ['before the window', '2026-11-21T09:59:59.999Z'],
    ['in the window in local time but before it as an instant', '2026-11-21T10:30:00+01:00'],
  ])('discards an order placed %s, forwarding and keeping nothing', async (_, date) => {
    await replay(anOrderRecord(anOrderAt(date)));
    expect(forwarder.forwarded).toEqual([]);
    expect(keeper.forwarded).toEqual([]);
    expect(counts).toEqual({ forwarded: 0, skipped: 1, kept: 0 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderSkipped: 1 });
  });

  it.each([
    ['a body that is not JSON', anSqsRecord('{"date": "2026-11-21T10:30:00Z"')],
    ['an order without a date', anSqsRecord(JSON.stringify({ ...anOrder(), date: undefined }))],
    ['an order whose date has no offset', anSqsRecord(JSON.stringify(anOrderAt('2026-11-21T10:30:00')))],
    ['an order with an impossible date', anSqsRecord(JSON.stringify(anOrderAt('2026-02-30T10:30:00Z')))],
    ['a JSON array', anSqsRecord('[]')],
  ])('discards %s that waited in the replay queue', async (_, record) => {
    await expect(replay(record)).resolves.toBeUndefined();
    expect(forwarder.forwarded).toEqual([]);
    expect(counts).toEqual({ forwarded: 0, skipped: 1, kept: 0 });
  });

  it('keeps an order after the window as a copy marked as kept, delayed as long as the replay has run', async () => {
    const record = aReplayQueueRecord('2026-11-21T11:30:00Z');
    await replay(record);
    expect(keeper.forwarded).toEqual([
      { body: record.body, attributes: keptAttributes(record, REPLAY.replayId) },
    ]);
    expect(keeper.delays).toEqual([60]);
    expect(forwarder.forwarded).toEqual([]);
    expect(counts).toEqual({ forwarded: 0, skipped: 0, kept: 1 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderKept: 1 });
  });

  it('keeps orders published during the replay, even without a time, for later replays', async () => {
    await replay(aReplayQueueRecord('2026-11-21T09:00:00Z', { sentAt: '2026-11-21T12:00:30Z' }));
    await replay(
      anSqsRecord('[]', { attributes: { ...anSqsRecord('').attributes, SentTimestamp: String(now) } }),
    );
    expect(keeper.forwarded).toHaveLength(2);
    expect(counts).toEqual({ forwarded: 0, skipped: 0, kept: 2 });
  });

  it('keeps a copy it kept already again, counting the order once', async () => {
    await replay(
      aReplayQueueRecord('2026-11-21T11:30:00Z', { keptBy: REPLAY.replayId, sentAt: '2026-11-21T12:00:10Z' }),
    );
    expect(keeper.forwarded).toHaveLength(1);
    expect(counts).toEqual({ forwarded: 0, skipped: 0, kept: 0 });
  });

  it('consumes a tick without sending or counting anything', async () => {
    await replay(aTickRecord(REPLAY.replayId));
    expect([...forwarder.forwarded, ...keeper.forwarded]).toEqual([]);
    expect(counts).toEqual({ forwarded: 0, skipped: 0, kept: 0 });
  });

  it('logs why an order was discarded or kept, with its message id and no order content', async () => {
    const before = anOrderRecord(anOrderAt('2026-11-20T10:30:00Z'));
    const noTime = anSqsRecord(JSON.stringify({ ...anOrderAt('x'), date: 'yesterday' }));
    const after = anOrderRecord(anOrderAt('2026-11-22T10:30:00Z'));
    for (const record of [before, noTime, after]) await replay(record);
    const lines = output.jsonLines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'DEBUG',
        message: 'Order discarded',
        messageId: before.messageId,
        reason: 'before-window',
      }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ messageId: noTime.messageId, reason: 'no-time' }));
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Order kept for later replays',
        messageId: after.messageId,
        reason: 'after-window',
      }),
    );
    expect(cardDataIn(output.text(), card)).toEqual([]);
  });

  it('adds to the counts it is given, across the records of a batch', async () => {
    counts = { forwarded: 5, skipped: 7, kept: 1 };
    for (const date of [
      '2026-11-21T10:10:00Z',
      '2026-11-21T09:00:00Z',
      '2026-11-21T10:20:00Z',
      '2026-11-21T12:00:00Z',
    ]) {
      await replay(anOrderRecord(anOrderAt(date)));
    }
    expect(counts).toEqual({ forwarded: 7, skipped: 8, kept: 2 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({
      OrderReplayed: [1, 1],
      OrderSkipped: 1,
      OrderKept: 1,
    });
  });

  it('lets a forwarding failure fail the record, without counting it', async () => {
    const failure = new Error('SendMessage refused');
    forwarder.failWith(failure);
    await expect(replay(anOrderRecord(anOrderAt('2026-11-21T10:30:00Z')))).rejects.toBe(failure);
    expect(counts).toEqual({ forwarded: 0, skipped: 0, kept: 0 });
    expect(recordedMetrics(dependencies.metrics)).toEqual({});
  });

  it('lets a failure to keep an order fail the record, so that the original stays', async () => {
    keeper.failWith(new Error('Access denied'));
    await expect(replay(anOrderRecord(anOrderAt('2026-11-21T12:30:00Z')))).rejects.toThrow('Access denied');
    expect(counts).toEqual({ forwarded: 0, skipped: 0, kept: 0 });
  });

  it('waits for the pacing slot of an order before forwarding it', async () => {
    now = Date.now();
    const started = Date.now();
    await replay(anOrderRecord(anOrderAt('2026-11-21T10:30:00Z')), REPLAY, started + 150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(forwarder.forwarded).toHaveLength(1);
  });

  it('leaves an order without a pacing slot in the replay queue for a later batch', async () => {
    const record = anOrderRecord(anOrderAt('2026-11-21T10:30:00Z'));
    await expect(replay(record, REPLAY, 'later')).rejects.toThrow(PacedForLaterError);
    expect(forwarder.forwarded).toEqual([]);
    expect(counts).toEqual({ forwarded: 0, skipped: 0, kept: 0 });
  });

  it("uses the window of the replay it is given, so another replay's window decides differently", async () => {
    const record = anOrderRecord(anOrderAt('2026-11-21T10:30:00Z'));
    const later = aReplayState({
      replayId: 'replay-2',
      since: '2026-11-21T10:45:00Z',
      until: '2026-11-21T11:45:00Z',
    });
    await replay(record, later);
    expect(counts).toEqual({ forwarded: 0, skipped: 1, kept: 0 });
    await replay(record, REPLAY);
    expect(counts).toEqual({ forwarded: 1, skipped: 1, kept: 0 });
  });
});

describe('hasUsableWindow', () => {
  const replay = (since: string, until: string) => aReplayState({ since, until });

  it('accepts two valid instants in order', () => {
    expect(hasUsableWindow(replay('2026-11-21T10:00:00Z', '2026-11-21T11:00:00Z'))).toBe(true);
  });

  it('refuses a window with a missing or invalid bound, or an empty one, which would skip every order', () => {
    expect(hasUsableWindow(replay('', '2026-11-21T11:00:00Z'))).toBe(false);
    expect(hasUsableWindow(replay('2026-11-21T10:00:00Z', 'soon'))).toBe(false);
    expect(hasUsableWindow(replay('2026-11-21T11:00:00Z', '2026-11-21T11:00:00Z'))).toBe(false);
  });
});
