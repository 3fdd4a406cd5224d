import fc from 'fast-check';
import {
  InvalidReplayWindowError,
  isInWindow,
  orderTimeOf,
  parseInstant,
  type ReplayWindow,
  replayDecision,
  replayWindow,
} from '../../../../src/domain/replay';
import { anOrder } from '../../../factories/order';

const at = (iso: string) => new Date(iso);

/** The window of 2026-11-21 from 10:00 to 11:00 UTC. */
const WINDOW: ReplayWindow = { since: at('2026-11-21T10:00:00Z'), until: at('2026-11-21T11:00:00Z') };

/** The message body of an order placed at `date` (any value, as the message might carry it). */
const orderAt = (date: unknown) => JSON.stringify({ ...anOrder(), date });

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

/**
 * The instant `epochMs` written as local time at `offsetMinutes` from UTC, the way an order from that time
 * zone might carry it: `2026-11-21T11:00:00+01:00`. `fraction` adds digits after the milliseconds.
 */
const isoWithOffset = (epochMs: number, offsetMinutes: number, fraction = ''): string => {
  const local = new Date(epochMs + offsetMinutes * 60_000);
  const offset =
    offsetMinutes === 0
      ? 'Z'
      : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}${fraction}${offset}`
  );
};

/** Instants from 1971 to 2099, in milliseconds, so that every offset still gives a four-digit year. */
const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 0, 1) });
/** UTC offsets as ISO-8601 allows them: up to 23:59 either side (real time zones use -12:00 to +14:00). */
const offsetMinutes = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });

describe('replayDecision', () => {
  it('replays an order placed inside the window', () => {
    expect(replayDecision(orderAt('2026-11-21T10:30:00Z'), WINDOW)).toBe('replay');
  });

  it('replays an order placed exactly at the start of the window: the start is inclusive', () => {
    expect(replayDecision(orderAt('2026-11-21T10:00:00Z'), WINDOW)).toBe('replay');
  });

  it('does not replay an order placed exactly at the end of the window: the end is exclusive', () => {
    expect(replayDecision(orderAt('2026-11-21T11:00:00Z'), WINDOW)).toBe('outside-window');
  });

  it('does not replay an order placed a millisecond before the start', () => {
    expect(replayDecision(orderAt('2026-11-21T09:59:59.999Z'), WINDOW)).toBe('outside-window');
  });

  it('replays an order placed a millisecond before the end', () => {
    expect(replayDecision(orderAt('2026-11-21T10:59:59.999Z'), WINDOW)).toBe('replay');
  });

  it('does not replay orders from the day before or after', () => {
    expect(replayDecision(orderAt('2026-11-20T10:30:00Z'), WINDOW)).toBe('outside-window');
    expect(replayDecision(orderAt('2026-11-22T10:30:00Z'), WINDOW)).toBe('outside-window');
  });

  it('never replays an order twice across consecutive windows', () => {
    const next: ReplayWindow = { since: WINDOW.until, until: at('2026-11-21T12:00:00Z') };
    const boundary = orderAt('2026-11-21T11:00:00Z');
    expect([replayDecision(boundary, WINDOW), replayDecision(boundary, next)]).toEqual([
      'outside-window',
      'replay',
    ]);
  });

  describe('time zones', () => {
    it.each([
      ['2026-11-21T11:00:00+01:00', 'replay'],
      ['2026-11-21T05:00:00-05:00', 'replay'],
      ['2026-11-21T15:30:00+05:30', 'replay'],
      ['2026-11-21T10:00:00-00:00', 'replay'],
      ['2026-11-21T10:59:59+00:00', 'replay'],
      ['2026-11-21T11:59:59.999+01:00', 'replay'],
      ['2026-11-21T12:00:00+01:00', 'outside-window'],
      ['2026-11-21T10:59:59.999+01:00', 'outside-window'],
      ['2026-11-21T10:30:00+01:00', 'outside-window'],
      ['2026-11-22T00:30:00+14:00', 'replay'],
      ['2026-11-20T23:30:00-11:00', 'replay'],
    ])('reads %s as an instant: %s', (date, decision) => {
      expect(replayDecision(orderAt(date), WINDOW)).toBe(decision);
    });

    it('sees 2026-11-21T11:00:00+01:00 as the same instant as 10:00:00Z, the start of the window', () => {
      expect(parseInstant('2026-11-21T11:00:00+01:00')).toEqual(at('2026-11-21T10:00:00Z'));
      expect(replayDecision(orderAt('2026-11-21T11:00:00+01:00'), WINDOW)).toBe('replay');
    });

    it('applies the window given with offsets as instants', () => {
      const window = replayWindow(
        at('2026-11-21T11:00:00+01:00'),
        at('2026-11-21T06:00:00-05:00'),
        at('2026-11-22T00:00:00Z'),
      );
      expect(window).toEqual(WINDOW);
    });
  });

  describe('fractional seconds', () => {
    it.each([
      ['2026-11-21T10:59:59.5Z', 'replay'],
      ['2026-11-21T10:59:59.999999999Z', 'replay'],
      ['2026-11-21T09:59:59.999999Z', 'outside-window'],
      ['2026-11-21T10:00:00.000000001Z', 'replay'],
      ['2026-11-21T10:00:00.000Z', 'replay'],
      ['2026-11-21T11:00:00.000Z', 'outside-window'],
      ['2026-11-21T11:00:00.0001+00:00', 'outside-window'],
    ])('places %s correctly: %s', (date, decision) => {
      expect(replayDecision(orderAt(date), WINDOW)).toBe(decision);
    });
  });

  describe('an order without a usable time is outside every window (no-time)', () => {
    const everything: ReplayWindow = { since: at('0001-01-01T00:00:00Z'), until: at('9999-01-01T00:00:00Z') };

    it.each<[string, string]>([
      ['an order without a date', JSON.stringify({ ...anOrder(), date: undefined })],
      ['a date without an offset', orderAt('2026-11-21T10:30:00')],
      ['a date only', orderAt('2026-11-21')],
      ['a date with a space instead of T', orderAt('2026-11-21 10:30:00Z')],
      ['a date in words', orderAt('yesterday')],
      ['a date in another format', orderAt('Sat, 21 Nov 2026 10:30:00 GMT')],
      ['an empty date', orderAt('')],
      ['a 30th of February', orderAt('2026-02-30T10:30:00Z')],
      ['a 29th of February in a common year', orderAt('2025-02-29T10:30:00Z')],
      ['a 31st of April', orderAt('2026-04-31T10:30:00Z')],
      ['a 13th month', orderAt('2026-13-01T10:30:00Z')],
      ['a 32nd day', orderAt('2026-11-32T10:30:00Z')],
      ['hour 24', orderAt('2026-11-21T24:00:00Z')],
      ['minute 60', orderAt('2026-11-21T10:60:00Z')],
      ['second 61', orderAt('2026-11-21T10:30:61Z')],
      ['an offset of 25 hours', orderAt('2026-11-21T10:30:00+25:00')],
      ['an offset without a colon', orderAt('2026-11-21T10:30:00+0100')],
      ['a date with text around it', orderAt(' 2026-11-21T10:30:00Z')],
      ['a date as a number', orderAt(Date.UTC(2026, 10, 21, 10, 30))],
      ['a date as an object', orderAt({ iso: '2026-11-21T10:30:00Z' })],
      ['a null date', orderAt(null)],
      ['a body that is not JSON', '{"date": "2026-11-21T10:30:00Z"'],
      ['an empty body', ''],
      ['a JSON string', JSON.stringify('2026-11-21T10:30:00Z')],
      ['a JSON number', '1795256130000'],
      ['a JSON array', JSON.stringify([{ date: '2026-11-21T10:30:00Z' }])],
      ['JSON null', 'null'],
      ['JSON true', 'true'],
    ])('%s', (_, body) => {
      expect(replayDecision(body, everything)).toBe('no-time');
      expect(orderTimeOf(body)).toBeUndefined();
    });

    it('accepts a 29th of February in a leap year', () => {
      expect(parseInstant('2028-02-29T10:30:00Z')).toEqual(new Date(Date.UTC(2028, 1, 29, 10, 30)));
    });
  });
});

describe('orderTimeOf', () => {
  it("is the instant of the order's date", () => {
    expect(orderTimeOf(orderAt('2026-11-21T11:15:30.250+01:00'))).toEqual(at('2026-11-21T10:15:30.250Z'));
  });

  it('reads a date without seconds', () => {
    expect(orderTimeOf(orderAt('2026-11-21T10:15Z'))).toEqual(at('2026-11-21T10:15:00Z'));
  });
});

describe('replayWindow', () => {
  const now = at('2026-11-21T12:00:00Z');

  it('is the window from since to until', () => {
    expect(replayWindow(WINDOW.since, WINDOW.until, now)).toEqual(WINDOW);
  });

  it('ends now when no until is given', () => {
    expect(replayWindow(WINDOW.since, undefined, now)).toEqual({ since: WINDOW.since, until: now });
  });

  it('may end in the future, for orders still to come', () => {
    const until = at('2026-11-21T13:00:00Z');
    expect(replayWindow(WINDOW.since, until, now)).toEqual({ since: WINDOW.since, until });
  });

  it('may start exactly now, if it ends later', () => {
    expect(replayWindow(now, at('2026-11-21T13:00:00Z'), now).since).toEqual(now);
  });

  it('refuses an empty window, naming both times', () => {
    expect(() => replayWindow(WINDOW.since, WINDOW.since, now)).toThrow(
      new InvalidReplayWindowError(
        'The window is empty: since 2026-11-21T10:00:00.000Z is not before until 2026-11-21T10:00:00.000Z',
      ),
    );
  });

  it('refuses a window whose until is before its since', () => {
    expect(() => replayWindow(WINDOW.until, WINDOW.since, now)).toThrow(/The window is empty/);
  });

  it('refuses a window without until that would start now or later', () => {
    expect(() => replayWindow(now, undefined, now)).toThrow(InvalidReplayWindowError);
    expect(() => replayWindow(at('2026-11-21T12:30:00Z'), undefined, now)).toThrow(InvalidReplayWindowError);
  });

  it('refuses a since in the future', () => {
    expect(() => replayWindow(at('2026-11-21T12:00:00.001Z'), at('2026-11-21T13:00:00Z'), now)).toThrow(
      new InvalidReplayWindowError('since 2026-11-21T12:00:00.001Z is in the future'),
    );
  });

  it.each([
    ['since', new Date(Number.NaN), WINDOW.until],
    ['until', WINDOW.since, new Date(Number.NaN)],
    ['both', new Date(Number.NaN), new Date(Number.NaN)],
  ])('refuses an invalid %s', (_, since, until) => {
    expect(() => replayWindow(since, until, now)).toThrow(
      new InvalidReplayWindowError('The window needs valid times'),
    );
  });

  it('refuses an invalid now when no until is given', () => {
    expect(() => replayWindow(WINDOW.since, undefined, new Date(Number.NaN))).toThrow(
      InvalidReplayWindowError,
    );
  });

  it('is an InvalidReplayWindowError, an Error with its own name', () => {
    try {
      replayWindow(WINDOW.until, WINDOW.since, now);
      throw new Error('expected the window to be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(InvalidReplayWindowError);
      expect((error as Error).name).toBe('InvalidReplayWindowError');
    }
  });
});

describe('properties', () => {
  it('replays exactly the orders whose time t satisfies since <= t < until', () => {
    fc.assert(
      fc.property(instant, instant, instant, (a, b, t) => {
        fc.pre(a !== b);
        const window = { since: new Date(Math.min(a, b)), until: new Date(Math.max(a, b)) };
        const inside = Math.min(a, b) <= t && t < Math.max(a, b);
        expect(replayDecision(orderAt(new Date(t).toISOString()), window)).toBe(
          inside ? 'replay' : 'outside-window',
        );
        expect(isInWindow(new Date(t), window)).toBe(inside);
      }),
      { numRuns: 2_000 },
    );
  });

  it('decides the same for the same instant written in any offset, with any extra fraction digits', () => {
    fc.assert(
      fc.property(
        instant,
        instant,
        instant,
        offsetMinutes,
        fc.stringMatching(/^[0-9]{0,6}$/),
        (a, b, t, offset, fraction) => {
          fc.pre(a < b);
          const window = { since: new Date(a), until: new Date(b) };
          const inUtc = replayDecision(orderAt(new Date(t).toISOString()), window);
          expect(replayDecision(orderAt(isoWithOffset(t, offset, fraction)), window)).toBe(inUtc);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('decides the boundaries the same in any offset: since is in, until is out', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 366 * 86_400_000 }),
        offsetMinutes,
        (a, length, offset) => {
          const window = { since: new Date(a), until: new Date(a + length) };
          expect(replayDecision(orderAt(isoWithOffset(a, offset)), window)).toBe('replay');
          expect(replayDecision(orderAt(isoWithOffset(a + length, offset)), window)).toBe('outside-window');
          expect(replayDecision(orderAt(isoWithOffset(a - 1, offset)), window)).toBe('outside-window');
          expect(replayDecision(orderAt(isoWithOffset(a + length - 1, offset)), window)).toBe('replay');
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('reads back every instant written in any offset, to the millisecond', () => {
    fc.assert(
      fc.property(instant, offsetMinutes, (t, offset) => {
        expect(parseInstant(isoWithOffset(t, offset))?.getTime()).toBe(t);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws, whatever the body or its date', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const time = parseInstant(text);
        if (time) expect(Number.isNaN(time.getTime())).toBe(false);
        expect(() => replayDecision(text, WINDOW)).not.toThrow();
        expect(() => replayDecision(orderAt(text), WINDOW)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives no time to a date-time without an offset, however it is written', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const withoutOffset = new Date(t).toISOString().slice(0, -1);
        expect(replayDecision(orderAt(withoutOffset), WINDOW)).toBe('no-time');
      }),
      { numRuns: 500 },
    );
  });
});
