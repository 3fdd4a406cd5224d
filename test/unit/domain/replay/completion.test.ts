import {
  type CompletionInput,
  completionCheck,
  keptCopyDelaySeconds,
  SAFETY_TICK_DELAY_SECONDS,
  TICK_DELAY_SECONDS,
  WINDOW_TICK_DELAY_SECONDS,
} from '../../../../src/domain/replay';

const UNTIL = new Date('2026-11-21T11:00:00Z');
const NOW = new Date('2026-11-21T12:00:00Z');

/** After a batch of 10 of a replay that kept 40 copies, with only that batch and the copies in the queue. */
const input = (overrides: Partial<CompletionInput> = {}): CompletionInput => ({
  now: NOW,
  until: UNTIL,
  batchSize: 10,
  kept: 40,
  pendingTicks: 0,
  queue: { waiting: 0, inFlight: 10, delayed: 40 },
  ...overrides,
});

describe('when a replay is complete', () => {
  it('is complete when the queue holds only the copies it kept and the batch being finished', () => {
    expect(completionCheck(input())).toEqual({ complete: true });
  });

  it('is complete whether the kept copies are still delayed or waiting again', () => {
    expect(completionCheck(input({ queue: { waiting: 25, inFlight: 10, delayed: 15 } }))).toEqual({
      complete: true,
    });
  });

  it('counts its own pending ticks as accounted for', () => {
    const queue = { waiting: 0, inFlight: 10, delayed: 42 };
    expect(completionCheck(input({ queue, pendingTicks: 2 })).complete).toBe(true);
    expect(completionCheck(input({ queue, pendingTicks: 1 })).complete).toBe(false);
  });

  it('is not complete while a single message it has not judged is in the queue, and looks again', () => {
    expect(completionCheck(input({ queue: { waiting: 0, inFlight: 10, delayed: 41 } }))).toEqual({
      complete: false,
      reason: 'the replay queue holds 1 messages beyond the 40 copies kept by this replay and this batch',
      lookAgainInSeconds: TICK_DELAY_SECONDS,
    });
  });

  it('is not complete while another batch is in flight, and looks again soon when nothing waits', () => {
    expect(completionCheck(input({ queue: { waiting: 0, inFlight: 20, delayed: 40 } }))).toMatchObject({
      complete: false,
      lookAgainInSeconds: TICK_DELAY_SECONDS,
    });
  });

  it('is not complete while messages it has not judged wait: their batches look again, a tick later too', () => {
    expect(completionCheck(input({ queue: { waiting: 500, inFlight: 10, delayed: 40 } }))).toMatchObject({
      complete: false,
      lookAgainInSeconds: SAFETY_TICK_DELAY_SECONDS,
    });
  });

  it('counts copies kept by an earlier replay, still delayed, as not judged yet', () => {
    expect(
      completionCheck(input({ kept: 0, queue: { waiting: 0, inFlight: 10, delayed: 40 } })).complete,
    ).toBe(false);
  });

  it('is not complete before the window has ended, and looks again when it ends, a minute at a time', () => {
    expect(completionCheck(input({ until: new Date(NOW.getTime() + 30_500) }))).toEqual({
      complete: false,
      reason: 'the window has not ended yet',
      lookAgainInSeconds: 31,
    });
    expect(completionCheck(input({ until: new Date(NOW.getTime() + 3_600_000) }))).toMatchObject({
      lookAgainInSeconds: WINDOW_TICK_DELAY_SECONDS,
    });
  });
});

describe('how long a kept copy stays out of sight', () => {
  const startedAt = new Date('2026-11-21T12:00:00Z');
  const secondsLater = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000);

  it('is as long as the replay has run so far, between 10 s and the 15 minutes SQS allows', () => {
    expect(keptCopyDelaySeconds(startedAt, secondsLater(0))).toBe(10);
    expect(keptCopyDelaySeconds(startedAt, secondsLater(42))).toBe(42);
    expect(keptCopyDelaySeconds(startedAt, secondsLater(3600))).toBe(900);
  });
});
