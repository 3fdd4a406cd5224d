import { type JudgingReplay, judgeMessage, type ReplayMessage } from '../../../../src/domain/replay';
import { anOrder } from '../../../factories/order';

/** A replay of 2026-11-21 from 10:00 to 11:00 UTC, started at 12:00. */
const REPLAY: JudgingReplay = {
  replayId: 'replay-1',
  window: { since: new Date('2026-11-21T10:00:00Z'), until: new Date('2026-11-21T11:00:00Z') },
  startedAt: new Date('2026-11-21T12:00:00Z'),
};
const BEFORE_THE_START = new Date('2026-11-21T11:59:59.999Z');
const AT_THE_START = new Date('2026-11-21T12:00:00Z');

const orderAt = (date: unknown): string => JSON.stringify({ ...anOrder(), date });

const judge = (message: ReplayMessage) => judgeMessage(message, REPLAY);

describe('what a replay does with a message of the replay queue', () => {
  it('forwards an order of the window, from its start up to just before its end', () => {
    for (const date of ['2026-11-21T10:00:00Z', '2026-11-21T11:59:59.999+01:00']) {
      expect(judge({ body: orderAt(date), sentAt: BEFORE_THE_START })).toEqual({
        action: 'forward',
        reason: 'in-window',
      });
    }
  });

  it('forwards an order of the window even when it was published during the replay or kept by it', () => {
    const body = orderAt('2026-11-21T10:30:00Z');
    expect(judge({ body, sentAt: AT_THE_START }).action).toBe('forward');
    expect(judge({ body, sentAt: AT_THE_START, keptBy: 'replay-1' }).action).toBe('forward');
  });

  it('discards an order before the window, and one without a time, that were waiting when it started', () => {
    expect(judge({ body: orderAt('2026-11-21T09:59:59.999Z'), sentAt: BEFORE_THE_START })).toEqual({
      action: 'discard',
      reason: 'before-window',
    });
    expect(judge({ body: orderAt('not a date'), sentAt: BEFORE_THE_START })).toEqual({
      action: 'discard',
      reason: 'no-time',
    });
    expect(judge({ body: '{"id": "not JSON', sentAt: BEFORE_THE_START }).reason).toBe('no-time');
  });

  it('keeps an order at or after the end of the window for later replays', () => {
    for (const date of ['2026-11-21T11:00:00Z', '2026-11-22T08:00:00Z']) {
      expect(judge({ body: orderAt(date), sentAt: BEFORE_THE_START })).toEqual({
        action: 'keep',
        reason: 'after-window',
      });
    }
  });

  it('keeps every order published while it runs, whatever its time, unless it is of the window', () => {
    for (const body of [orderAt('2026-11-21T09:00:00Z'), orderAt('2026-11-21T13:00:00Z'), '{}']) {
      expect(judge({ body, sentAt: AT_THE_START })).toEqual({
        action: 'keep',
        reason: 'published-during-replay',
      });
    }
  });

  it('keeps a copy it kept already again, and judges a copy kept by an earlier replay afresh', () => {
    const body = orderAt('2026-11-21T09:00:00Z');
    expect(judge({ body, sentAt: BEFORE_THE_START, keptBy: 'replay-1' })).toEqual({
      action: 'keep',
      reason: 'kept-by-this-replay',
    });
    expect(judge({ body, sentAt: BEFORE_THE_START, keptBy: 'replay-0' })).toEqual({
      action: 'discard',
      reason: 'before-window',
    });
  });

  it('judges a message without a send time as waiting when the replay started', () => {
    expect(judge({ body: orderAt('2026-11-21T09:00:00Z') }).action).toBe('discard');
  });

  it('consumes a tick, its own or an earlier replay’s', () => {
    expect(judge({ body: '{"replayTick":"replay-1"}', tickOf: 'replay-1' })).toEqual({
      action: 'tick',
      reason: 'tick',
    });
    expect(judge({ body: '{"replayTick":"replay-0"}', tickOf: 'replay-0' }).action).toBe('tick');
  });
});
