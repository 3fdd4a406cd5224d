/**
 * A dry run of a replay: every message of the replay queue is received once, judged as the replay function
 * would judge it in a replay started now (judgeMessage), and made visible again at once. Nothing is deleted
 * or sent.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { REPLAY_TICK_ATTRIBUTE } from '../../src/adapters/sqs-replay-queue';
import { judgeMessage, type ReplayReason, type ReplayWindow } from '../../src/domain/replay';
import { chunks, SQS_BATCH_LIMIT } from '../shared/queues';

/**
 * How long the received messages stay invisible while the queue is read. Short, so that a dry run that
 * is interrupted leaves them invisible for a minute at most; long enough to read thousands of messages.
 */
export const DRY_RUN_VISIBILITY_TIMEOUT_SECONDS = 60;

export interface DryRunCounts {
  /** Messages read (each once), ticks left out. */
  read: number;
  /** In the window: forwarded. */
  replay: number;
  /** Before the window: removed. */
  beforeWindow: number;
  /** At or after the window's end: kept in the replay queue. */
  afterWindow: number;
  /** Without an order time: removed. */
  noTime: number;
  /** Messages that reappeared during the read: it outlasted the visibility timeout, so the counts may miss some. */
  reappeared: number;
  /** Messages that could not be made visible again: they reappear after the visibility timeout. */
  notReleased: number;
}

export interface DryRunOptions {
  visibilityTimeoutSeconds?: number;
  /** Long polling: an empty answer then means the queue has nothing left, not that a server was skipped. */
  waitTimeSeconds?: number;
}

type Counter = 'replay' | 'beforeWindow' | 'afterWindow' | 'noTime';

/** Where the judgements of a replay started now are counted; ticks are not orders, and are not counted. */
const COUNTER: Partial<Record<ReplayReason, Counter>> = {
  'in-window': 'replay',
  'before-window': 'beforeWindow',
  'after-window': 'afterWindow',
  'no-time': 'noTime',
};

/** Reads the whole queue once, counts what a replay of `window` would do, and releases every message. */
export const countReplayQueue = async (
  sqs: SQSClient,
  queueUrl: string,
  window: ReplayWindow,
  { visibilityTimeoutSeconds = DRY_RUN_VISIBILITY_TIMEOUT_SECONDS, waitTimeSeconds = 1 }: DryRunOptions = {},
): Promise<DryRunCounts> => {
  const counts: DryRunCounts = {
    read: 0,
    replay: 0,
    beforeWindow: 0,
    afterWindow: 0,
    noTime: 0,
    reappeared: 0,
    notReleased: 0,
  };
  /** The latest receipt handle of every message received: the one that releases it. */
  const receipts = new Map<string, string>();
  // No SentTimestamp is given: no message counts as published during the replay, as none would.
  const replay = { replayId: 'dry-run', window, startedAt: new Date() };
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: SQS_BATCH_LIMIT,
          VisibilityTimeout: visibilityTimeoutSeconds,
          WaitTimeSeconds: waitTimeSeconds,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      let fresh = 0;
      for (const message of Messages) {
        const id = message.MessageId ?? message.ReceiptHandle ?? '';
        if (receipts.has(id)) counts.reappeared += 1;
        else {
          fresh += 1;
          const tickOf = message.MessageAttributes?.[REPLAY_TICK_ATTRIBUTE]?.StringValue;
          const counter = COUNTER[judgeMessage({ body: message.Body ?? '', tickOf }, replay).reason];
          if (counter) {
            counts.read += 1;
            counts[counter] += 1;
          }
        }
        if (message.ReceiptHandle) receipts.set(id, message.ReceiptHandle);
      }
      // Only messages already read: the first ones are visible again, everything has been seen.
      if (fresh === 0) break;
    }
  } finally {
    counts.notReleased = await release(sqs, queueUrl, [...receipts.values()]);
  }
  return counts;
};

/** Makes the messages visible again at once; returns how many could not be. */
const release = async (sqs: SQSClient, queueUrl: string, receiptHandles: string[]): Promise<number> => {
  let failed = 0;
  for (const group of chunks(receiptHandles)) {
    try {
      const { Failed = [] } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: group.map((receiptHandle, index) => ({
            Id: String(index),
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      failed += Failed.length;
    } catch {
      failed += group.length;
    }
  }
  return failed;
};
