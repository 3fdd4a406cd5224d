import fc from 'fast-check';
import { cardDigits, isValidCardNumber, passesLuhn } from '../../../../src/domain/order';
import { CARD_NUMBER_SEPARATOR_CLASS, isCardNumberSeparator } from '../../../../src/domain/order/card-number';
import { TEST_CARD_NUMBERS } from '../../../factories/order';

describe('cardDigits', () => {
  it.each([
    ['4111 1111 1111 1111', '4111111111111111'],
    ['4111-1111-1111-1111', '4111111111111111'],
    ['3782 822463 10005', '378282246310005'],
    ['4111\t1111 - 1111\n1111', '4111111111111111'],
    ['4111111111111111', '4111111111111111'],
  ])('reads the digits of "%s"', (written, digits) => {
    expect(cardDigits(written)).toBe(digits);
  });

  it('keeps characters other than spaces and dashes, so that they can be rejected', () => {
    expect(cardDigits('4111.1111/1111')).toBe('4111.1111/1111');
  });
});

describe('passesLuhn', () => {
  it.each(Object.entries(TEST_CARD_NUMBERS))('accepts the %s test number', (_, number) => {
    expect(passesLuhn(number)).toBe(true);
  });

  it.each(['79927398713', '4012888888881881', '6011111111111117', '0'])('accepts %s', (digits) => {
    expect(passesLuhn(digits)).toBe(true);
  });

  it.each(['79927398710', '4111111111111112', '5555555555554440', '378282246310006'])(
    'rejects %s, whose check digit is wrong',
    (digits) => {
      expect(passesLuhn(digits)).toBe(false);
    },
  );

  it('rejects a number with two neighbouring digits swapped', () => {
    expect(passesLuhn('4111111111111111'.replace('41', '14'))).toBe(false);
  });

  it('rejects an empty string', () => {
    expect(passesLuhn('')).toBe(false);
  });

  it.each(['4111 1111 1111 1111', '41111111111111a1', '4111111111111111 '])(
    'rejects "%s", which contains something other than digits',
    (digits) => {
      expect(passesLuhn(digits)).toBe(false);
    },
  );

  it('detects every change of a single digit of a valid number', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(TEST_CARD_NUMBERS)),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (number, position, delta) => {
          const index = position % number.length;
          const changed = (Number(number[index]) + delta) % 10;
          const altered = `${number.slice(0, index)}${changed}${number.slice(index + 1)}`;
          expect(passesLuhn(altered)).toBe(false);
        },
      ),
    );
  });
});

describe('isValidCardNumber', () => {
  it.each([
    TEST_CARD_NUMBERS.visa,
    TEST_CARD_NUMBERS.mastercard,
    TEST_CARD_NUMBERS.amex,
    '4111 1111 1111 1111',
    '5555-5555-5555-4444',
    '3782 822463 10005',
    '000000000000',
    '0000000000000000000',
  ])('accepts %s', (number) => {
    expect(isValidCardNumber(number)).toBe(true);
  });

  it.each([
    ['fails the Luhn check', '4111 1111 1111 1112'],
    ['has 11 digits', '00000000000'],
    ['has 20 digits', '00000000000000000000'],
    ['contains a letter', '4111 1111 1111 111I'],
    ['uses dots between the groups', '4111.1111.1111.1111'],
    ['is empty', ''],
    ['is only separators', ' - - '],
  ])('rejects a number that %s', (_, number) => {
    expect(isValidCardNumber(number)).toBe(false);
  });
});

describe('isCardNumberSeparator', () => {
  it('accepts exactly the UTF-16 code units of CARD_NUMBER_SEPARATOR_CLASS', () => {
    const separator = new RegExp(`^${CARD_NUMBER_SEPARATOR_CLASS}$`);
    const disagreements: number[] = [];
    for (let code = 0; code <= 0xffff; code += 1) {
      if (isCardNumberSeparator(code) !== separator.test(String.fromCharCode(code))) disagreements.push(code);
    }
    expect(disagreements).toEqual([]);
  });
});
