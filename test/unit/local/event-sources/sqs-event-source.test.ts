import type { SQSRecord } from 'aws-lambda';
import { failedMessageIds } from '../../../../local/event-sources/sqs-event-source';
import { toSqsRecord } from '../../../../src/adapters/sqs-event-records';

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
