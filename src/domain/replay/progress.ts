/**
 * A replay's progress as its status shows it: what each batch did (kept as samples in the replay's state),
 * the current rates over the last seconds, what is left and how long it should take.
 */

/** What one batch did, when it ended. */
export interface ProgressSample {
  /** When the batch ended (epoch ms). */
  at: number;
  forwarded: number;
  skipped: number;
  /** Kept for later replays, for the first time (copies kept again are not counted). */
  kept: number;
}

/** The samples the state keeps: enough for the rate window at 10 batches a second. */
export const MAXIMUM_SAMPLES = 100;

/** The current rates are taken over this much of the recent past. */
export const RATE_WINDOW_MS = 30_000;

export interface CurrentRates {
  /** Orders forwarded per second. */
  forwarded: number;
  /** Messages judged (forwarded, skipped or kept for the first time) per second. */
  judged: number;
  /** The time the rates are taken over, in seconds. */
  overSeconds: number;
}

/**
 * The rates over the last `RATE_WINDOW_MS` (or since the replay started, when that is shorter). A batch's
 * counts are dated at its end: a batch that ended in the window counts whole.
 */
export const currentRates = (
  samples: readonly ProgressSample[],
  startedAt: Date,
  now: Date,
  windowMs = RATE_WINDOW_MS,
): CurrentRates => {
  const since = Math.max(now.getTime() - windowMs, startedAt.getTime());
  const spanMs = Math.max(1000, now.getTime() - since);
  const recent = samples.filter(({ at }) => at > since && at <= now.getTime());
  const sum = (count: (sample: ProgressSample) => number) =>
    recent.reduce((total, sample) => total + count(sample), 0);
  const perSecond = (total: number) => total / (spanMs / 1000);
  return {
    forwarded: perSecond(sum((sample) => sample.forwarded)),
    judged: perSecond(sum((sample) => sample.forwarded + sample.skipped + sample.kept)),
    overSeconds: spanMs / 1000,
  };
};

/**
 * Messages of the replay queue the replay has still to judge: all it holds (waiting, in flight, delayed)
 * but the copies the replay kept and its pending ticks. Approximate, as SQS's counts are.
 */
export const remainingMessages = (
  queue: { waiting: number; inFlight: number; delayed?: number | undefined },
  kept: number,
  pendingTicks = 0,
) => Math.max(0, queue.waiting + queue.inFlight + (queue.delayed ?? 0) - kept - Math.max(0, pendingTicks));

/** Seconds until the remaining messages are judged at the current rate; undefined when nothing moves. */
export const secondsLeft = (remaining: number, judgedPerSecond: number): number | undefined => {
  if (remaining === 0) return 0;
  if (!(judgedPerSecond > 0)) return undefined;
  return Math.ceil(remaining / judgedPerSecond);
};
