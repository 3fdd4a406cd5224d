/**
 * What a running replay does with each message of the replay queue. The replay queue is the only place
 * orders are kept for replay, so a replay removes only what no later replay could want:
 *
 * - an order of the window is forwarded (to the checkout queue);
 * - an order before the window, or without a time, is discarded (the SPEC: "the rest are discarded");
 * - an order at or after the window's end, and any message published while the replay runs, is kept: the
 *   replay puts a fresh copy back in the replay queue (marked as kept by it) and removes the original, so
 *   that later replays still find it and its receive count does not grow towards the dead-letter queue;
 * - a copy this replay kept already is kept again (it does not need this replay any more: it is settled);
 * - a tick (a message a replay sends itself to look at its completion again later) is consumed.
 */
import { isInWindow, orderTimeOf, type ReplayWindow } from './replay-window';

export type ReplayAction = 'forward' | 'discard' | 'keep' | 'tick';

export type ReplayReason =
  /** In the window: forwarded. */
  | 'in-window'
  /** Before the window: discarded. */
  | 'before-window'
  /** No valid order time: discarded. */
  | 'no-time'
  /** At or after the window's end, already in the queue when the replay started: kept. */
  | 'after-window'
  /** Published while the replay runs (and outside its window): kept. */
  | 'published-during-replay'
  /** A copy this replay kept already: kept again. */
  | 'kept-by-this-replay'
  /** A tick, of this replay or of an earlier one: consumed. */
  | 'tick';

export interface ReplayJudgement {
  action: ReplayAction;
  reason: ReplayReason;
}

/** A message of the replay queue, as the replay judges it. */
export interface ReplayMessage {
  body: string;
  /** When SQS received it (SentTimestamp); undefined when unknown. */
  sentAt?: Date | undefined;
  /** The replay that kept this copy (the message attribute keptByReplay), if one did. */
  keptBy?: string | undefined;
  /** The replay this tick belongs to (the message attribute replayTick), if it is one. */
  tickOf?: string | undefined;
}

/** The running replay, as far as judging a message goes. */
export interface JudgingReplay {
  replayId: string;
  window: ReplayWindow;
  startedAt: Date;
}

const judgement = (action: ReplayAction, reason: ReplayReason): ReplayJudgement => ({ action, reason });

export const judgeMessage = (message: ReplayMessage, replay: JudgingReplay): ReplayJudgement => {
  if (message.tickOf !== undefined) return judgement('tick', 'tick');
  const time = orderTimeOf(message.body);
  // An order of the window is forwarded whoever kept it and whenever it came: that is what a replay is for.
  if (time && isInWindow(time, replay.window)) return judgement('forward', 'in-window');
  if (message.keptBy === replay.replayId) return judgement('keep', 'kept-by-this-replay');
  if (message.sentAt && message.sentAt.getTime() >= replay.startedAt.getTime()) {
    return judgement('keep', 'published-during-replay');
  }
  if (!time) return judgement('discard', 'no-time');
  if (time.getTime() >= replay.window.until.getTime()) return judgement('keep', 'after-window');
  return judgement('discard', 'before-window');
};
