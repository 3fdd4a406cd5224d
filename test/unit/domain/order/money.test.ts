import fc from 'fast-check';
import { formatCents, toCents } from '../../../../src/domain/order';

describe('toCents', () => {
  it.each([
    [59.97, 5997],
    [0.1 + 0.2, 30],
    [0.07, 7],
    [1.1, 110],
    [19.99 * 3, 5997],
    [0, 0],
    [0.01, 1],
    [999_999.99, 99_999_999],
    [1_000_000, 100_000_000],
    [-12.34, -1234],
  ])('turns %d into %d cents', (amount, cents) => {
    expect(toCents(amount)).toBe(cents);
  });

  it.each([1.005, 0.001, 59.971, 19.999, 0.3333333333, Math.PI])(
    'refuses %d, which has more than 2 decimals',
    (amount) => {
      expect(toCents(amount)).toBeUndefined();
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses %d', (amount) => {
    expect(toCents(amount)).toBeUndefined();
  });

  it('reads back every amount of at most 2 decimals up to the largest allowed one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (cents) => {
        expect(toCents(cents / 100)).toBe(cents);
        expect(toCents(Number(formatCents(cents)))).toBe(cents);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('formatCents', () => {
  it.each([
    [5997, '59.97'],
    [0, '0.00'],
    [5, '0.05'],
    [30, '0.30'],
    [100, '1.00'],
    [100_000_000, '1000000.00'],
    [-1234, '-12.34'],
  ])('writes %d cents as %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});
