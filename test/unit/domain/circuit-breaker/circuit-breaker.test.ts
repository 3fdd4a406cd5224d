import fc from 'fast-check';
import {
  type CircuitBreaker,
  type CircuitBreakerSettings,
  consumes,
  coolDownElapsed,
  initialBreaker,
  parseBreaker,
  recordFailures,
  type Step,
  trialSucceeded,
} from '../../../../src/domain/circuit-breaker';
import {
  aBreakerItem,
  aClosedBreaker,
  aCountingBreaker,
  aHalfOpenBreaker,
  anOpenBreaker,
  BREAKER_EPOCH,
  BREAKER_SETTINGS,
  secondsAfter,
} from '../../../factories/circuit-breaker';

const iso = (date: Date) => date.toISOString();
const record = (breaker: CircuitBreaker, count: number, at: Date, settings = BREAKER_SETTINGS) =>
  recordFailures(breaker, count, at, settings);

describe('initialBreaker', () => {
  it('is closed, has counted nothing and has never opened', () => {
    expect(initialBreaker(BREAKER_EPOCH)).toEqual({
      state: 'closed',
      failures: 0,
      changedAt: iso(BREAKER_EPOCH),
      reason: 'initial state',
      trips: 0,
    });
  });
});

describe('recordFailures', () => {
  describe('on a closed breaker', () => {
    it('starts a window at the first failure and stays closed below the threshold', () => {
      const at = secondsAfter(5);
      const step = record(aClosedBreaker(), 2, at);
      expect(step.transition).toBeUndefined();
      expect(step.breaker).toEqual(
        aClosedBreaker({ failures: 2, windowStartedAt: iso(at), lastFailureAt: iso(at) }),
      );
    });

    it('adds the failures of later batches in the same window', () => {
      const step = record(aCountingBreaker(1), 1, secondsAfter(30));
      expect(step.transition).toBeUndefined();
      expect(step.breaker).toMatchObject({
        state: 'closed',
        failures: 2,
        windowStartedAt: iso(BREAKER_EPOCH),
        lastFailureAt: iso(secondsAfter(30)),
      });
    });

    it('opens when the failures in the window reach the threshold exactly', () => {
      const at = secondsAfter(59.999);
      const step = record(aCountingBreaker(2), 1, at);
      expect(step.transition).toEqual({
        from: 'closed',
        to: 'open',
        reason: '3 failures of the dependencies within 60 s (threshold 3)',
      });
      expect(step.breaker).toEqual({
        state: 'open',
        failures: 0,
        windowStartedAt: undefined,
        changedAt: iso(at),
        openedAt: iso(at),
        lastFailureAt: iso(at),
        reason: '3 failures of the dependencies within 60 s (threshold 3)',
        trips: 1,
      });
    });

    it('opens on one batch that holds the threshold by itself, saying how many failed', () => {
      const step = record(aClosedBreaker(), 7, secondsAfter(1));
      expect(step.transition?.reason).toBe('7 failures of the dependencies within 60 s (threshold 3)');
      expect(step.breaker.state).toBe('open');
    });

    it('counts one more trip each time it opens from closed', () => {
      const step = record(aCountingBreaker(2), 1, secondsAfter(1));
      expect(step.breaker.trips).toBe(1);
      expect(record({ ...aCountingBreaker(2), trips: 4 }, 1, secondsAfter(1)).breaker.trips).toBe(5);
    });

    it('starts a new window once the window is over, forgetting the failures of the old one', () => {
      const at = secondsAfter(BREAKER_SETTINGS.windowSeconds);
      const step = record(aCountingBreaker(2), 1, at);
      expect(step.transition).toBeUndefined();
      expect(step.breaker).toMatchObject({
        state: 'closed',
        failures: 1,
        windowStartedAt: iso(at),
        lastFailureAt: iso(at),
      });
    });

    it('keeps the window fixed from its first failure: failures spread over two windows do not add up', () => {
      let breaker = aClosedBreaker();
      for (const second of [0, 40, 70, 100]) breaker = record(breaker, 1, secondsAfter(second)).breaker;
      // 0 and 40 in the first window, 70 and 100 in the second: never 3 in one.
      expect(breaker).toMatchObject({ state: 'closed', failures: 2, windowStartedAt: iso(secondsAfter(70)) });
    });

    it.each([0, -1])('changes nothing for %i failures, returning the very same breaker', (count) => {
      const breaker = aCountingBreaker(2);
      expect(record(breaker, count, secondsAfter(1))).toEqual({ breaker });
      expect(record(breaker, count, secondsAfter(1)).breaker).toBe(breaker);
    });

    it('leaves the breaker it was given as it was', () => {
      const breaker = aCountingBreaker(2);
      const copy = structuredClone(breaker);
      record(breaker, 5, secondsAfter(1));
      expect(breaker).toEqual(copy);
    });
  });

  describe('on an open breaker', () => {
    it('keeps it open, notes the last failure, and does not restart the cool-down or count a trip', () => {
      const breaker = anOpenBreaker();
      const at = secondsAfter(30);
      const step = record(breaker, 10, at);
      expect(step.transition).toBeUndefined();
      expect(step.breaker).toEqual({ ...breaker, lastFailureAt: iso(at) });
    });
  });

  describe('on a half-open breaker', () => {
    it('reopens it for another cool-down, without counting another trip', () => {
      const breaker = aHalfOpenBreaker(secondsAfter(60), { trips: 2 });
      const at = secondsAfter(65);
      const step = record(breaker, 1, at);
      expect(step.transition).toEqual({
        from: 'half-open',
        to: 'open',
        reason: 'the trial failed: a dependency is still failing',
      });
      expect(step.breaker).toMatchObject({
        state: 'open',
        openedAt: iso(at),
        changedAt: iso(at),
        lastFailureAt: iso(at),
        failures: 0,
        trips: 2,
      });
    });

    it('reopens it on a single failure, whatever the threshold', () => {
      const step = record(aHalfOpenBreaker(), 1, secondsAfter(1), {
        ...BREAKER_SETTINGS,
        failureThreshold: 50,
      });
      expect(step.breaker.state).toBe('open');
    });
  });
});

describe('coolDownElapsed', () => {
  const { coolDownSeconds } = BREAKER_SETTINGS;

  it('keeps an open breaker open until the cool-down is over, returning the very same breaker', () => {
    const breaker = anOpenBreaker();
    const step = coolDownElapsed(breaker, secondsAfter(coolDownSeconds - 0.001), BREAKER_SETTINGS);
    expect(step.transition).toBeUndefined();
    expect(step.breaker).toBe(breaker);
  });

  it('half-opens an open breaker the instant the cool-down is over', () => {
    const breaker = anOpenBreaker();
    const at = secondsAfter(coolDownSeconds);
    const step = coolDownElapsed(breaker, at, BREAKER_SETTINGS);
    expect(step.transition).toEqual({
      from: 'open',
      to: 'half-open',
      reason: 'cool-down of 60 s over: trying one batch',
    });
    expect(step.breaker).toEqual({
      ...breaker,
      state: 'half-open',
      changedAt: iso(at),
      reason: 'cool-down of 60 s over: trying one batch',
      windowStartedAt: undefined,
    });
  });

  it('counts the cool-down from when the breaker opened', () => {
    // Failures while open change nothing but lastFailureAt: they do not hold the breaker open longer.
    const breaker = record(anOpenBreaker(), 3, secondsAfter(coolDownSeconds - 1)).breaker;
    expect(coolDownElapsed(breaker, secondsAfter(coolDownSeconds), BREAKER_SETTINGS).breaker.state).toBe(
      'half-open',
    );
  });

  it('counts the cool-down from the last change of a breaker stored without openedAt', () => {
    const breaker = anOpenBreaker(BREAKER_EPOCH, { openedAt: undefined });
    expect(coolDownElapsed(breaker, secondsAfter(coolDownSeconds - 1), BREAKER_SETTINGS).transition).toBe(
      undefined,
    );
    expect(coolDownElapsed(breaker, secondsAfter(coolDownSeconds), BREAKER_SETTINGS).breaker.state).toBe(
      'half-open',
    );
  });

  it('half-opens at once with a cool-down of 0', () => {
    const step = coolDownElapsed(anOpenBreaker(), BREAKER_EPOCH, { ...BREAKER_SETTINGS, coolDownSeconds: 0 });
    expect(step.breaker.state).toBe('half-open');
  });

  it.each([
    ['closed', aClosedBreaker()],
    ['half-open', aHalfOpenBreaker()],
  ])('leaves a %s breaker as it is', (_, breaker) => {
    expect(coolDownElapsed(breaker, secondsAfter(3600), BREAKER_SETTINGS)).toEqual({ breaker });
  });
});

describe('trialSucceeded', () => {
  it('closes a half-open breaker with the reason given, keeping its count of trips', () => {
    const breaker = aHalfOpenBreaker(BREAKER_EPOCH, { trips: 3 });
    const at = secondsAfter(2);
    const step = trialSucceeded(breaker, 'the trial stored 2 of 2 orders', at);
    expect(step.transition).toEqual({
      from: 'half-open',
      to: 'closed',
      reason: 'the trial stored 2 of 2 orders',
    });
    expect(step.breaker).toMatchObject({
      state: 'closed',
      changedAt: iso(at),
      reason: 'the trial stored 2 of 2 orders',
      failures: 0,
      trips: 3,
    });
    expect(step.breaker.windowStartedAt).toBeUndefined();
  });

  it.each([
    ['closed', aCountingBreaker(2)],
    ['open', anOpenBreaker()],
  ])('leaves a %s breaker as it is: only a trial closes the circuit', (_, breaker) => {
    expect(trialSucceeded(breaker, 'stored', secondsAfter(3600))).toEqual({ breaker });
  });

  it('lets the failures after closing start a fresh window', () => {
    const closed = trialSucceeded(aHalfOpenBreaker(), 'stored', secondsAfter(1)).breaker;
    const step = record(closed, 2, secondsAfter(2));
    expect(step.breaker).toMatchObject({
      state: 'closed',
      failures: 2,
      windowStartedAt: iso(secondsAfter(2)),
    });
  });
});

describe('consumes', () => {
  it.each([
    ['closed', true],
    ['open', false],
    ['half-open', false],
  ] as const)('is %s -> %s', (state, expected) => {
    expect(consumes(state)).toBe(expected);
  });
});

describe('a whole outage', () => {
  it('opens, half-opens, reopens on a failed trial, and closes after a good one, as one trip', () => {
    const transitions: string[] = [];
    let breaker = initialBreaker(BREAKER_EPOCH);
    const apply = (step: Step) => {
      if (step.transition) transitions.push(`${step.transition.from} -> ${step.transition.to}`);
      breaker = step.breaker;
    };

    apply(record(breaker, 2, secondsAfter(1)));
    apply(record(breaker, 2, secondsAfter(2)));
    apply(record(breaker, 5, secondsAfter(3)));
    apply(coolDownElapsed(breaker, secondsAfter(62), BREAKER_SETTINGS));
    apply(coolDownElapsed(breaker, secondsAfter(63), BREAKER_SETTINGS));
    apply(record(breaker, 1, secondsAfter(64)));
    apply(coolDownElapsed(breaker, secondsAfter(123), BREAKER_SETTINGS));
    apply(coolDownElapsed(breaker, secondsAfter(124), BREAKER_SETTINGS));
    apply(trialSucceeded(breaker, 'the trial stored 1 of 1 orders', secondsAfter(125)));

    expect(transitions).toEqual([
      'closed -> open',
      'open -> half-open',
      'half-open -> open',
      'open -> half-open',
      'half-open -> closed',
    ]);
    expect(breaker).toMatchObject({ state: 'closed', trips: 1, failures: 0 });
  });
});

describe('parseBreaker', () => {
  it.each([
    ['closed', aCountingBreaker(2)],
    ['open', anOpenBreaker()],
    ['half-open', aHalfOpenBreaker()],
  ])('reads a stored %s breaker, without its key and version', (_, breaker) => {
    expect(parseBreaker(aBreakerItem(breaker, 7))).toEqual(breaker);
  });

  it('reads nothing as nothing', () => {
    expect(parseBreaker(undefined)).toBeUndefined();
  });

  it('reads a breaker stored without a reason with an empty one', () => {
    const { reason: _reason, ...item } = aBreakerItem(aClosedBreaker());
    expect(parseBreaker(item)?.reason).toBe('');
  });

  it('drops optional instants that are not strings', () => {
    const item = { ...aBreakerItem(anOpenBreaker()), openedAt: 1795256130, lastFailureAt: null };
    expect(parseBreaker(item)).toMatchObject({
      state: 'open',
      openedAt: undefined,
      lastFailureAt: undefined,
    });
  });

  it('drops optional instants that are not instants, so that the cool-down counts from the last change', () => {
    const item = { ...aBreakerItem(anOpenBreaker()), openedAt: 'yesterday', windowStartedAt: '' };
    const breaker = parseBreaker(item);
    expect(breaker).toMatchObject({ state: 'open', openedAt: undefined, windowStartedAt: undefined });
    // A damaged openedAt must not hold the breaker open for ever.
    const later = secondsAfter(BREAKER_SETTINGS.coolDownSeconds);
    expect(breaker && coolDownElapsed(breaker, later, BREAKER_SETTINGS).breaker.state).toBe('half-open');
  });

  const item = aBreakerItem(aCountingBreaker(1));
  it.each<[string, Record<string, unknown>]>([
    ['an unknown state', { ...item, state: 'tripped' }],
    ['a state in other letters', { ...item, state: 'OPEN' }],
    ['no state', { ...item, state: undefined }],
    ['failures as text', { ...item, failures: '1' }],
    ['negative failures', { ...item, failures: -1 }],
    ['a fraction of a failure', { ...item, failures: 1.5 }],
    ['no changedAt', { ...item, changedAt: undefined }],
    ['a changedAt that is a number', { ...item, changedAt: 1795256130 }],
    ['a changedAt that is not an instant', { ...item, changedAt: 'last Tuesday' }],
    ['no trips', { ...item, trips: undefined }],
    ['trips as text', { ...item, trips: '0' }],
    ['negative trips', { ...item, trips: -2 }],
  ])('rejects an item with %s', (_, damaged) => {
    expect(parseBreaker(damaged)).toBeUndefined();
  });
});

describe('the breaker over time (properties)', () => {
  const settingsArbitrary = fc.record({
    failureThreshold: fc.integer({ min: 1, max: 10 }),
    windowSeconds: fc.integer({ min: 1, max: 120 }),
    coolDownSeconds: fc.integer({ min: 0, max: 300 }),
  });
  /** Batches of failures, each some milliseconds after the previous one. */
  const batchesArbitrary = fc.array(
    fc.record({ afterMs: fc.integer({ min: 0, max: 90_000 }), count: fc.integer({ min: 1, max: 4 }) }),
    { maxLength: 40 },
  );
  const timed = (batches: { afterMs: number; count: number }[]) => {
    let at = BREAKER_EPOCH.getTime();
    return batches.map(({ afterMs, count }) => {
      at += afterMs;
      return { at, count };
    });
  };

  it('never opens unless the window ending at the opening batch holds at least the threshold', () => {
    fc.assert(
      fc.property(settingsArbitrary, batchesArbitrary, (settings, batches) => {
        let breaker = initialBreaker(BREAKER_EPOCH);
        const failures = timed(batches);
        for (const [index, { at, count }] of failures.entries()) {
          const step = recordFailures(breaker, count, new Date(at), settings);
          breaker = step.breaker;
          if (step.transition) {
            const inWindow = failures
              .slice(0, index + 1)
              .filter((failure) => at - failure.at < settings.windowSeconds * 1000)
              .reduce((sum, failure) => sum + failure.count, 0);
            expect(inWindow).toBeGreaterThanOrEqual(settings.failureThreshold);
            return;
          }
        }
      }),
    );
  });

  it('opens at the batch that brings the failures within one window to the threshold', () => {
    fc.assert(
      fc.property(settingsArbitrary, batchesArbitrary, (settings, batches) => {
        const failures = timed(batches);
        const [first] = failures;
        fc.pre(first !== undefined);
        const inOneWindow = failures.filter(
          ({ at }) => at - (first?.at ?? 0) < settings.windowSeconds * 1000,
        );
        let breaker = initialBreaker(BREAKER_EPOCH);
        let total = 0;
        for (const { at, count } of inOneWindow) {
          total += count;
          breaker = recordFailures(breaker, count, new Date(at), settings).breaker;
          expect(breaker.state).toBe(total >= settings.failureThreshold ? 'open' : 'closed');
          if (breaker.state === 'open') return;
        }
      }),
    );
  });

  type Event =
    | { kind: 'failures'; count: number; afterMs: number }
    | { kind: 'check'; afterMs: number }
    | { kind: 'trial stored'; afterMs: number };
  const eventArbitrary: fc.Arbitrary<Event> = fc.oneof(
    fc.record({
      kind: fc.constant('failures' as const),
      count: fc.integer({ min: 0, max: 5 }),
      afterMs: fc.integer({ min: 0, max: 120_000 }),
    }),
    fc.record({ kind: fc.constant('check' as const), afterMs: fc.integer({ min: 0, max: 120_000 }) }),
    fc.record({ kind: fc.constant('trial stored' as const), afterMs: fc.integer({ min: 0, max: 120_000 }) }),
  );

  it('keeps its invariants through any events: counts only while closed, a trip per opening from closed', () => {
    fc.assert(
      fc.property(settingsArbitrary, fc.array(eventArbitrary, { maxLength: 60 }), (settings, events) => {
        let breaker = initialBreaker(BREAKER_EPOCH);
        let at = BREAKER_EPOCH.getTime();
        let opensFromClosed = 0;
        for (const event of events) {
          at += event.afterMs;
          const now = new Date(at);
          const step = applyEvent(breaker, event, now, settings);
          if (step.transition?.from === 'closed' && step.transition.to === 'open') opensFromClosed += 1;
          if (step.transition) {
            expect(step.transition.from).toBe(breaker.state);
            expect(step.transition.to).toBe(step.breaker.state);
            expect(step.breaker.changedAt).toBe(now.toISOString());
          } else {
            expect(step.breaker.state).toBe(breaker.state);
          }
          breaker = step.breaker;
          expect(breaker.trips).toBe(opensFromClosed);
          if (breaker.state === 'closed') expect(breaker.failures).toBeLessThan(settings.failureThreshold);
          else expect(breaker.failures).toBe(0);
          if (breaker.state !== 'closed') expect(breaker.openedAt).toBeDefined();
          expect(parseBreaker(aBreakerItem(breaker))).toEqual(breaker);
        }
      }),
    );
  });

  const applyEvent = (breaker: CircuitBreaker, event: Event, now: Date, settings: CircuitBreakerSettings) => {
    switch (event.kind) {
      case 'failures':
        return recordFailures(breaker, event.count, now, settings);
      case 'check':
        return coolDownElapsed(breaker, now, settings);
      case 'trial stored':
        return trialSucceeded(breaker, 'the trial stored 1 of 1 orders', now);
    }
  };
});
