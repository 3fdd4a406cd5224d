import fc from 'fast-check';
import { describeSchemaErrors, fieldName, validateOrderInput } from '../../../../src/domain/order';
import { anOrder, anOrderInput, TEST_CARD_NUMBERS } from '../../../factories/order';
import { cardDataIn } from '../../../helpers/card-data';

const errorsOf = (candidate: unknown): string[] => {
  const validation = validateOrderInput(candidate);
  if (validation.valid) throw new Error('expected the candidate to be invalid');
  return validation.errors;
};

// biome-ignore lint/suspicious/noExplicitAny: these tests break orders in ways their type forbids
type LooseOrder = Record<string, any>;

/** A deep copy of a valid order input, to break in ways the typed factory does not allow. */
const aLooseOrder = (): LooseOrder => structuredClone(anOrderInput()) as LooseOrder;

describe('validateOrderInput', () => {
  describe('a valid order', () => {
    it('accepts an order with a card payment and returns it unchanged', () => {
      const input = anOrderInput();
      expect(validateOrderInput(input)).toEqual({ valid: true, value: input });
    });

    it('accepts an order that carries its own id', () => {
      const order = anOrder({ id: 'order-2026.11:21_a' });
      expect(validateOrderInput(order)).toEqual({ valid: true, value: order });
    });

    it('accepts a payment without a card when the method is not card', () => {
      const input = aLooseOrder();
      input.payment = { amount: 59.97, currency: 'EUR', method: 'paypal' };
      expect(validateOrderInput(input).valid).toBe(true);
    });

    it.each([
      ['spaces', '4111 1111 1111 1111'],
      ['dashes', '5555-5555-5555-4444'],
      ['amex grouping', '3782 822463 10005'],
    ])('accepts a card number grouped with %s', (_, number) => {
      expect(validateOrderInput(anOrderInput({ payment: { card: { number } } })).valid).toBe(true);
    });

    it('accepts an amount that equals the sum of the items only to the cent (0.1 + 0.2 = 0.3)', () => {
      const input = anOrderInput({
        payment: { amount: 0.3 },
        items: [
          { sku: 'A', name: 'Ten cents', quantity: 1, unitPrice: 0.1 },
          { sku: 'B', name: 'Twenty cents', quantity: 1, unitPrice: 0.2 },
        ],
      });
      expect(validateOrderInput(input).valid).toBe(true);
    });

    it('accepts optional fields: notes, shipping line2, region and a date with an offset and fraction', () => {
      const input = anOrderInput({
        date: '2026-11-21T10:15:30.123+01:00',
        notes: 'Leave at the door',
        shipping: { line2: 'Flat 2', region: 'Greater London' },
      });
      expect(validateOrderInput(input).valid).toBe(true);
    });
  });

  describe('schema violations, each named by its field', () => {
    const cases: [string, (order: LooseOrder) => void, string][] = [
      ['a missing required field', (o) => delete o.customer, 'customer is required'],
      ['a missing nested field', (o) => delete o.customer.email, 'customer.email is required'],
      ['a missing field of an item', (o) => delete o.items[1].sku, 'items[1].sku is required'],
      ['an unknown top-level field', (o) => (o.coupon = 'FREE'), 'coupon is not allowed'],
      ['an unknown card field', (o) => (o.payment.card.pin = '0000'), 'payment.card.pin is not allowed'],
      [
        'a value outside an enum',
        (o) => (o.payment.method = 'cash'),
        'payment.method must be one of: card, paypal, bank-transfer',
      ],
      ['a wrong type', (o) => (o.items[0].quantity = '2'), 'items[0].quantity must be integer'],
      ['a fractional quantity', (o) => (o.items[0].quantity = 1.5), 'items[0].quantity must be integer'],
      [
        'a lower-case currency',
        (o) => (o.payment.currency = 'eur'),
        'payment.currency must match pattern "^[A-Z]{3}$"',
      ],
      [
        'an invalid email',
        (o) => (o.customer.email = 'ada-at-example'),
        'customer.email must match format "email"',
      ],
      ['a date without a time', (o) => (o.date = '2026-11-21'), 'date must match format "date-time"'],
      ['a zero amount', (o) => (o.payment.amount = 0), 'payment.amount must be >= 0.01'],
      ['a negative unit price', (o) => (o.items[0].unitPrice = -1), 'items[0].unitPrice must be >= 0'],
      ['no items', (o) => (o.items = []), 'items must NOT have fewer than 1 items'],
      [
        'an empty customer name',
        (o) => (o.customer.name = ''),
        'customer.name must NOT have fewer than 1 characters',
      ],
      [
        'notes that are too long',
        (o) => (o.notes = 'x'.repeat(2001)),
        'notes must NOT have more than 2000 characters',
      ],
      [
        'an invalid expiry',
        (o) => (o.payment.card.expiry = '13/29'),
        'payment.card.expiry must match pattern',
      ],
      ['an invalid country', (o) => (o.shipping.country = 'GBR'), 'shipping.country must match pattern'],
      ['an id with spaces', (o) => (o.id = 'order 1'), 'id must match pattern'],
    ];

    it.each(cases)('rejects %s', (_, breakIt, expected) => {
      const order = aLooseOrder();
      breakIt(order);
      expect(errorsOf(order).some((error) => error.startsWith(expected))).toBe(true);
    });

    it.each([
      ['null', null],
      ['an array', [anOrderInput()]],
      ['a string', 'order'],
      ['a number', 42],
    ])('rejects %s as a whole order', (_, candidate) => {
      expect(errorsOf(candidate)).toEqual(['order must be object']);
    });

    it('lists every schema problem at once, not just the first', () => {
      const order = aLooseOrder();
      delete order.date;
      order.customer.email = 'nope';
      order.payment.currency = 'euro';
      order.items[1].quantity = 0;
      order.extra = true;
      expect(errorsOf(order)).toEqual(
        expect.arrayContaining([
          'date is required',
          'customer.email must match format "email"',
          'payment.currency must match pattern "^[A-Z]{3}$"',
          'items[1].quantity must be >= 1',
          'extra is not allowed',
        ]),
      );
    });

    it('names each problem once', () => {
      const errors = errorsOf({ ...aLooseOrder(), a: 1, b: 2 });
      expect(new Set(errors).size).toBe(errors.length);
    });
  });

  describe('business rules', () => {
    it('requires a card when the method is card', () => {
      const order = aLooseOrder();
      delete order.payment.card;
      expect(errorsOf(order)).toEqual(['payment.card is required when payment.method is card']);
    });

    it('rejects a card when the method is not card', () => {
      const order = aLooseOrder();
      order.payment.method = 'bank-transfer';
      expect(errorsOf(order)).toEqual(['payment.card is only allowed when payment.method is card']);
    });

    it('rejects a card number that fails the Luhn check', () => {
      expect(errorsOf(anOrderInput({ payment: { card: { number: '4111111111111112' } } }))).toEqual([
        'payment.card.number is not a valid card number',
      ]);
    });

    it('rejects a card number with too few digits even though it passes the Luhn check', () => {
      expect(errorsOf(anOrderInput({ payment: { card: { number: '0000 0000 000' } } }))).toEqual([
        'payment.card.number is not a valid card number',
      ]);
    });

    it('rejects an amount that does not equal the sum of the items', () => {
      expect(errorsOf(anOrderInput({ payment: { amount: 60 } }))).toEqual([
        'payment.amount 60.00 does not equal the sum of the items 59.97',
      ]);
    });

    it('counts each item as its unit price times its quantity', () => {
      const input = anOrderInput({
        payment: { amount: 39.98 },
        items: [{ sku: 'A', name: 'Pair', quantity: 2, unitPrice: 19.99 }],
      });
      expect(validateOrderInput(input).valid).toBe(true);
      expect(errorsOf({ ...input, payment: { ...input.payment, amount: 19.99 } })).toEqual([
        'payment.amount 19.99 does not equal the sum of the items 39.98',
      ]);
    });

    it('rejects an amount with more than 2 decimals, without a misleading sum error', () => {
      expect(errorsOf(anOrderInput({ payment: { amount: 59.971 } }))).toEqual([
        'payment.amount must have at most 2 decimals',
      ]);
    });

    it('rejects a unit price with more than 2 decimals, naming the item', () => {
      const input = anOrderInput({
        payment: { amount: 1.5 },
        items: [
          { sku: 'A', name: 'A', quantity: 1, unitPrice: 0.5 },
          { sku: 'B', name: 'B', quantity: 1, unitPrice: 0.999 },
        ],
      });
      expect(errorsOf(input)).toEqual(['items[1].unitPrice must have at most 2 decimals']);
    });

    it('lists every business problem at once', () => {
      const input = anOrderInput({ payment: { amount: 10, card: { number: '4111111111111112' } } });
      expect(errorsOf(input)).toEqual([
        'payment.card.number is not a valid card number',
        'payment.amount 10.00 does not equal the sum of the items 59.97',
      ]);
    });

    it('lists schema problems and business problems together', () => {
      const order = aLooseOrder();
      order.customer.email = 'not-an-email';
      order.payment.amount = 100;
      expect(errorsOf(order)).toEqual([
        'customer.email must match format "email"',
        'payment.amount 100.00 does not equal the sum of the items 59.97',
      ]);
    });

    it('does not add business problems about a field the schema already rejected', () => {
      const order = aLooseOrder();
      order.payment.method = 'cash';
      order.payment.card.number = 'not a number';
      order.items[0].quantity = 'two';
      expect(errorsOf(order)).toEqual([
        'payment.method must be one of: card, paypal, bank-transfer',
        'payment.card.number must match pattern "^[0-9][0-9 -]{10,26}[0-9]$"',
        'items[0].quantity must be integer',
      ]);
    });
    it.each<[string, (order: LooseOrder) => void, string]>([
      ['a quantity below 1', (o) => (o.items[0].quantity = 0), 'items[0].quantity must be >= 1'],
      ['a missing unit price', (o) => delete o.items[1].unitPrice, 'items[1].unitPrice is required'],
      ['an amount below the minimum', (o) => (o.payment.amount = 0), 'payment.amount must be >= 0.01'],
      ['an amount of the wrong type', (o) => (o.payment.amount = '59.97'), 'payment.amount must be number'],
    ])('does not compare the amount with the items when the schema rejects %s', (_, breakIt, expected) => {
      const order = aLooseOrder();
      breakIt(order);
      expect(errorsOf(order)).toEqual([expected]);
    });

    it('still compares the amount with the items when only an unrelated field is wrong', () => {
      const order = aLooseOrder();
      order.items[0].colour = 'red';
      order.payment.amount = 20;
      expect(errorsOf(order)).toEqual([
        'items[0].colour is not allowed',
        'payment.amount 20.00 does not equal the sum of the items 59.97',
      ]);
    });
  });

  describe('card data in error messages', () => {
    const card = { number: TEST_CARD_NUMBERS.visa, cvv: '8642' };
    const withCard = (change: (order: LooseOrder) => void) => {
      const order = aLooseOrder();
      order.payment.card.number = card.number;
      order.payment.card.cvv = card.cvv;
      change(order);
      return order;
    };

    it.each([
      ['an amount mismatch', withCard((o) => (o.payment.amount = 1))],
      ['a card with a wrong method', withCard((o) => (o.payment.method = 'paypal'))],
      ['a CVV of the wrong type', withCard((o) => (o.payment.card.cvv = Number(card.cvv)))],
      ['a card number of the wrong type', withCard((o) => (o.payment.card.number = Number(card.number)))],
      ['a card number with letters', withCard((o) => (o.payment.card.number = `${card.number}x`))],
      ['a CVV that is too long', withCard((o) => (o.payment.card.cvv = `${card.cvv}1`))],
      ['card data in an unknown field', withCard((o) => (o.payment.card.pan = card.number))],
      ['an expiry that holds the card number', withCard((o) => (o.payment.card.expiry = card.number))],
    ])('never quotes the card number or CVV for %s', (_, order) => {
      const errors = errorsOf(order);
      expect(errors.length).toBeGreaterThan(0);
      expect(cardDataIn(errors.join('\n'), card)).toEqual([]);
    });

    it('never quotes a mistyped card number that fails the Luhn check', () => {
      const mistyped = { number: '4111 1111 1111 1112', cvv: '8642' };
      const errors = errorsOf(withCard((o) => (o.payment.card.number = mistyped.number)));
      expect(errors).toEqual(['payment.card.number is not a valid card number']);
      expect(cardDataIn(errors.join('\n'), mistyped)).toEqual([]);
    });

    it('never quotes any card number or CVV, whatever else is wrong with the order', () => {
      const digits = (min: number, max: number) =>
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
      fc.assert(
        fc.property(
          digits(12, 19),
          fc.constantFrom('', ' ', '-'),
          digits(3, 4),
          fc.boolean(),
          // at most 99.99, so that no amount in a message looks like a 3-digit CVV
          fc.integer({ min: 1, max: 9_999 }),
          (number, separator, cvv, wrongMethod, amountCents) => {
            const written = number.match(/.{1,4}/g)?.join(separator) ?? number;
            const order = withCard((o) => {
              o.payment.card.number = written;
              o.payment.card.cvv = cvv;
              o.payment.amount = amountCents / 100;
              if (wrongMethod) o.payment.method = 'paypal';
            });
            const validation = validateOrderInput(order);
            const text = validation.valid ? '' : validation.errors.join('\n');
            expect(cardDataIn(text, { number, cvv })).toEqual([]);
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});

describe('fieldName', () => {
  it.each([
    ['', undefined, 'order'],
    ['', 'date', 'date'],
    ['/customer', 'email', 'customer.email'],
    ['/items/0/sku', undefined, 'items[0].sku'],
    ['/items/12', 'unitPrice', 'items[12].unitPrice'],
    ['/payment/card/number', undefined, 'payment.card.number'],
  ])('names the JSON pointer "%s" with child %s as %s', (pointer, child, expected) => {
    expect(fieldName(pointer, child)).toBe(expected);
  });
});

describe('describeSchemaErrors', () => {
  it('turns each error into one sentence and drops repeated ones', () => {
    const error = {
      keyword: 'required',
      instancePath: '/customer',
      schemaPath: '#/properties/customer/required',
      params: { missingProperty: 'id' },
    };
    expect(describeSchemaErrors([error, { ...error }])).toEqual(['customer.id is required']);
  });

  it('falls back to "is invalid" for an error without a message', () => {
    expect(
      describeSchemaErrors([{ keyword: 'weird', instancePath: '/notes', schemaPath: '#', params: {} }]),
    ).toEqual(['notes is invalid']);
  });
});
