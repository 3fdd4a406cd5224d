import fc from 'fast-check';
import { aTextAround, aWrittenCardNumber, maskedWriting } from '../../factories/card-numbers';
import { cardDataIn, cardNumberPattern, showsCardNumber } from '../../helpers/card-data';

// The log assertions rest on this detector: it must find card data in every form it can take.
describe('cardDataIn', () => {
  const card = { number: '4111111111111111', cvv: '8642' };

  it.each([
    ['the plain number', '{"message":"4111111111111111"}', 'the card number'],
    [
      'the number grouped with spaces',
      'card 4111 1111 1111 1111 declined',
      'the card number as "4111 1111 1111 1111"',
    ],
    [
      'the number grouped with dashes',
      'card=4111-1111-1111-1111',
      'the card number as "4111-1111-1111-1111"',
    ],
    ['the number grouped otherwise', 'card=411 111 111 111 1111', 'the card number'],
    ['the number grouped with dots', 'ref 4111.1111.1111.1111', 'the card number'],
    ['the number grouped with slashes and underscores', '4111/1111_1111/1111', 'the card number'],
    ['the number with zero-width spaces', '4111\u200b1111\u200b1111\u200b1111', 'the card number'],
    ['the number with a line break escaped in JSON', '{"notes":"4111 1111\\n1111 1111"}', 'the card number'],
    [
      'the number with URL-encoded thin spaces',
      'q=4111%E2%80%891111%E2%80%891111%E2%80%891111',
      'the card number',
    ],
    ['the number in full-width digits', '４１１１－１１１１－１１１１－１１１１', 'the card number'],
    ['the number in Arabic-Indic digits', '٤١١١ ١١١١ ١١١١ ١١١١', 'the card number'],
    ['the number in mathematical bold digits', '𝟒𝟏𝟏𝟏 𝟏𝟏𝟏𝟏 𝟏𝟏𝟏𝟏 𝟏𝟏𝟏𝟏', 'the card number'],
    ['the CVV as a value', '{"code":"8642"}', 'the CVV'],
    ['the CVV as a number', '{"code":8642}', 'the CVV'],
    ['a cvv field', '{"CVV":"***"}', 'a cvv field'],
  ])('finds %s', (_, text, finding) => {
    expect(cardDataIn(text, card)).toContain(finding);
  });

  it.each([
    ['the last 4 digits', '{"last4":"1111"}'],
    ['the number masked but its last 4 digits', '{"notes":"**** **** **** 1111"}'],
    ['the CVV digits inside a longer number', '{"Timestamp":1795286420000,"id":"a8642b"}'],
    ['another number', '{"phone":"+44 20 7946 0958"}'],
    ['the digits of the number split by letters', '4111 1111 x 1111 1111'],
  ])('finds nothing in %s', (_, text) => {
    expect(cardDataIn(text, card)).toEqual([]);
  });
});

describe('cardNumberPattern', () => {
  it('reads the number it is given in any digits and with any separators', () => {
    expect(cardNumberPattern('４１１１ １１１１ １１１１ １１１１').test('4111111111111111')).toBe(true);
  });

  it('does not match a number with other digits', () => {
    expect(cardNumberPattern('4111111111111111').test('4111 1111 1111 1112')).toBe(false);
  });
});

describe('showsCardNumber', () => {
  const number = '4111111111111111';

  it.each([
    ['the number', 'paid with 4111 1111 1111 1111'],
    ['all but its last 4 digits', '{"notes":"4111-1111-1111-****"}'],
    ['its leading digits in other digits', '٤١١١ ١١١١ ١١١١'],
  ])('sees %s', (_, text) => {
    expect(showsCardNumber(text, number)).toBe(true);
  });

  it.each([
    ['the number masked but its last 4 digits', '{"notes":"**** **** **** 1111"}'],
    ['the last 4 digits', '{"last4":"1111"}'],
  ])('does not see %s', (_, text) => {
    expect(showsCardNumber(text, number)).toBe(false);
  });

  it('reads the leading digits as cardNumberPattern does, in any writing, masked or not, in JSON or not', () => {
    const aText = fc
      .tuple(aWrittenCardNumber(), fc.boolean(), fc.boolean())
      .chain(([{ digits, written }, masked, asJson]) =>
        aTextAround(masked ? maskedWriting(written) : written).map((text) => ({
          digits,
          masked,
          text: asJson ? JSON.stringify({ notes: text }) : text,
        })),
      );
    fc.assert(
      fc.property(aText, ({ digits, masked, text }) => {
        expect(showsCardNumber(text, digits)).toBe(!masked);
        expect(cardNumberPattern(digits.slice(0, -4)).test(text)).toBe(!masked);
      }),
      { numRuns: 50 },
    );
  });
});
