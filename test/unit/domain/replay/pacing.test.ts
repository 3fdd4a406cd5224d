import fc from 'fast-check';
import { pacedMappingSettings, reserveSlots, slotIntervalMs } from '../../../../src/domain/replay';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const FAR = NOW + 60_000;

describe('the pacing slots of a replay', () => {
  it('gives consecutive orders slots 1/rate apart, from now when nobody holds a later slot', () => {
    expect(reserveSlots({ rate: 5, nextSlotAt: undefined, wanted: 3, deadline: FAR, now: NOW })).toEqual({
      slots: [NOW, NOW + 200, NOW + 400],
      nextSlotAt: NOW + 600,
    });
  });

  it('starts after the slots another invocation holds', () => {
    expect(reserveSlots({ rate: 2, nextSlotAt: NOW + 1500, wanted: 2, deadline: FAR, now: NOW })).toEqual({
      slots: [NOW + 1500, NOW + 2000],
      nextSlotAt: NOW + 2500,
    });
  });

  it('does not let slots unused during a pause pile up into a burst', () => {
    const { slots } = reserveSlots({
      rate: 10,
      nextSlotAt: NOW - 30_000,
      wanted: 3,
      deadline: FAR,
      now: NOW,
    });
    expect(slots).toEqual([NOW, NOW + 100, NOW + 200]);
  });

  it('gives no slot beyond the deadline: the orders left over wait for a later batch', () => {
    expect(reserveSlots({ rate: 1, nextSlotAt: NOW, wanted: 5, deadline: NOW + 2000, now: NOW })).toEqual({
      slots: [NOW, NOW + 1000, NOW + 2000],
      nextSlotAt: NOW + 3000,
    });
    expect(
      reserveSlots({ rate: 1, nextSlotAt: NOW + 5000, wanted: 5, deadline: NOW + 2000, now: NOW }),
    ).toEqual({ slots: [], nextSlotAt: NOW + 5000 });
  });

  it('never lets two reservations made one after the other share a slot, nor exceed the rate', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 1000, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 20 }),
        (rate, batches) => {
          let nextSlotAt: number | undefined;
          const slots: number[] = [];
          for (const wanted of batches) {
            const reservation = reserveSlots({ rate, nextSlotAt, wanted, deadline: FAR * 10, now: NOW });
            slots.push(...reservation.slots);
            nextSlotAt = reservation.nextSlotAt;
          }
          const interval = slotIntervalMs(rate);
          return slots.every(
            (slot, index) => index === 0 || slot - (slots[index - 1] as number) >= interval - 1e-3,
          );
        },
      ),
    );
  });
});

describe('the event source mapping settings of a paced replay', () => {
  it.each([
    [0.5, { batchSize: 1, maximumConcurrency: 2 }],
    [1, { batchSize: 1, maximumConcurrency: 2 }],
    [5, { batchSize: 5, maximumConcurrency: 2 }],
    [10, { batchSize: 10, maximumConcurrency: 2 }],
    [50, { batchSize: 10, maximumConcurrency: 10 }],
    [1000, { batchSize: 10, maximumConcurrency: 200 }],
  ])(
    'at %s orders/s are %o: batches of about a second, about two seconds of them at once',
    (rate, settings) => {
      expect(pacedMappingSettings(rate)).toEqual(settings);
    },
  );

  it('stays within what Lambda takes for an SQS mapping without a batching window', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1000, noNaN: true }), (rate) => {
        const { batchSize, maximumConcurrency } = pacedMappingSettings(rate);
        return batchSize >= 1 && batchSize <= 10 && maximumConcurrency >= 2 && maximumConcurrency <= 1000;
      }),
    );
  });
});
