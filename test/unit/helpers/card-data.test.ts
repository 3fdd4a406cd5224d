import { cardDataIn } from '../../helpers/card-data';

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
    ['the CVV as a value', '{"code":"8642"}', 'the CVV'],
    ['the CVV as a number', '{"code":8642}', 'the CVV'],
    ['a cvv field', '{"CVV":"***"}', 'a cvv field'],
  ])('finds %s', (_, text, finding) => {
    expect(cardDataIn(text, card)).toContain(finding);
  });

  it.each([
    ['the last 4 digits', '{"last4":"1111"}'],
    ['the CVV digits inside a longer number', '{"Timestamp":1795286420000,"id":"a8642b"}'],
    ['another number', '{"phone":"+44 20 7946 0958"}'],
  ])('finds nothing in %s', (_, text) => {
    expect(cardDataIn(text, card)).toEqual([]);
  });
});
