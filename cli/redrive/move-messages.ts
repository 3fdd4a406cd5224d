/**
 * Moving messages by hand, where SQS's message move tasks are not available (moto) or do not apply (the
 * dead-letter queue of an SNS subscription): receive, send to the destination with the same body and
 * message attributes, and only then delete from the dead-letter queue; until it is empty.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SQS_BATCH_LIMIT, sendableAttributes } from '../shared/queues';

/** How long received messages stay invisible: a message that could not be sent is retried after it. */
export const MOVE_VISIBILITY_TIMEOUT_SECONDS = 60;

export interface MoveOptions {
  /** At most this many messages per second; as fast as possible when absent. */
  maxPerSecond?: number | undefined;
  /** Message attributes not to copy. */
  dropAttributes?: readonly string[];
  visibilityTimeoutSeconds?: number;
  /** Long polling in AWS, so that an empty answer means an empty queue; 0 is enough for moto. */
  waitTimeSeconds?: number;
  /** Called after each batch, for progress. */
  onBatch?: (moved: number) => void;
  /** The clock and the pause, for tests of the rate. */
  now?: () => number;
  pause?: (ms: number) => Promise<unknown>;
}

export interface MoveResult {
  moved: number;
  /** Messages that could not be sent: they stay in the dead-letter queue. */
  notSent: number;
  /** Messages sent but not deleted from the dead-letter queue: they would be sent again by another redrive. */
  notDeleted: number;
  /** The first reasons SQS gave, for the report. */
  reasons: string[];
}

const entryOf = (
  message: Message,
  id: string,
  dropAttributes: readonly string[],
): SendMessageBatchRequestEntry => {
  const attributes = sendableAttributes(message, dropAttributes);
  const groupId = message.Attributes?.MessageGroupId;
  const deduplicationId = message.Attributes?.MessageDeduplicationId;
  return {
    Id: id,
    MessageBody: message.Body ?? '',
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    ...(groupId ? { MessageGroupId: groupId } : {}),
    ...(deduplicationId ? { MessageDeduplicationId: deduplicationId } : {}),
  };
};

export const moveMessages = async (
  sqs: SQSClient,
  fromUrl: string,
  toUrl: string,
  {
    maxPerSecond,
    dropAttributes = [],
    visibilityTimeoutSeconds = MOVE_VISIBILITY_TIMEOUT_SECONDS,
    waitTimeSeconds = 1,
    onBatch,
    now = Date.now,
    pause = sleep,
  }: MoveOptions = {},
): Promise<MoveResult> => {
  const result: MoveResult = { moved: 0, notSent: 0, notDeleted: 0, reasons: [] };
  const note = (reason: string | undefined) => {
    if (reason && result.reasons.length < 3 && !result.reasons.includes(reason)) result.reasons.push(reason);
  };
  const started = now();
  let received = 0;
  for (;;) {
    if (maxPerSecond) {
      const due = started + (received / maxPerSecond) * 1000;
      if (due > now()) await pause(due - now());
    }
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: fromUrl,
        MaxNumberOfMessages: Math.min(SQS_BATCH_LIMIT, maxPerSecond ?? SQS_BATCH_LIMIT),
        VisibilityTimeout: visibilityTimeoutSeconds,
        WaitTimeSeconds: waitTimeSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    if (Messages.length === 0) break;
    received += Messages.length;
    const byId = new Map(Messages.map((message, index) => [String(index), message]));
    const { Successful = [], Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: toUrl,
        Entries: [...byId].map(([id, message]) => entryOf(message, id, dropAttributes)),
      }),
    );
    result.notSent += Failed.length;
    for (const failure of Failed) note(failure.Message ?? failure.Code);
    // Only what was sent leaves the dead-letter queue; the rest reappears after the visibility timeout.
    const sent = Successful.flatMap(({ Id }) => {
      const receiptHandle = Id === undefined ? undefined : byId.get(Id)?.ReceiptHandle;
      return receiptHandle ? [{ Id: Id as string, ReceiptHandle: receiptHandle }] : [];
    });
    if (sent.length > 0) {
      const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: fromUrl, Entries: sent }));
      result.notDeleted += deleted.Failed?.length ?? 0;
      for (const failure of deleted.Failed ?? []) note(failure.Message ?? failure.Code);
    }
    result.moved += sent.length;
    onBatch?.(result.moved);
  }
  return result;
};
