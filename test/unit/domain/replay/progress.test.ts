import { currentRates, remainingMessages, secondsLeft } from '../../../../src/domain/replay';
import { aProgressSample, REPLAY_STARTED_AT } from '../../../factories/replay';

const STARTED_AT = new Date(REPLAY_STARTED_AT);
const at = (secondsAfterStart: number) => new Date(STARTED_AT.getTime() + secondsAfterStart * 1000);

describe('the current rates of a replay', () => {
  it('are the orders forwarded, and messages judged, per second over the last 30 s', () => {
    const samples = [
      aProgressSample(5, { forwarded: 100 }),
      aProgressSample(40, { forwarded: 50, skipped: 10 }),
      aProgressSample(55, { forwarded: 100, kept: 20 }),
    ];
    expect(currentRates(samples, STARTED_AT, at(60))).toEqual({
      forwarded: 5,
      judged: 6,
      overSeconds: 30,
    });
  });

  it('are taken since the start of a replay younger than the window', () => {
    expect(currentRates([aProgressSample(8, { forwarded: 40 })], STARTED_AT, at(10))).toEqual({
      forwarded: 4,
      judged: 4,
      overSeconds: 10,
    });
  });

  it('are zero when no batch ended lately', () => {
    expect(currentRates([aProgressSample(5, { forwarded: 100 })], STARTED_AT, at(100)).forwarded).toBe(0);
    expect(currentRates([], STARTED_AT, at(100)).judged).toBe(0);
  });
});

describe('what is left of a replay', () => {
  it('is every message of the replay queue but the copies the replay kept', () => {
    expect(remainingMessages({ waiting: 30, inFlight: 10, delayed: 5 }, 12)).toBe(33);
    expect(remainingMessages({ waiting: 2, inFlight: 0 }, 12)).toBe(0);
  });

  it('takes the time the current rate needs for it, or none when nothing moves', () => {
    expect(secondsLeft(30, 4)).toBe(8);
    expect(secondsLeft(0, 0)).toBe(0);
    expect(secondsLeft(30, 0)).toBeUndefined();
  });
});
