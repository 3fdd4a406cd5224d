import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { ReplayCounts, ReplayState } from '../../adapters/dynamodb-replay-state';
import type { OrderForwarder } from '../../adapters/sqs-order-forwarder';
import { REPLAY_TICK_ATTRIBUTE } from '../../adapters/sqs-replay-queue';
import {
  type JudgingReplay,
  judgeMessage,
  keptCopyDelaySeconds,
  type ReplayJudgement,
  type ReplayWindow,
} from '../../domain/replay';

/** The message attribute that marks a replayed order, with the id of its replay. */
export const REPLAY_ID_ATTRIBUTE = 'replayId';

/** The message attribute of an order a replay kept in the replay queue for later replays: its replay id. */
export const KEPT_BY_REPLAY_ATTRIBUTE = 'keptByReplay';

export interface ReplayDependencies {
  /** Sends to the destination (the checkout queue). */
  forwarder: OrderForwarder;
  /** Puts kept orders back in the replay queue. */
  keeper: OrderForwarder;
  logger: Logger;
  metrics: Metrics;
  /** The current time in epoch ms (the pacing waits for it). */
  clock?: () => number;
}

export const windowOf = (replay: Pick<ReplayState, 'since' | 'until'>): ReplayWindow => ({
  since: new Date(replay.since),
  until: new Date(replay.until),
});

/** A stored window that is not two valid instants, in order, would skip (and so delete) every order. */
export const hasUsableWindow = (replay: ReplayState): boolean => {
  const { since, until } = windowOf(replay);
  return (
    !Number.isNaN(since.getTime()) && !Number.isNaN(until.getTime()) && since.getTime() < until.getTime()
  );
};

/** The record's message attributes as SendMessage takes them, without those named in `drop`. */
const sendableAttributes = (
  record: SQSRecord,
  drop: readonly string[],
): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(record.messageAttributes)
      .filter(([name]) => !drop.includes(name))
      .map(([name, value]) => [
        name,
        value.dataType.startsWith('Binary')
          ? { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue ?? '', 'base64') }
          : { DataType: value.dataType, StringValue: value.stringValue },
      ]),
  );

const marker = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/** The attributes of a forwarded order: the record's (not the mark of a replay that kept it), and `replayId`. */
export const replayAttributes = (
  record: SQSRecord,
  replayId: string,
): Record<string, MessageAttributeValue> => ({
  ...sendableAttributes(record, [KEPT_BY_REPLAY_ATTRIBUTE, REPLAY_ID_ATTRIBUTE]),
  [REPLAY_ID_ATTRIBUTE]: marker(replayId),
});

/** The attributes of a kept copy: the record's, marked as kept by this replay. */
export const keptAttributes = (
  record: SQSRecord,
  replayId: string,
): Record<string, MessageAttributeValue> => ({
  ...sendableAttributes(record, [KEPT_BY_REPLAY_ATTRIBUTE]),
  [KEPT_BY_REPLAY_ATTRIBUTE]: marker(replayId),
});

export const judgingReplayOf = (replay: ReplayState): JudgingReplay => ({
  replayId: replay.replayId,
  window: windowOf(replay),
  startedAt: new Date(replay.startedAt),
});

/** How the replay judges a record of the replay queue (see judgeMessage). */
export const judgeRecord = (record: SQSRecord, replay: JudgingReplay): ReplayJudgement => {
  const sent = Number(record.attributes.SentTimestamp);
  return judgeMessage(
    {
      body: record.body,
      sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent) : undefined,
      keptBy: record.messageAttributes[KEPT_BY_REPLAY_ATTRIBUTE]?.stringValue,
      tickOf: record.messageAttributes[REPLAY_TICK_ATTRIBUTE]?.stringValue,
    },
    replay,
  );
};

/** A record of a batch, as judged, with its pacing slot when the replay is paced. */
export interface PlannedRecord {
  record: SQSRecord;
  judgement: ReplayJudgement;
  /**
   * For an order to forward in a paced replay: when to send it (epoch ms), or `'later'` when the
   * invocation has no slot left for it (it goes back to the queue for a later batch).
   */
  slot?: number | 'later';
}

/** An order of the window that the pace leaves for a later batch: reported as a batch item failure. */
export class PacedForLaterError extends Error {
  constructor(messageId: string) {
    super(`order message ${messageId} waits for a later batch: this one has no pacing slot left for it`);
    this.name = 'PacedForLaterError';
  }
}

/**
 * Does what the judgement says with one record: forwards an order of the window (at its slot, when
 * paced), puts a kept order back in the replay queue (a copy, delayed), counts a discarded one; a tick
 * is only consumed. Throws when the record must stay in the queue (the event source then keeps it).
 */
export const replayRecord = async (
  { record, judgement, slot }: PlannedRecord,
  replay: ReplayState,
  { forwarder, keeper, logger, metrics, clock = Date.now }: ReplayDependencies,
  counts: ReplayCounts,
): Promise<void> => {
  const { action, reason } = judgement;
  switch (action) {
    case 'tick':
      return;
    case 'discard':
      counts.skipped += 1;
      metrics.addMetric('OrderSkipped', MetricUnit.Count, 1);
      logger.debug('Order discarded', { messageId: record.messageId, reason });
      return;
    case 'keep': {
      const delaySeconds = keptCopyDelaySeconds(new Date(replay.startedAt), new Date(clock()));
      await keeper.forward(record.body, keptAttributes(record, replay.replayId), { delaySeconds });
      // A copy kept again is the same order: it is counted once, when it is first kept.
      if (reason !== 'kept-by-this-replay') {
        counts.kept += 1;
        metrics.addMetric('OrderKept', MetricUnit.Count, 1);
      }
      logger.debug('Order kept for later replays', { messageId: record.messageId, reason, delaySeconds });
      return;
    }
    case 'forward': {
      if (slot === 'later') throw new PacedForLaterError(record.messageId);
      if (slot !== undefined) {
        const wait = slot - clock();
        if (wait > 0) await sleep(wait);
      }
      await forwarder.forward(record.body, replayAttributes(record, replay.replayId));
      counts.forwarded += 1;
      metrics.addMetric('OrderReplayed', MetricUnit.Count, 1);
    }
  }
};
