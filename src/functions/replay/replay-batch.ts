import type { BatchProcessor } from '@aws-lambda-powertools/batch';
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type DynamoDbReplayStateStore,
  type ReplayCounts,
  type ReplayState,
  ReplaySupersededError,
} from '../../adapters/dynamodb-replay-state';
import { type EventSourceMappingUpdate, isPolling } from '../../adapters/event-source-mapping-state';
import type { EventSourceMappingsOnDemand } from '../../adapters/lambda-event-source-mapping-on-demand';
import type { OrderForwarder } from '../../adapters/sqs-order-forwarder';
import { REPLAY_TICK_ATTRIBUTE, type SqsReplayQueue } from '../../adapters/sqs-replay-queue';
import { completionCheck, MAXIMUM_DELAY_SECONDS, TICK_DELAY_SECONDS } from '../../domain/replay';
import {
  hasUsableWindow,
  judgeRecord,
  judgingReplayOf,
  type PlannedRecord,
  replayRecord,
} from './replay-orders';

export interface ReplayBatchDependencies {
  replays: DynamoDbReplayStateStore;
  forwarder: OrderForwarder;
  replayQueue: SqsReplayQueue;
  /** Loaded when a replay completes, not at init. */
  mappings: EventSourceMappingsOnDemand;
  processor: BatchProcessor;
  logger: Logger;
  metrics: Metrics;
}

const isTick = (record: SQSRecord) => record.messageAttributes[REPLAY_TICK_ATTRIBUTE] !== undefined;
const ownTickOf = (record: SQSRecord, replayId: string) =>
  record.messageAttributes[REPLAY_TICK_ATTRIBUTE]?.stringValue === replayId;

/** Time kept, at the end of an invocation, for sending the last paced order and counting the batch. */
const PACING_MARGIN_MS = 5_000;

const everyOrderKept = (event: SQSEvent): SQSBatchResponse => ({
  batchItemFailures: event.Records.map(({ messageId }) => ({ itemIdentifier: messageId })),
});

/** Every order stays in the replay queue; ticks, which only a running replay reads, are consumed. */
const everyOrderKeptButTicks = (event: SQSEvent): SQSBatchResponse => ({
  batchItemFailures: event.Records.filter((record) => !isTick(record)).map(({ messageId }) => ({
    itemIdentifier: messageId,
  })),
});

/** The mapping as it should be once the replay has ended: disabled, with its settings from before --rate. */
const endOfReplay = (replay: ReplayState): EventSourceMappingUpdate => ({
  enabled: false,
  ...(replay.mappingBefore?.batchSize !== undefined ? { batchSize: replay.mappingBefore.batchSize } : {}),
  ...(replay.mappingBefore?.maximumConcurrency !== undefined
    ? { maximumConcurrency: replay.mappingBefore.maximumConcurrency }
    : {}),
});

/**
 * One batch of the replay queue for the current replay: judge each message against the window, pace the
 * orders to forward, forward, keep or remove them, count the batch, then look at whether the replay is
 * complete.
 */
export const createReplayBatch = ({
  replays,
  forwarder,
  replayQueue,
  mappings,
  processor,
  logger,
  metrics,
}: ReplayBatchDependencies) => {
  /**
   * Disables the event source mapping of a completed replay (and restores its settings). When Lambda
   * refuses because the mapping is changing already, a tick comes back to try again.
   */
  const endMapping = async (replay: ReplayState) => {
    const uuid = replay.mappingUuid;
    if (!uuid) {
      logger.error(
        `Replay ${replay.replayId} completed but its state names no event source mapping; disable it with \`npm run replay -- stop\``,
      );
      return;
    }
    const eventSourceMappings = await mappings();
    try {
      const mapping = await eventSourceMappings.get(uuid);
      if (!isPolling(mapping)) return;
      await eventSourceMappings.update(uuid, endOfReplay(replay));
      logger.info('Disabled the replay event source mapping: the replay is complete', { mapping: uuid });
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') throw error;
      logger.warn('The replay event source mapping is changing state; trying again shortly', {
        mapping: uuid,
      });
      await replayQueue.tick(replay.replayId, TICK_DELAY_SECONDS);
      return;
    }
    // A replay started in the instant between the completion and the update needs the mapping on again.
    const current = await replays.current();
    if (current?.status === 'running' && current.replayId !== replay.replayId) {
      await eventSourceMappings.update(uuid, { enabled: true });
      logger.warn('Another replay started as this one completed: its event source mapping is enabled again', {
        nextReplayId: current.replayId,
      });
    }
  };

  /**
   * After a batch that returned nothing to the queue: completes the replay when the replay queue holds
   * nothing of its window any more (see completionCheck), or sends a tick to look again. Failures here do not
   * fail the batch (it is done, and counted): the next batch, or the pending tick, looks again.
   */
  const lookAtCompletion = async (replay: ReplayState, batchSize: number) => {
    try {
      const now = new Date();
      const check = completionCheck({
        now,
        until: new Date(replay.until),
        batchSize,
        kept: replay.kept ?? 0,
        pendingTicks: replay.ticks ?? 0,
        queue: await replayQueue.counts(),
      });
      if (check.complete) {
        if (!(await replays.markCompleted(replay.replayId, now.toISOString()))) return;
        metrics.addMetric('ReplayCompleted', MetricUnit.Count, 1);
        logger.info('Replay completed: the replay queue holds nothing of its window any more', {
          forwarded: replay.forwarded,
          skipped: replay.skipped,
          kept: replay.kept,
        });
        await endMapping(replay);
        return;
      }
      logger.debug('Replay not complete yet', { reason: check.reason });
      // One tick at a time: batches that end together send one, not one each.
      const delaySeconds = Math.min(MAXIMUM_DELAY_SECONDS, Math.max(1, check.lookAgainInSeconds));
      if (await replays.claimTick(replay.replayId, now.getTime() + delaySeconds * 1000, now.getTime())) {
        await replayQueue.tick(replay.replayId, delaySeconds).catch(async (error: Error) => {
          await replays.releaseTick(replay.replayId);
          throw error;
        });
      }
    } catch (error) {
      logger.error('Could not look at the completion of the replay; the next batch looks again', {
        error: error as Error,
      });
    }
  };

  /** Gives each order to forward its pacing slot, or `'later'` past the invocation's last usable slot. */
  const pace = async (replay: ReplayState, plan: PlannedRecord[], context: Context) => {
    const forwards = plan.filter(({ judgement }) => judgement.action === 'forward');
    if (!replay.rate || forwards.length === 0) return;
    const { slots } = await replays.reserveSlots(
      replay.replayId,
      {
        rate: replay.rate,
        wanted: forwards.length,
        deadline: Date.now() + context.getRemainingTimeInMillis() - PACING_MARGIN_MS,
      },
      replay,
    );
    forwards.forEach((planned, index) => {
      planned.slot = slots[index] ?? 'later';
    });
    if (slots.length < forwards.length) {
      logger.info('Orders left for a later batch by the pace of the replay', {
        rate: replay.rate,
        later: forwards.length - slots.length,
      });
    }
  };

  const replayBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const replay = await replays.current();
    const keepEveryOrder = (reason: string) => {
      // Nothing is skipped or deleted without a usable window: every order stays in the replay queue.
      logger.error(`${reason}; stop it with \`npm run replay -- stop\``);
      return everyOrderKeptButTicks(event);
    };
    if (replay?.status === 'completed') {
      // Lambda may still deliver a batch or two while the mapping is being disabled.
      logger.warn(`Replay ${replay.replayId} is complete: this batch stays in the replay queue`);
      await endMapping(replay).catch((error: Error) =>
        logger.error('Could not disable the event source mapping of the completed replay', { error }),
      );
      return everyOrderKeptButTicks(event);
    }
    if (replay?.status !== 'running')
      return keepEveryOrder('The replay event source is enabled but no replay is running');
    if (!hasUsableWindow(replay)) return keepEveryOrder(`Replay ${replay.replayId} has no usable window`);
    logger.appendKeys({ replayId: replay.replayId });
    const judging = judgingReplayOf(replay);
    const plan = event.Records.map((record) => ({ record, judgement: judgeRecord(record, judging) }));
    const planned = new Map<string, PlannedRecord>(plan.map((entry) => [entry.record.messageId, entry]));
    const superseded = (counts?: ReplayCounts) => {
      // An operator stopped this replay and started another while the batch ran. The batch is not an error:
      // every order of it goes back to the replay queue for the new replay's window to judge (the orders
      // already forwarded may be forwarded again; checkout processing is idempotent).
      logger.warn('Another replay started during this batch; its orders stay in the replay queue for it', {
        ...counts,
      });
      return everyOrderKept(event);
    };
    try {
      await pace(replay, plan, context);
    } catch (error) {
      if (error instanceof ReplaySupersededError) return superseded();
      throw error;
    }
    const counts: ReplayCounts = { forwarded: 0, skipped: 0, kept: 0 };
    const deps = { forwarder, keeper: replayQueue.keeper, logger, metrics };
    const response = await processPartialResponse(
      event,
      (record: SQSRecord) =>
        replayRecord(planned.get(record.messageId) as PlannedRecord, replay, deps, counts),
      processor,
      { context, throwOnFullBatchFailure: false },
    );
    // Its own ticks, consumed here, are no longer pending.
    const ticks = event.Records.filter((record) => ownTickOf(record, replay.replayId)).length;
    let after: ReplayState;
    try {
      after = await replays.addCounts(replay.replayId, counts, Date.now(), ticks);
    } catch (error) {
      if (error instanceof ReplaySupersededError) return superseded(counts);
      throw error;
    }
    const failed = response.batchItemFailures.length;
    logger.info('Replayed a batch', { ...counts, failed });
    // Orders returned to the queue come back as a batch of their own, which looks at completion then.
    if (failed === 0 && after.status === 'running') await lookAtCompletion(after, event.Records.length);
    return response;
  };

  return replayBatch;
};
