import fc from 'fast-check';
import { maskCardNumbers } from '../../../../src/domain/card-data';
import { aTextAround, aWrittenCardNumber, aWrittenLuhnInvalidNumber } from '../../../factories/card-numbers';
import { TEST_CARD_NUMBERS } from '../../../factories/order';
import { cardNumberPattern } from '../../../helpers/card-data';
import { referenceHasCardNumber, referenceMask } from '../../../helpers/card-number-reference';

describe('maskCardNumbers', () => {
  it.each([
    ['grouped by 4 with spaces', '4111 1111 1111 1111', '**** **** **** 1111'],
    ['grouped by 4 with dashes', '5555-5555-5555-4444', '****-****-****-4444'],
    ['plain', TEST_CARD_NUMBERS.visa, '************1111'],
    ['grouped 4-6-5 like amex', '3782 822463 10005', '**** ****** *0005'],
    ['plain, 13 digits long', '4222222222222', '*********2222'],
    ['grouped by 4, 19 digits long', '6011 0009 9013 9424 009', '**** **** **** ***4 009'],
    ['grouped irregularly', '41-1111 11111-111 11', '**-**** *****-*11 11'],
    ['with tabs', '4111\t1111\t1111\t1111', '****\t****\t****\t1111'],
    ['with no-break spaces', '4111\u00a01111\u00a01111\u00a01111', '****\u00a0****\u00a0****\u00a01111'],
    [
      'with narrow no-break spaces',
      '4111\u202f1111\u202f1111\u202f1111',
      '****\u202f****\u202f****\u202f1111',
    ],
    ['with en dashes', '5555\u20135555\u20135555\u20134444', '****\u2013****\u2013****\u20134444'],
    ['with non-breaking hyphens', '5555\u20115555\u20115555\u20114444', '****\u2011****\u2011****\u20114444'],
    ['with minus signs', '5555\u22125555\u22125555\u22124444', '****\u2212****\u2212****\u22124444'],
  ])('masks a card number written %s, keeping its separators and last 4 digits', (_, text, masked) => {
    expect(maskCardNumbers(text)).toEqual({ text: masked, masked: 1 });
  });

  it('masks a card number anywhere in a text, next to letters and punctuation', () => {
    expect(maskCardNumbers('Pay with card4111111111111111, not the other (5555-5555-5555-4444).')).toEqual({
      text: 'Pay with card************1111, not the other (****-****-****-4444).',
      masked: 2,
    });
  });

  it('masks a grouped card number that a phone number precedes, and keeps the phone number', () => {
    expect(maskCardNumbers('call +44 20 7946 0958 4111 1111 1111 1111 today').text).toBe(
      'call +44 20 7946 0958 **** **** **** 1111 today',
    );
  });

  it('keeps a number whose digits are split by line breaks, dots or two separators in a row', () => {
    for (const text of [
      '4111\n1111\n1111\n1111',
      '4111.1111.1111.1111',
      '4111  1111  1111  1111',
      '4111 - 1111',
    ]) {
      expect(maskCardNumbers(text)).toEqual({ text, masked: 0 });
    }
  });

  it('masks a card number that an order reference precedes with a separator', () => {
    expect(maskCardNumbers('1234 4111111111111111').text).toBe('1234 ************1111');
  });

  it('masks a card number inside a run of 13-19 digits that fails the Luhn check as a whole', () => {
    expect(maskCardNumbers('5 4111 1111 1111 1111').text).toBe('5 **** **** **** 1111');
  });

  it('counts overlapping card numbers in one run once', () => {
    // "0" followed by a card number passes the Luhn check too.
    expect(maskCardNumbers('0 4111 1111 1111 1111')).toEqual({ text: '* **** **** **** 1111', masked: 1 });
  });

  it.each([
    ['a number that fails the Luhn check', 'card 4111 1111 1111 1112'],
    ['a phone number', 'call +44 20 7946 0958 or +1 206 555 0100'],
    ['an order reference', 'ORD-1234567890123'],
    ['a long id with a Luhn-valid window inside it', 'id 41111111111111111234'],
    ['a number of 12 digits', 'ref 411111111113'],
    ['an id of 20 digits that passes the Luhn check', 'id 12345678901234567894'],
    ['a card number split by two separators in a row', '4111  1111 1111 1111'],
    ['a card number split by dots', '4111.1111.1111.1111'],
    ['a date and a time', '2026-11-21T10:15:30.123Z'],
  ])('keeps %s', (_, text) => {
    expect(maskCardNumbers(text)).toEqual({ text, masked: 0 });
  });

  it('returns the very same string when it holds no card number', () => {
    const text = `Deliver after 6 pm, ${'x'.repeat(50)} 1234 5678`;
    expect(maskCardNumbers(text).text).toBe(text);
  });

  it('masks a Luhn-valid number of 13-19 digits in any format, with any text around it', () => {
    fc.assert(
      fc.property(
        aWrittenCardNumber().chain((number) =>
          aTextAround(number.written).map((text) => ({ ...number, text })),
        ),
        ({ digits, text }) => {
          const result = maskCardNumbers(text);
          expect(result.text).not.toMatch(cardNumberPattern(digits));
          expect(result.masked).toBeGreaterThanOrEqual(1);
          expect(result).toEqual(referenceMask(text));
        },
      ),
    );
  });

  it('keeps numbers of 13-19 digits that fail the Luhn check, in any format, with any text around them', () => {
    fc.assert(
      fc.property(
        aWrittenLuhnInvalidNumber().chain((number) => aTextAround(number.written)),
        (text) => {
          fc.pre(!referenceHasCardNumber(text));
          expect(maskCardNumbers(text)).toEqual({ text, masked: 0 });
        },
      ),
    );
  });

  it('masks exactly what the rules say in any text of digits, separators and letters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789012345678  --a\t\u00a0\u2013\n.'), maxLength: 80 }),
        (text) => {
          expect(maskCardNumbers(text)).toEqual(referenceMask(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('changes nothing but digits into asterisks', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'0123456789 -ab\u202f\u2212'), maxLength: 60 }),
        (text) => {
          const masked = maskCardNumbers(text).text;
          expect(masked).toHaveLength(text.length);
          [...masked].forEach((character, index) => {
            if (character !== text[index]) {
              expect(character).toBe('*');
              expect(text[index]).toMatch(/[0-9]/);
            }
          });
        },
      ),
    );
  });

  it('keeps any text without a run of 13 digits as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        fc.pre(!/[0-9](?:[\s\u2010-\u2014\u2212-]?[0-9]){12}/.test(text));
        expect(maskCardNumbers(text)).toEqual({ text, masked: 0 });
      }),
    );
  });
});
