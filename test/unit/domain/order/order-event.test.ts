import {
  type OrderRequest,
  toOrderEvent,
  validateOrderEvent,
  validateOrderRequest,
  withoutCardData,
} from '../../../../src/domain/order';
import {
  anOrder,
  anOrderEvent,
  anOrderIdentifiedBy,
  anOrderInput,
  CHECKOUT_TIME,
  IDENTIFIERS_WITHOUT_CARD_NUMBERS,
  TEST_CARD_NUMBERS,
} from '../../../factories/order';
import { cardDataIn } from '../../../helpers/card-data';

const toDigits = (text: string, zero: number) =>
  text.replace(/[0-9]/g, (digit) => String.fromCodePoint(zero + Number(digit)));

/** A card number as people and systems write it in free text, and how it reads once masked. */
const WRITTEN: [string, string, string][] = [
  ['plain', '4111111111111111', '************1111'],
  ['spaced', '4111 1111 1111 1111', '**** **** **** 1111'],
  ['double-spaced', '4111  1111  1111  1111', '****  ****  ****  1111'],
  ['dashed', '4111-1111-1111-1111', '****-****-****-1111'],
  ['dotted', '4111.1111.1111.1111', '****.****.****.1111'],
  ['slashed', '4111/1111/1111/1111', '****/****/****/1111'],
  ['underscored', '4111_1111_1111_1111', '****_****_****_1111'],
  ['en-dashed', '4111\u20131111\u20131111\u20131111', '****\u2013****\u2013****\u20131111'],
  ['with no-break spaces', '4111\u00a01111\u00a01111\u00a01111', '****\u00a0****\u00a0****\u00a01111'],
  ['with zero-width spaces', '4111\u200b1111\u200b1111\u200b1111', '****\u200b****\u200b****\u200b1111'],
  ['URL-encoded spaces', '4111%201111%201111%201111', '****%20****%20****%201111'],
  ['URL-encoded dashes', '4111%2D1111%2D1111%2D1111', '****%2D****%2D****%2D1111'],
  ['in full-width digits', toDigits('4111111111111111', 0xff10), `************${toDigits('1111', 0xff10)}`],
  ['in Arabic-Indic digits', toDigits('4111111111111111', 0x0660), `************${toDigits('1111', 0x0660)}`],
  ['a Mastercard number', '5555 5555 5555 4444', '**** **** **** 4444'],
  ['an Amex number', '3782 822463 10005', '**** ****** *0005'],
  ['in brackets', '(4111111111111111)', '(************1111)'],
  ['after a label', 'card:4111111111111111', 'card:************1111'],
];

/** A valid request whose card is `card` and whose texts are as given. */
const aRequest = (overrides: Parameters<typeof anOrder>[0] = {}) =>
  anOrder({ id: 'hold-1795937317-802', ...overrides });

describe('toOrderEvent', () => {
  it('reduces the card to its network and last 4 digits', () => {
    const request = anOrderInput({
      payment: { card: { network: 'mastercard', number: TEST_CARD_NUMBERS.mastercard } },
    });
    expect(toOrderEvent(request, 'order-1').payment.card).toEqual({ network: 'mastercard', last4: '4444' });
  });

  it.each([
    ['3782 822463 10005', 'amex', '0005'],
    ['5555-5555-5555-4444', 'mastercard', '4444'],
    ['6011 1111 1111 1117', 'discover', '1117'],
  ])('takes the network from the number %s when the request names none', (number, network, last4) => {
    const request = structuredClone(anOrderInput()) as OrderRequest;
    request.payment.card = { number, expiry: '12/29', holder: 'A HOLDER', cvv: '123' };
    expect(toOrderEvent(request, 'order-1').payment.card).toEqual({ network, last4 });
  });

  it('keeps the network the request names, which the validation checked against the number', () => {
    const request = anOrderInput({ payment: { card: { network: 'visa' } } });
    expect(toOrderEvent(request, 'order-1').payment.card).toEqual({ network: 'visa', last4: '1111' });
  });

  it('leaves no CVV, expiry, holder or card number in the event, nor their field names', () => {
    const request = anOrderInput({ payment: { card: { cvv: '8642', expiry: '07/31', holder: 'A HOLDER' } } });
    const text = JSON.stringify(toOrderEvent(request, 'order-1'));
    for (const secret of ['8642', '07/31', 'A HOLDER', '"cvv"', '"expiry"', '"holder"', '"number"']) {
      expect(text).not.toContain(secret);
    }
    expect(cardDataIn(text, { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
  });

  it('gives the event the id it is given, or keeps the one the client chose', () => {
    expect(toOrderEvent(anOrderInput(), 'generated-1').id).toBe('generated-1');
    const request = anOrder({ id: 'client-key-1' });
    expect(toOrderEvent(request, request.id).id).toBe('client-key-1');
  });

  it('keeps everything else of the request as it is', () => {
    const request = aRequest({
      notes: 'Gift wrap, please',
      shipping: { line2: 'Flat 2', region: 'Greater London' },
    });
    const { payment, ...rest } = toOrderEvent(request, request.id);
    const { payment: requestPayment, ...requestRest } = request;
    expect(rest).toEqual(requestRest);
    expect({ ...payment, card: undefined }).toEqual({ ...requestPayment, card: undefined });
  });

  it('makes an order paid without a card an event without any card field', () => {
    const { card: _card, ...payment } = anOrderInput().payment;
    const request = { ...anOrderInput(), payment: { ...payment, method: 'paypal' as const } };
    const event = toOrderEvent(request, 'order-1');
    expect('card' in event.payment).toBe(false);
    expect(event.payment).toEqual(request.payment);
  });

  it('does not change the request it is given', () => {
    const request = aRequest({ notes: `card ${TEST_CARD_NUMBERS.visa}` });
    const copy = structuredClone(request);
    toOrderEvent(request, request.id);
    expect(request).toEqual(copy);
  });

  it('makes of every valid request a valid event', () => {
    const request = aRequest({ notes: `my card is ${TEST_CARD_NUMBERS.visa}, CVV 123` });
    expect(validateOrderRequest(request, CHECKOUT_TIME).valid).toBe(true);
    const event = toOrderEvent(request, request.id);
    expect(validateOrderEvent(JSON.parse(JSON.stringify(event)))).toEqual({ valid: true, value: event });
  });

  describe('card numbers in texts', () => {
    it.each(WRITTEN)(
      'masks a card number written %s in the notes, shipping and item names',
      (_, written, masked) => {
        const request = aRequest({
          notes: `Please charge ${written} again`,
          shipping: { line1: written, line2: `c/o ${written}`, name: `Ada ${written}` },
          items: [{ sku: 'GIFT-1', name: `Gift for ${written}`, quantity: 1, unitPrice: 59.97 }],
          payment: { amount: 59.97 },
        });
        expect(validateOrderRequest(request, CHECKOUT_TIME).valid).toBe(true);
        const event = toOrderEvent(request, request.id);
        expect(event.notes).toBe(`Please charge ${masked} again`);
        expect(event.shipping.line1).toBe(masked);
        expect(event.shipping.line2).toBe(`c/o ${masked}`);
        expect(event.shipping.name).toBe(`Ada ${masked}`);
        expect(event.items[0]?.name).toBe(`Gift for ${masked}`);
        expect(validateOrderEvent(JSON.parse(JSON.stringify(event))).valid).toBe(true);
      },
    );

    it('masks a CVV named in a text beside a card number', () => {
      const event = toOrderEvent(aRequest({ notes: `card ${TEST_CARD_NUMBERS.visa}, CVV 123` }), 'order-1');
      expect(event.notes).toBe('card ************1111, CVV ***');
    });

    it.each(['CVV 123, thanks', 'my security code is 8642'])(
      'masks a CVV named in the text "%s"',
      (notes) => {
        const event = toOrderEvent(aRequest({ notes }), 'order-1');
        expect(event.notes).not.toMatch(/[0-9]{3}/);
      },
    );

    it('masks every card number of a text, and each of them but its last 4 digits', () => {
      const event = toOrderEvent(
        aRequest({ notes: `old ${TEST_CARD_NUMBERS.visa}, new ${TEST_CARD_NUMBERS.mastercard}` }),
        'order-1',
      );
      expect(event.notes).toBe('old ************1111, new ************4444');
    });
  });

  describe('identifiers and other numbers that are not card numbers', () => {
    it('keeps the order id hold-1795937317-802', () => {
      const request = aRequest();
      expect(toOrderEvent(request, request.id).id).toBe('hold-1795937317-802');
      expect(toOrderEvent(anOrderInput(), 'hold-1795937317-802').id).toBe('hold-1795937317-802');
    });

    it.each(IDENTIFIERS_WITHOUT_CARD_NUMBERS)('keeps %s (%s) as order id, customer id and SKU', (_, id) => {
      const request = anOrderIdentifiedBy(id);
      expect(validateOrderRequest(request, CHECKOUT_TIME).valid).toBe(true);
      const event = toOrderEvent(request, request.id);
      expect([event.id, event.customer.id, event.items[0]?.sku]).toEqual([id, id, id]);
    });

    it.each([
      ['a phone number', '+44 20 7946 0958'],
      ['an IBAN', 'IBAN DE89 3704 0044 0532 0130 00'],
      ['a tracking number', 'tracking 9400 1000 0000 0000 0000 00'],
      ['a barcode', 'EAN 4006381333931'],
      ['dates', 'deliver between 30/11/2026 and 31/12/2026'],
      ['a timestamp', 'sent at 1795937317802'],
    ])('keeps %s in a text', (_, text) => {
      const event = toOrderEvent(
        aRequest({ notes: text, shipping: { phone: '+44 20 7946 0958' } }),
        'order-1',
      );
      expect(event.notes).toBe(text);
      expect(event.shipping.phone).toBe('+44 20 7946 0958');
    });

    it.each([['visa-4222222222222'], ['card-4222222222222']])(
      'either refuses the identifier %s or keeps it',
      (id) => {
        const validation = validateOrderRequest(anOrderIdentifiedBy(id), CHECKOUT_TIME);
        if (!validation.valid) {
          expect(validation.errors).toContain('id must not hold a card number');
          return;
        }
        const event = toOrderEvent(validation.value, id);
        expect([event.id, event.customer.id, event.items[0]?.sku]).toEqual([id, id, id]);
        expect(validateOrderEvent(JSON.parse(JSON.stringify(event))).valid).toBe(true);
      },
    );
  });
});

describe('withoutCardData', () => {
  it('leaves an order event as it is', () => {
    const event = anOrderEvent({ id: 'hold-1795937317-802', notes: 'Leave at the door' });
    expect(withoutCardData(structuredClone(event))).toEqual(event);
  });

  it('reduces the whole card of a message from another publisher to its network and last 4 digits', () => {
    const message = structuredClone(anOrder({ id: 'other-publisher-1', payment: { card: { cvv: '8642' } } }));
    const result = withoutCardData(message) as ReturnType<typeof anOrderEvent>;
    expect(result.payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(cardDataIn(JSON.stringify(result), { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
    expect(validateOrderEvent(result)).toEqual({
      valid: true,
      value: anOrderEvent({ ...message, payment: message.payment }),
    });
  });

  it('makes of a whole order the event the API would have published for it', () => {
    const request = anOrder({ id: 'hold-1795937317-802', notes: `card ${TEST_CARD_NUMBERS.amex}` });
    expect(withoutCardData(structuredClone(request))).toEqual(toOrderEvent(request, request.id));
  });

  it.each([
    ['creditCard', { creditCard: { pan: TEST_CARD_NUMBERS.mastercard, cvc2: '8642', brand: 'Mastercard' } }],
    ['paymentCard', { paymentCard: { cardNumber: '5555 5555 5555 4444', securityCode: '8642' } }],
  ])('reduces a card under %s, and removes its security code', (key, extra) => {
    const message = { ...structuredClone(anOrderEvent()), ...structuredClone(extra) };
    const result = withoutCardData(message) as Record<string, unknown>;
    expect(result[key]).toEqual({ network: 'mastercard', last4: '4444' });
    expect(JSON.stringify(result)).not.toContain('8642');
  });

  it('removes CVVs and masks card numbers at any depth, in values and property names', () => {
    const message = {
      ...structuredClone(anOrderEvent()),
      metadata: { nested: [{ cvv: '8642', memo: `paid by ${TEST_CARD_NUMBERS.visa}` }] },
      [`ref ${TEST_CARD_NUMBERS.visa}`]: true,
    };
    const text = JSON.stringify(withoutCardData(message));
    expect(cardDataIn(text, { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
    expect(text).toContain('************1111');
  });

  it.each([null, 42, true, 'no card here'])('gives back %j, which holds no card, as it is', (value) => {
    expect(withoutCardData(value)).toBe(value);
  });

  it('masks a card number in a message that is only a string', () => {
    expect(withoutCardData(`order ${TEST_CARD_NUMBERS.visa}`)).toBe('order ************1111');
  });
});
