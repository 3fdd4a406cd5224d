/**
 * When a running replay is complete: once the replay queue holds nothing of its window any more. Nothing
 * in SQS says that directly (a standard queue has no order, and Lambda never invokes the function on an
 * empty queue), so the replay function decides it by counting, after every batch that returned nothing
 * to the queue:
 *
 * - the window has ended (`until` is past: orders of the window may still come until then);
 * - the replay queue (waiting, in flight and delayed, as SQS counts them) holds exactly the copies this
 *   replay kept, the batch being finished and the ticks it has pending: no message it has not judged
 *   yet (an order of the window, a copy kept by an earlier replay, an order just published), and no other
 *   batch in flight whose counts are still to come.
 *
 * When it is not complete yet, the function sends itself a tick (a delayed message that comes back as a
 * batch of its own, one at a time), so that it looks again even when no other batch would come: after
 * the last batches, while other batches are in flight, while SQS's approximate counts catch up.
 *
 * The kept copies are sent delayed (`keptCopyDelaySeconds`), so that a replay does not read its own copies
 * over and over while it runs; a replay started soon after another finds that one's copies once their
 * delay is over, and does not complete before it has judged them (they count as not judged yet).
 */

/** How long a tick waits before it comes back when nothing else waits to be received. */
export const TICK_DELAY_SECONDS = 5;

/** How long a tick waits while other messages wait to be received (their batches look again first). */
export const SAFETY_TICK_DELAY_SECONDS = 30;

/** The longest a tick waits for the end of a window (ticks then follow one another until it ends). */
export const WINDOW_TICK_DELAY_SECONDS = 60;

/** SQS's longest message delay. */
export const MAXIMUM_DELAY_SECONDS = 900;

export interface ReplayQueueCounts {
  /** ApproximateNumberOfMessages: waiting to be received. */
  waiting: number;
  /** ApproximateNumberOfMessagesNotVisible: received and not deleted yet (this batch included). */
  inFlight: number;
  /** ApproximateNumberOfMessagesDelayed: sent with a delay that has not ended (kept copies, ticks). */
  delayed: number;
}

export interface CompletionInput {
  now: Date;
  until: Date;
  /** Messages in the batch being finished (still in flight while it is judged). */
  batchSize: number;
  /** Copies this replay has kept so far, this batch's included. */
  kept: number;
  /** Ticks of this replay still waiting in the queue (sent, not come back yet). */
  pendingTicks: number;
  queue: ReplayQueueCounts;
}

export type CompletionCheck =
  | { complete: true }
  | {
      complete: false;
      /** Why not, for the log. */
      reason: string;
      /** When the replay function should look again by itself (a tick), in seconds. */
      lookAgainInSeconds: number;
    };

/**
 * What the replay queue holds beyond the kept copies, the batch being finished and the pending ticks of the
 * replay (never below 0).
 */
export const unaccountedMessages = ({ batchSize, kept, pendingTicks, queue }: CompletionInput) =>
  Math.max(0, queue.waiting + queue.inFlight + queue.delayed - kept - batchSize - Math.max(0, pendingTicks));

/**
 * Whether the replay is complete, after a batch that returned nothing to the queue (a batch that did
 * cannot complete it: those messages come back after the visibility timeout, as a batch that looks again).
 */
export const completionCheck = (input: CompletionInput): CompletionCheck => {
  const { now, until, kept, queue } = input;
  if (until.getTime() > now.getTime()) {
    const seconds = Math.ceil((until.getTime() - now.getTime()) / 1000);
    return {
      complete: false,
      reason: 'the window has not ended yet',
      lookAgainInSeconds: Math.min(WINDOW_TICK_DELAY_SECONDS, seconds),
    };
  }
  const unaccounted = unaccountedMessages(input);
  if (unaccounted === 0) return { complete: true };
  return {
    complete: false,
    reason: `the replay queue holds ${unaccounted} messages beyond the ${kept} copies kept by this replay and this batch`,
    lookAgainInSeconds: queue.waiting === 0 ? TICK_DELAY_SECONDS : SAFETY_TICK_DELAY_SECONDS,
  };
};

/**
 * How long a kept copy waits before the replay queue shows it again: as long as the replay has run so far,
 * between 10 s and SQS's 15 minutes. A replay so reads each copy it keeps a few times at most, however
 * long it runs; and a replay started after a short one is not kept waiting long for that one's copies.
 */
export const keptCopyDelaySeconds = (startedAt: Date, now: Date) =>
  Math.min(MAXIMUM_DELAY_SECONDS, Math.max(10, Math.round((now.getTime() - startedAt.getTime()) / 1000)));
