import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { ReplayCounts, ReplayState } from '../../adapters/dynamodb-replay-state';
import type { OrderForwarder } from '../../adapters/sqs-order-forwarder';
import { type ReplayWindow, replayDecision } from '../../domain/replay';

/** The message attribute that marks a replayed order, with the id of its replay. */
export const REPLAY_ID_ATTRIBUTE = 'replayId';

export interface ReplayDependencies {
  forwarder: OrderForwarder;
  logger: Logger;
  metrics: Metrics;
}

export const windowOf = (replay: ReplayState): ReplayWindow => ({
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

/** The record's message attributes as SendMessage takes them, plus the replay marker. */
export const replayAttributes = (
  record: SQSRecord,
  replayId: string,
): Record<string, MessageAttributeValue> => ({
  ...Object.fromEntries(
    Object.entries(record.messageAttributes).map(([name, value]) => [
      name,
      value.dataType.startsWith('Binary')
        ? { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue ?? '', 'base64') }
        : { DataType: value.dataType, StringValue: value.stringValue },
    ]),
  ),
  [REPLAY_ID_ATTRIBUTE]: { DataType: 'String', StringValue: replayId },
});

/**
 * Forwards one order of the replay queue to the destination when its time is in the window; any other
 * order is counted as skipped, and leaves the replay queue (the event source deletes it).
 */
export const replayRecord = async (
  record: SQSRecord,
  replay: ReplayState,
  { forwarder, logger, metrics }: ReplayDependencies,
  counts: ReplayCounts,
): Promise<void> => {
  const decision = replayDecision(record.body, windowOf(replay));
  if (decision !== 'replay') {
    counts.skipped += 1;
    metrics.addMetric('OrderSkipped', MetricUnit.Count, 1);
    logger.debug('Order not replayed', { messageId: record.messageId, reason: decision });
    return;
  }
  await forwarder.forward(record.body, replayAttributes(record, replay.replayId));
  counts.forwarded += 1;
  metrics.addMetric('OrderReplayed', MetricUnit.Count, 1);
};
