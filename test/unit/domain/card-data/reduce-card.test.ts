import fc from 'fast-check';
import { cardNumberDigits, reduceCard } from '../../../../src/domain/card-data';
import { TEST_CARD_NUMBERS } from '../../../factories/order';

const { visa, mastercard, amex } = TEST_CARD_NUMBERS;

describe('reduceCard', () => {
  it('keeps the network and the last 4 digits of a card and nothing else', () => {
    const card = { network: 'visa', number: visa, expiry: '12/29', holder: 'ADA LOVELACE', cvv: '123' };
    expect(reduceCard(card)).toEqual({ network: 'visa', last4: '1111' });
  });

  it.each([
    ['number', { number: mastercard }],
    ['pan', { pan: mastercard }],
    ['cardNumber', { cardNumber: mastercard }],
    ['card_number', { card_number: mastercard }],
    ['ccNum', { ccNum: mastercard }],
    ['primaryAccountNumber', { primaryAccountNumber: mastercard }],
    ['accountNumber', { accountNumber: mastercard }],
  ])('reads the card number under "%s"', (_, card) => {
    expect(reduceCard(card)).toEqual({ network: 'mastercard', last4: '4444' });
  });

  it.each([
    ['network', { network: 'visa' }, 'visa'],
    ['brand', { brand: 'Visa' }, 'visa'],
    ['scheme', { scheme: 'MASTERCARD' }, 'mastercard'],
    ['type', { type: 'American Express' }, 'amex'],
    ['cardType', { cardType: 'Diners Club' }, 'diners'],
    ['card_brand', { card_brand: 'union-pay' }, 'unionpay'],
  ])('reads the network under "%s", in any spelling', (_, card, network) => {
    expect(reduceCard(card)).toEqual({ network });
  });

  it('takes the network the card names over the one its number says', () => {
    expect(reduceCard({ brand: 'mastercard', number: visa })).toEqual({
      network: 'mastercard',
      last4: '1111',
    });
  });

  it.each([
    [
      'a network it does not know',
      { brand: 'Carte Bleue', number: visa },
      { network: 'visa', last4: '1111' },
    ],
    ['a network that is not a string', { network: 4, number: amex }, { network: 'amex', last4: '0005' }],
    ['no network', { number: amex }, { network: 'amex', last4: '0005' }],
  ])('takes the network from the number prefix for a card that names %s', (_, card, reduced) => {
    expect(reduceCard(card)).toEqual(reduced);
  });

  it('keeps no network for a number no network issues, and still its last 4 digits', () => {
    expect(reduceCard({ number: '1234567890123456' })).toEqual({ last4: '3456' });
  });

  it.each([
    ['grouped by spaces', '4111 1111 1111 1111'],
    ['grouped by dashes', '4111-1111-1111-1111'],
    [
      'in full-width digits',
      '\uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11',
    ],
    [
      'in Arabic-Indic digits',
      '\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661',
    ],
    ['as a JSON number', 4111111111111111],
  ])('reads a card number written %s, and keeps its last 4 digits as ASCII digits', (_, number) => {
    expect(reduceCard({ number })).toEqual({ network: 'visa', last4: '1111' });
  });

  it('keeps the last 4 digits of a 19-digit card number', () => {
    expect(reduceCard({ pan: '6011000990139424124' })).toEqual({ network: 'discover', last4: '4124' });
  });

  it.each([
    ['11 digits', '12345678901'],
    ['4 digits', '1111'],
    ['no digits', 'on file'],
    ['a negative number', -4111111111111111],
    ['null', null],
    ['an object', { digits: visa }],
  ])('keeps no last 4 digits of a number of %s', (_, number) => {
    expect(reduceCard({ number })).toEqual({});
  });

  it('takes the first card number of a card that has two', () => {
    expect(reduceCard({ pan: visa, number: mastercard })).toEqual({ network: 'visa', last4: '1111' });
  });

  it('gives back a card that is already reduced as it is', () => {
    expect(reduceCard({ network: 'amex', last4: '0005' })).toEqual({ network: 'amex', last4: '0005' });
  });

  it('takes the last 4 digits of the number over the last4 the card states', () => {
    expect(reduceCard({ last4: '9999', number: visa })).toEqual({ network: 'visa', last4: '1111' });
  });

  it.each([
    ['a whole card number', visa],
    ['3 digits', '111'],
    ['a number', 1111],
    ['letters', 'abcd'],
  ])('drops a last4 that is %s, not 4 digits', (_, last4) => {
    expect(reduceCard({ network: 'visa', last4 })).toEqual({ network: 'visa' });
  });

  it('drops a network that is not one it knows, even when it holds a card number', () => {
    expect(reduceCard({ network: visa })).toEqual({});
  });

  it('reduces an empty card to an empty object', () => {
    expect(reduceCard({})).toEqual({});
  });

  it('keeps no property but network and last4, and at most 4 digits, whatever the card holds', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (card) => {
        const reduced = reduceCard(card);
        expect(Object.keys(reduced).filter((key) => key !== 'network' && key !== 'last4')).toEqual([]);
        expect(JSON.stringify(reduced).replace(/[^0-9]/g, '').length).toBeLessThanOrEqual(4);
      }),
    );
  });
});

describe('cardNumberDigits', () => {
  it.each([
    ['4111 1111 1111 1111', '4111111111111111'],
    ['3782-822463-10005', '378282246310005'],
    ['\uff15\uff15\uff15\uff15', '5555'],
    ['\u0967\u0968\u0969', '123'],
    [4111111111111111, '4111111111111111'],
    [0, '0'],
  ])('reads the digits of %p as "%s"', (value, digits) => {
    expect(cardNumberDigits(value)).toBe(digits);
  });

  it.each([
    ['a string without digits', 'none'],
    ['an empty string', ''],
    ['a negative number', -1],
    ['null', null],
    ['a boolean', true],
    ['an array', ['4111111111111111']],
  ])('reads no digits in %s', (_, value) => {
    expect(cardNumberDigits(value)).toBeUndefined();
  });
});
