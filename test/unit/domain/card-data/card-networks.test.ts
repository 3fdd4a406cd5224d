import fc from 'fast-check';
import { WELL_KNOWN_TEST_NUMBERS } from '../../../../scripts/generate-card-corpus';
import { CARD_NETWORKS, isIssuedCardNumber, networkOf, passesLuhn } from '../../../../src/domain/card-data';
import { digits, NETWORKS, withCheckDigit } from '../../../factories/card-numbers';
import { ISSUER_RANGES, type IssuerRange, referenceNetworkOf } from '../../../helpers/card-number-reference';

const LENGTHS = [12, 13, 14, 15, 16, 17, 18, 19];

/** `prefix` followed by 0s up to `length` digits. */
const numberOf = (prefix: string, length: number) => prefix.padEnd(length, '0');

const inRange = ({ from, to, lengths }: IssuerRange, number: string) => {
  const prefix = number.slice(0, from.length);
  return prefix >= from && prefix <= to && lengths.includes(number.length);
};

describe('networkOf', () => {
  it('knows the eight networks', () => {
    expect([...CARD_NETWORKS].sort()).toEqual([...NETWORKS].sort());
  });

  it.each(WELL_KNOWN_TEST_NUMBERS.map(([network, number]) => [number, network]))(
    'names the network of the test number %s: %s',
    (number, network) => {
      expect(networkOf(number)).toBe(network);
    },
  );

  describe.each(ISSUER_RANGES.map((range) => [`${range.network} ${range.from}-${range.to}`, range] as const))(
    'for the range %s',
    (_, range) => {
      const { network, from, to, lengths } = range;
      it.each(LENGTHS)(
        'takes the first and last prefixes of the range for its network at %i digits, if it issues that length',
        (length) => {
          const expected = lengths.includes(length) ? network : undefined;
          expect([networkOf(numberOf(from, length)), networkOf(numberOf(to, length))]).toEqual([
            expected,
            expected,
          ]);
        },
      );

      it('does not take the prefixes just outside the range for its network (unless another range of it has them)', () => {
        const width = from.length;
        const outside = [Number(from) - 1, Number(to) + 1]
          .filter((prefix) => prefix >= 0 && String(prefix).length <= width)
          .flatMap((prefix) => lengths.map((length) => numberOf(String(prefix).padStart(width, '0'), length)))
          .filter((number) => !ISSUER_RANGES.some((other) => other !== range && inRange(other, number)));
        for (const number of outside) expect(networkOf(number)).not.toBe(network);
      });
    },
  );

  it('takes no number of 11 digits or fewer, nor of 20 digits or more', () => {
    for (const length of [1, 6, 11, 20, 24]) expect(networkOf(numberOf('4', length))).toBeUndefined();
  });

  it('agrees with the ranges of aws-reference.md §8 for any digits', () => {
    const aPrefix = fc.constantFrom(
      '',
      '2',
      '22',
      '27',
      '3',
      '30',
      '35',
      '5',
      '50',
      '58',
      '6',
      '60',
      '62',
      '63',
      '64',
      '67',
    );
    fc.assert(
      fc.property(fc.tuple(aPrefix, digits(0, 20)), ([prefix, rest]) => {
        const number = (prefix + rest).slice(0, 20);
        expect(networkOf(number)).toBe(referenceNetworkOf(number));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('passesLuhn', () => {
  it.each(WELL_KNOWN_TEST_NUMBERS.map(([, number]) => number))('accepts the test number %s', (number) => {
    expect(passesLuhn(number)).toBe(true);
  });

  it.each([['79927398713'], ['0'], ['18'], ['0000000000000000']])('accepts %s', (number) => {
    expect(passesLuhn(number)).toBe(true);
  });

  it.each([['79927398710'], ['4111111111111112'], ['1'], ['']])('rejects %s', (number) => {
    expect(passesLuhn(number)).toBe(false);
  });

  it.each([['4111 1111 1111 1111'], ['4111-1111-1111-1111'], ['٤١١١١١١١١١١١١١١١']])(
    'rejects %s, which is not ASCII digits only',
    (number) => {
      expect(passesLuhn(number)).toBe(false);
    },
  );

  it('accepts a body followed by its check digit, and rejects it when any one digit changes', () => {
    fc.assert(
      fc.property(digits(1, 18), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, at, change) => {
        const number = withCheckDigit(body);
        expect(passesLuhn(number)).toBe(true);
        const index = at % number.length;
        const changed = `${number.slice(0, index)}${(Number(number[index]) + change) % 10}${number.slice(index + 1)}`;
        expect(passesLuhn(changed)).toBe(false);
      }),
    );
  });
});

describe('isIssuedCardNumber', () => {
  it.each([
    ['a test number', '4111111111111111', true],
    ['a test number with a wrong check digit', '4111111111111112', false],
    ['a Luhn-valid number of a Visa prefix but 15 digits', withCheckDigit('41111111111111'), false],
    ['a Luhn-valid number of no network', withCheckDigit('999999999999999'), false],
    ['a Luhn-valid number of 20 digits', withCheckDigit('4111111111111111111'), false],
  ])('takes %s for a card number: %s', (_, number, issued) => {
    expect(isIssuedCardNumber(number)).toBe(issued);
  });
});
