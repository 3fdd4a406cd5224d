import type { SQSRecord } from 'aws-lambda';
import type { ReplayState } from '../../src/adapters/dynamodb-replay-state';
import type { ProgressSample } from '../../src/domain/replay';
import { anOrder } from './order';
import { anOrderRecord, anSqsRecord } from './sqs';

/** The window of 2026-11-21 from 10:00 to 11:00 UTC. */
export const REPLAY_WINDOW = { since: '2026-11-21T10:00:00.000Z', until: '2026-11-21T11:00:00.000Z' };

/** When `aReplayState` starts its replay: after its window. */
export const REPLAY_STARTED_AT = '2026-11-21T12:00:00.000Z';

/** A running replay of REPLAY_WINDOW, started at REPLAY_STARTED_AT, with nothing counted yet. */
export const aReplayState = (overrides: Partial<ReplayState> = {}): ReplayState => ({
  replayId: 'replay-2026-11-21-1',
  ...REPLAY_WINDOW,
  startedAt: REPLAY_STARTED_AT,
  status: 'running',
  forwarded: 0,
  skipped: 0,
  kept: 0,
  ...overrides,
});

/** What a batch did, `secondsAfterStart` seconds after REPLAY_STARTED_AT. */
export const aProgressSample = (
  secondsAfterStart: number,
  counts: Partial<Omit<ProgressSample, 'at'>> = {},
): ProgressSample => ({
  at: new Date(REPLAY_STARTED_AT).getTime() + secondsAfterStart * 1000,
  forwarded: 0,
  skipped: 0,
  kept: 0,
  ...counts,
});

const attribute = (value: string) => ({
  dataType: 'String',
  stringValue: value,
  stringListValues: [],
  binaryListValues: [],
});

/**
 * An order dated `date` in the replay queue, sent there at `sentAt` (by default an hour before
 * REPLAY_STARTED_AT: before the replay began).
 */
export const aReplayQueueRecord = (
  date: string,
  { sentAt = '2026-11-21T11:00:00.000Z', keptBy }: { sentAt?: string; keptBy?: string } = {},
): SQSRecord => {
  const record = anOrderRecord(anOrder({ date }));
  record.attributes.SentTimestamp = String(new Date(sentAt).getTime());
  if (keptBy) record.messageAttributes.keptByReplay = attribute(keptBy);
  return record;
};

/** A tick a replay sent itself. */
export const aTickRecord = (replayId: string): SQSRecord => {
  const record = anSqsRecord(JSON.stringify({ replayTick: replayId }));
  record.messageAttributes.replayTick = attribute(replayId);
  return record;
};
