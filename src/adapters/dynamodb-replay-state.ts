import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  MAXIMUM_SAMPLES,
  type ProgressSample,
  reserveSlots,
  type SlotRequest,
  type SlotReservation,
} from '../domain/replay';

export type ReplayStatusName = 'running' | 'stopped' | 'completed';

/** The event source mapping's settings before a paced replay changed them: restored when it ends. */
export interface MappingSettings {
  batchSize?: number | undefined;
  /** ScalingConfig.MaximumConcurrency; undefined when the mapping had none. */
  maximumConcurrency?: number | undefined;
}

/** The replay an operator started: its window (ISO instants), its state, its counts and its progress. */
export interface ReplayState {
  replayId: string;
  since: string;
  until: string;
  startedAt: string;
  status: ReplayStatusName;
  stoppedAt?: string;
  /** When the replay function found the replay queue holding nothing of the window any more. */
  completedAt?: string;
  forwarded: number;
  skipped: number;
  /**
   * Orders kept in the replay queue for later replays (copies put back), each counted once; 0 when absent
   * (replays recorded before kept orders were counted).
   */
  kept?: number;
  /** The replay function's event source mapping: the function disables it when the replay completes. */
  mappingUuid?: string;
  /** The pace asked for with --rate, in orders per second; undefined: as fast as the mapping goes. */
  rate?: number;
  /** The mapping's settings before --rate changed them, restored when the replay completes or stops. */
  mappingBefore?: MappingSettings;
  /** The first pacing slot nobody holds yet (epoch ms). */
  nextSlotAt?: number;
  /** When the last tick the replay function claimed comes back (epoch ms). */
  tickDueAt?: number;
  /** Ticks the replay function sent itself that have not come back yet (they wait in the replay queue). */
  ticks?: number;
  /** What the last batches did (at most MAXIMUM_SAMPLES), for the current rate. */
  samples?: ProgressSample[];
}

export interface ReplayCounts {
  forwarded: number;
  skipped: number;
  kept: number;
}

/** What `start` records: the rest (status, counts, progress) starts afresh. */
export type NewReplay = Pick<ReplayState, 'replayId' | 'since' | 'until' | 'startedAt'> &
  Partial<Pick<ReplayState, 'mappingUuid' | 'rate' | 'mappingBefore'>>;

/** A replay cannot start while another one runs: there is one replay queue, and one window. */
export class ReplayAlreadyRunningError extends Error {
  constructor(readonly running: ReplayState | undefined) {
    super(
      running
        ? `replay ${running.replayId} is already running`
        : 'another replay started at the same time is running',
    );
    this.name = 'ReplayAlreadyRunningError';
  }
}

/** A batch's counts belong to a replay that is no longer the current one: another has started since. */
export class ReplaySupersededError extends Error {
  constructor(readonly replayId: string) {
    super(`replay ${replayId} is no longer the current replay: another one has started since`);
    this.name = 'ReplaySupersededError';
  }
}

/** The current replay lives in one item of the pipeline's state table. */
const CURRENT = { replay: 'current' };

/** Attempts at reserving pacing slots against other invocations doing the same. */
const RESERVATION_ATTEMPTS = 25;

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** An item as stored, with the fields older items lack given their starting values. */
const stateOf = (item: Record<string, unknown>): ReplayState => {
  const { replay: _key, ...state } = item;
  return { ...(state as unknown as ReplayState), kept: Number(state.kept ?? 0) };
};

export class DynamoDbReplayStateStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async current(): Promise<ReplayState | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: CURRENT, ConsistentRead: true }),
    );
    return Item ? stateOf(Item) : undefined;
  }

  /**
   * Records a new running replay in place of the previous one, which must not be running (stopped or
   * completed): the condition makes two operators starting a replay at the same instant end with one
   * replay, not two windows.
   */
  async start(replay: NewReplay): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...CURRENT, ...replay, status: 'running', forwarded: 0, skipped: 0, kept: 0, samples: [] },
          ConditionExpression: 'attribute_not_exists(#status) OR #status <> :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ReplayAlreadyRunningError(await this.current());
      throw error;
    }
  }

  /**
   * Adds a batch's counts to the replay, and a progress sample dated `at` when the batch did anything, and
   * takes the replay's ticks the batch consumed off its pending ones; gives back the replay as it is after.
   * `ReplaySupersededError` if another replay has started since (the counts of a batch that ends after its
   * replay stopped or completed are still added).
   */
  async addCounts(
    replayId: string,
    counts: ReplayCounts,
    at = Date.now(),
    consumedTicks = 0,
  ): Promise<ReplayState> {
    const { forwarded, skipped, kept } = counts;
    const sampled = forwarded + skipped + kept > 0;
    let state: ReplayState;
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CURRENT,
          UpdateExpression: `ADD forwarded :forwarded, skipped :skipped, kept :kept${consumedTicks > 0 ? ', ticks :ticks' : ''}${sampled ? ' SET samples = list_append(if_not_exists(samples, :none), :sample)' : ''}`,
          ConditionExpression: 'replayId = :replayId',
          ExpressionAttributeValues: {
            ':forwarded': forwarded,
            ':skipped': skipped,
            ':kept': kept,
            ':replayId': replayId,
            ...(consumedTicks > 0 ? { ':ticks': -consumedTicks } : {}),
            ...(sampled ? { ':none': [], ':sample': [{ at, forwarded, skipped, kept }] } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      state = stateOf(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new ReplaySupersededError(replayId);
      throw error;
    }
    const excess = (state.samples?.length ?? 0) - MAXIMUM_SAMPLES;
    if (excess > 0) await this.trimSamples(replayId, excess);
    return state;
  }

  /** Drops the oldest samples; another batch trimming at the same time may drop a few more. */
  private async trimSamples(replayId: string, excess: number) {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CURRENT,
          UpdateExpression: `REMOVE ${Array.from({ length: excess }, (_, index) => `samples[${index}]`).join(', ')}`,
          ConditionExpression: 'replayId = :replayId AND size(samples) > :maximum',
          ExpressionAttributeValues: { ':replayId': replayId, ':maximum': MAXIMUM_SAMPLES },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Reserves pacing slots for `wanted` orders of a replay running at `rate` (see reserveSlots): the first
   * free slot moves on with a conditional write, so that concurrent invocations never share a slot.
   * `known` is the replay as the invocation read it, to save a read. `ReplaySupersededError` if another
   * replay has started since.
   */
  async reserveSlots(
    replayId: string,
    request: Omit<SlotRequest, 'nextSlotAt' | 'now'>,
    known?: ReplayState,
    clock: () => number = Date.now,
  ): Promise<SlotReservation> {
    let state = known;
    for (let attempt = 1; ; attempt += 1) {
      if (!state || state.replayId !== replayId) state = await this.current();
      if (state?.replayId !== replayId) throw new ReplaySupersededError(replayId);
      const previous = state.nextSlotAt;
      const reservation = reserveSlots({ ...request, nextSlotAt: previous, now: clock() });
      if (reservation.slots.length === 0) return reservation;
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: CURRENT,
            UpdateExpression: 'SET nextSlotAt = :next',
            ConditionExpression: `replayId = :replayId AND ${previous === undefined ? 'attribute_not_exists(nextSlotAt)' : 'nextSlotAt = :previous'}`,
            ExpressionAttributeValues: {
              ':next': reservation.nextSlotAt,
              ':replayId': replayId,
              ...(previous === undefined ? {} : { ':previous': previous }),
            },
          }),
        );
        return reservation;
      } catch (error) {
        if (!isConditionFailure(error) || attempt >= RESERVATION_ATTEMPTS) throw error;
        state = undefined;
      }
    }
  }

  /**
   * Claims the next tick of a running replay, due at `dueAt` (epoch ms), and counts it as pending: true when
   * no other tick is due before it, so that batches ending together send one tick, not one each.
   */
  async claimTick(replayId: string, dueAt: number, now = Date.now()): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CURRENT,
          UpdateExpression: 'SET tickDueAt = :due ADD ticks :one',
          ConditionExpression:
            'replayId = :replayId AND #status = :running AND (attribute_not_exists(tickDueAt) OR tickDueAt <= :now OR tickDueAt > :due)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':due': dueAt,
            ':now': now,
            ':one': 1,
            ':replayId': replayId,
            ':running': 'running',
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Takes back a claimed tick that could not be sent. */
  async releaseTick(replayId: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CURRENT,
          UpdateExpression: 'ADD ticks :minusOne',
          ConditionExpression: 'replayId = :replayId',
          ExpressionAttributeValues: { ':minusOne': -1, ':replayId': replayId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Marks the running replay `replayId` completed; false when it is not running (any more). */
  async markCompleted(replayId: string, completedAt: string): Promise<boolean> {
    return this.finish(replayId, 'completed', 'completedAt', completedAt);
  }

  /** Marks the running replay `replayId` stopped; false when it is not running (any more). */
  async markStopped(replayId: string, stoppedAt: string): Promise<boolean> {
    return this.finish(replayId, 'stopped', 'stoppedAt', stoppedAt);
  }

  private async finish(
    replayId: string,
    status: Exclude<ReplayStatusName, 'running'>,
    timeAttribute: 'completedAt' | 'stoppedAt',
    at: string,
  ) {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CURRENT,
          UpdateExpression: `SET #status = :status, ${timeAttribute} = :at`,
          ConditionExpression: 'replayId = :replayId AND #status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': at,
            ':replayId': replayId,
            ':running': 'running',
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
