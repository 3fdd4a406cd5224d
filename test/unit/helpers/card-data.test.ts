import { cardDataIn, cardNumberPattern } from '../../helpers/card-data';

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
