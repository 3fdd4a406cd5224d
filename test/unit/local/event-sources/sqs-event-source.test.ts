import type { SQSRecord } from 'aws-lambda';
import { failedMessageIds, toSqsRecord } from '../../../../local/event-sources/sqs-event-source';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:shop-Queue';

const batch: SQSRecord[] = ['m-1', 'm-2', 'm-3'].map((messageId) =>
  toSqsRecord(
    { MessageId: messageId, ReceiptHandle: `rh-${messageId}`, Body: messageId },
    QUEUE_ARN,
    'us-east-1',
  ),
);
const ok = (result: unknown) => ({ ok: true, result });
const ids = (set: Set<string>) => [...set].sort();

describe('failedMessageIds', () => {
  it('fails the whole batch when the invocation failed', () => {
    expect(ids(failedMessageIds(batch, { ok: false }, true))).toEqual(['m-1', 'm-2', 'm-3']);
    expect(ids(failedMessageIds(batch, { ok: false }, false))).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('ignores a response without ReportBatchItemFailures: a successful invocation succeeds for all', () => {
    expect(
      ids(failedMessageIds(batch, ok({ batchItemFailures: [{ itemIdentifier: 'm-1' }] }), false)),
    ).toEqual([]);
  });

  it('fails exactly the reported messages', () => {
    const result = ok({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] });
    expect(ids(failedMessageIds(batch, result, true))).toEqual(['m-2', 'm-3']);
  });

  it.each([
    ['an empty list', { batchItemFailures: [] }],
    ['no batchItemFailures', { something: 'else' }],
    ['null batchItemFailures', { batchItemFailures: null }],
    ['a null response', null],
  ])('treats %s as complete success', (_, result) => {
    expect(ids(failedMessageIds(batch, ok(result), true))).toEqual([]);
  });

  it.each([
    [
      'an unknown itemIdentifier',
      { batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-9' }] },
    ],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a missing itemIdentifier', { batchItemFailures: [{}] }],
    ['a null entry', { batchItemFailures: [null] }],
    ['a non-string itemIdentifier', { batchItemFailures: [{ itemIdentifier: 1 }] }],
    ['batchItemFailures that is not a list', { batchItemFailures: 'm-1' }],
  ])('fails the whole batch for %s, as Lambda does', (_, result) => {
    expect(ids(failedMessageIds(batch, ok(result), true))).toEqual(['m-1', 'm-2', 'm-3']);
  });
});

describe('toSqsRecord', () => {
  it("gives a message Lambda's SQS event record shape", () => {
    const record = toSqsRecord(
      {
        MessageId: 'id-1',
        ReceiptHandle: 'receipt-1',
        Body: '{"id":"order-1"}',
        MD5OfBody: 'abc',
        Attributes: {
          ApproximateReceiveCount: '2',
          SentTimestamp: '1700000000000',
          SenderId: 'AIDEXAMPLE',
          ApproximateFirstReceiveTimestamp: '1700000000100',
        },
        MessageAttributes: {
          currency: { DataType: 'String', StringValue: 'EUR' },
          amount: { DataType: 'Number', StringValue: '12.5' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('hi') },
        },
      },
      QUEUE_ARN,
      'us-east-1',
    );
    expect(record).toEqual({
      messageId: 'id-1',
      receiptHandle: 'receipt-1',
      body: '{"id":"order-1"}',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1700000000100',
      },
      messageAttributes: {
        currency: { dataType: 'String', stringValue: 'EUR', stringListValues: [], binaryListValues: [] },
        amount: { dataType: 'Number', stringValue: '12.5', stringListValues: [], binaryListValues: [] },
        blob: {
          dataType: 'Binary',
          stringValue: undefined,
          binaryValue: Buffer.from('hi').toString('base64'),
          stringListValues: [],
          binaryListValues: [],
        },
      },
      md5OfBody: 'abc',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'us-east-1',
    });
  });

  it('fills the system attributes a message lacks', () => {
    const record = toSqsRecord({ MessageId: 'id-2', Body: '' }, QUEUE_ARN, 'eu-west-1');
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(record.messageAttributes).toEqual({});
    expect(record.awsRegion).toBe('eu-west-1');
  });
});
