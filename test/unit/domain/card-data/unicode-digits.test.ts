import fc from 'fast-check';
import { decimalDigitValue, toAsciiDigits } from '../../../../src/domain/card-data';
import { DIGIT_SET_NAMES, DIGIT_SETS, digits, inDigitSet } from '../../../factories/card-numbers';
import { referenceAsciiDigits } from '../../../helpers/card-number-reference';

describe('decimalDigitValue', () => {
  it.each(DIGIT_SET_NAMES)('reads the ten %s digits as 0 to 9', (set) => {
    const values = Array.from({ length: 10 }, (_, value) => decimalDigitValue(DIGIT_SETS[set] + value));
    expect(values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads the digits of every mathematical digit set, which follow each other without a gap', () => {
    // Bold, double-struck, sans-serif, sans-serif bold and monospace: 50 digits from U+1D7CE.
    const values = Array.from({ length: 50 }, (_, index) => decimalDigitValue(0x1d7ce + index));
    expect(values).toEqual(Array.from({ length: 50 }, (_, index) => index % 10));
  });
});

describe('toAsciiDigits', () => {
  it('turns the digits of any set into ASCII digits and keeps everything else', () => {
    expect(toAsciiDigits('card ４１１１-٤١١١ १११ 𝟏𝟏𝟏𝟏 ok')).toBe('card 4111-4111 111 1111 ok');
  });

  it('keeps numbers that are not decimal digits: superscripts, fractions, circled and Roman numerals', () => {
    const text = 'x² ½ ① Ⅻ ፲';
    expect(toAsciiDigits(text)).toBe(text);
  });

  it('reads back any digits written in any digit set', () => {
    fc.assert(
      fc.property(digits(0, 20), fc.constantFrom(...DIGIT_SET_NAMES), (ascii, set) => {
        expect(toAsciiDigits(inDigitSet(ascii, set))).toBe(ascii);
      }),
    );
  });

  it('reads every Unicode decimal digit as the rules do', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        expect(toAsciiDigits(text)).toBe(referenceAsciiDigits(text));
      }),
      { numRuns: 500 },
    );
  });
});
