import fc from 'fast-check';
import {
  describeSchemaErrors,
  fieldName,
  validateOrderEvent,
  validateOrderRequest,
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

const validateOrderInput = (candidate: unknown) => validateOrderRequest(candidate, CHECKOUT_TIME);

const errorsOf = (candidate: unknown): string[] => {
  const validation = validateOrderInput(candidate);
  if (validation.valid) throw new Error('expected the candidate to be invalid');
  return validation.errors;
};

const eventErrorsOf = (candidate: unknown): string[] => {
  const validation = validateOrderEvent(candidate);
  if (validation.valid) throw new Error('expected the candidate to be invalid');
  return validation.errors;
};

// biome-ignore lint/suspicious/noExplicitAny: these tests break orders in ways their type forbids
type LooseOrder = Record<string, any>;

/** A deep copy of a valid order input, to break in ways the typed factory does not allow. */
const aLooseOrder = (): LooseOrder => structuredClone(anOrderInput()) as LooseOrder;

describe('validateOrderRequest', () => {
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

    it.each<[string, string, 'visa' | 'mastercard' | 'amex']>([
      ['spaces', '4111 1111 1111 1111', 'visa'],
      ['dashes', '5555-5555-5555-4444', 'mastercard'],
      ['amex grouping', '3782 822463 10005', 'amex'],
      ['spaced dashes', '4111 - 1111 - 1111 - 1111', 'visa'],
    ])('accepts a card number grouped with %s', (_, number, network) => {
      expect(validateOrderInput(anOrderInput({ payment: { card: { number, network } } })).valid).toBe(true);
    });

    it('returns the request it was given, card included: only the API holds it, in memory', () => {
      const input = anOrderInput();
      const validation = validateOrderInput(input);
      expect(validation.valid && validation.value).toBe(input);
      expect(validation.valid && validation.value.payment.card).toEqual(input.payment.card);
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
        'payment.card.number is not a valid card number (check digit)',
      ]);
    });

    it.each([
      ['too few digits', '0000 0000 000'],
      ['a prefix no network issues', '0000 0000 0000'],
      ['a Visa prefix and 15 digits', '411111111111116'],
      ['an Amex prefix and 16 digits', '3782-8224-6310-0052'],
    ])('rejects a card number with %s even though it passes the Luhn check', (_, number) => {
      expect(errorsOf(anOrderInput({ payment: { card: { number } } }))).toEqual([
        'payment.card.number is not a number any card network issues',
      ]);
    });

    it.each<[string, string]>([
      ['visa', TEST_CARD_NUMBERS.visa],
      ['mastercard', TEST_CARD_NUMBERS.mastercard],
      ['amex', TEST_CARD_NUMBERS.amex],
      ['discover', '6011 1111 1111 1117'],
      ['jcb', '3530-1113-3330-0000'],
      ['diners', '3056 930902 5904'],
      ['unionpay', '6200000000000005'],
      ['maestro', '6759649826438453'],
    ])('accepts a %s card that says its network', (network, number) => {
      const input = anOrderInput({ payment: { card: { network: network as 'visa', number } } });
      expect(validateOrderInput(input).valid).toBe(true);
    });

    it('accepts a card without a network: the number says it', () => {
      const input = aLooseOrder();
      delete input.payment.card.network;
      input.payment.card.number = TEST_CARD_NUMBERS.amex;
      expect(validateOrderInput(input)).toEqual({ valid: true, value: input });
    });

    it.each([
      ['mastercard', TEST_CARD_NUMBERS.visa],
      ['visa', TEST_CARD_NUMBERS.mastercard],
      ['discover', TEST_CARD_NUMBERS.amex],
    ])('rejects a card that says it is %s when its number is of another network', (network, number) => {
      expect(errorsOf(anOrderInput({ payment: { card: { network: network as 'visa', number } } }))).toEqual([
        'payment.card.network does not match the card number',
      ]);
    });

    it('does not compare the network with a number that is not a card number', () => {
      const input = anOrderInput({
        payment: { card: { network: 'mastercard', number: '4111111111111112' } },
      });
      expect(errorsOf(input)).toEqual(['payment.card.number is not a valid card number (check digit)']);
    });

    it('does not compare a network the schema rejected with the number', () => {
      const order = aLooseOrder();
      order.payment.card.network = 'diners-club';
      expect(errorsOf(order)).toEqual([
        'payment.card.network must be one of: visa, mastercard, amex, discover, diners, jcb, unionpay, maestro',
      ]);
    });

    it.each([
      ['last month', '10/26'],
      ['years ago', '01/20'],
    ])('rejects a card that expired %s', (_, expiry) => {
      expect(errorsOf(anOrderInput({ payment: { card: { expiry } } }))).toEqual([
        'payment.card.expiry is in the past: the card has expired',
      ]);
    });

    it('accepts a card that expires at the end of this month', () => {
      expect(validateOrderInput(anOrderInput({ payment: { card: { expiry: '11/26' } } })).valid).toBe(true);
    });

    it('checks the expiry against the time it is given', () => {
      const input = anOrderInput({ payment: { card: { expiry: '11/26' } } });
      expect(validateOrderRequest(input, new Date('2026-11-30T23:59:59Z')).valid).toBe(true);
      expect(validateOrderRequest(input, new Date('2026-12-01T00:00:00Z'))).toEqual({
        valid: false,
        errors: ['payment.card.expiry is in the past: the card has expired'],
      });
    });

    it('does not judge an expiry the schema rejected', () => {
      const order = aLooseOrder();
      order.payment.card.expiry = '2020-01';
      expect(errorsOf(order)).toEqual([
        'payment.card.expiry must match pattern "^(0[1-9]|1[0-2])/[0-9]{2}$"',
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
      const input = anOrder({
        id: `order-${TEST_CARD_NUMBERS.visa}`,
        payment: { amount: 10, card: { number: '4111111111111112', expiry: '01/21' } },
      });
      expect(errorsOf(input)).toEqual([
        'payment.card.number is not a valid card number (check digit)',
        'payment.card.expiry is in the past: the card has expired',
        'id must not hold a card number',
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
      expect([...errorsOf(order)].sort()).toEqual([
        'items[0].quantity must be integer',
        'payment.card.number must match pattern "^[0-9][0-9 -]{10,26}[0-9]$"',
        'payment.method must be one of: card, paypal, bank-transfer',
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

  describe('identifiers, which become keys and correlation ids', () => {
    const holding = [
      `order-${TEST_CARD_NUMBERS.visa}`,
      TEST_CARD_NUMBERS.mastercard,
      '4111-1111-1111-1111',
      `ORD.${TEST_CARD_NUMBERS.amex}`,
      `cart-${TEST_CARD_NUMBERS.mastercard}-2`,
      `x${TEST_CARD_NUMBERS.visa}y`,
    ];

    it.each(holding)('rejects an order id holding a card number (%s), naming the field only', (id) => {
      const errors = errorsOf(anOrder({ id }));
      expect(errors).toEqual(['id must not hold a card number']);
    });

    it.each([...holding, '4111 1111 1111 1111'])('rejects a customer id holding a card number (%s)', (id) => {
      expect(errorsOf(anOrderInput({ customer: { id } }))).toEqual([
        'customer.id must not hold a card number',
      ]);
    });

    it.each(holding)('rejects a SKU holding a card number (%s), naming the item', (sku) => {
      const input = aLooseOrder();
      input.items[1].sku = sku;
      expect(errorsOf(input)).toEqual(['items[1].sku must not hold a card number']);
    });

    it('names every identifier that holds a card number', () => {
      const input = aLooseOrder();
      input.id = `order-${TEST_CARD_NUMBERS.visa}`;
      input.customer.id = `customer-${TEST_CARD_NUMBERS.amex}`;
      input.items[0].sku = TEST_CARD_NUMBERS.mastercard;
      expect(errorsOf(input)).toEqual([
        'id must not hold a card number',
        'customer.id must not hold a card number',
        'items[0].sku must not hold a card number',
      ]);
    });

    it.each(IDENTIFIERS_WITHOUT_CARD_NUMBERS)(
      'accepts %s (%s) as an order id, customer id and SKU',
      (_, id) => {
        const input = anOrderIdentifiedBy(id);
        expect(validateOrderInput(input)).toEqual({ valid: true, value: input });
      },
    );

    it('does not look for card numbers in identifiers of the wrong type', () => {
      const order = aLooseOrder();
      order.customer.id = Number(TEST_CARD_NUMBERS.visa);
      expect(errorsOf(order)).toEqual(['customer.id must be string']);
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
      expect(errors).toEqual(['payment.card.number is not a valid card number (check digit)']);
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

describe('no error message quotes a submitted card number', () => {
  const number = TEST_CARD_NUMBERS.visa;
  const toDigits = (text: string, zero: number) =>
    text.replace(/[0-9]/g, (digit) => String.fromCodePoint(zero + Number(digit)));
  /** The card number as people and systems write it. */
  const FORMATS: [string, string][] = [
    ['plain', number],
    ['spaced', '4111 1111 1111 1111'],
    ['dashed', '4111-1111-1111-1111'],
    ['dotted', '4111.1111.1111.1111'],
    ['slashed', '4111/1111/1111/1111'],
    ['underscored', '4111_1111_1111_1111'],
    ['en-dashed', '4111\u20131111\u20131111\u20131111'],
    ['with no-break spaces', '4111\u00a01111\u00a01111\u00a01111'],
    ['with zero-width spaces', '4111\u200b1111\u200b1111\u200b1111'],
    ['URL-encoded spaces', '4111%201111%201111%201111'],
    ['in full-width digits', toDigits(number, 0xff10)],
    ['in Arabic-Indic digits', toDigits(number, 0x0660)],
    ['in Devanagari digits', toDigits(number, 0x0966)],
    ['inside a word', `ref${number}x`],
  ];

  /** The candidate with every string replaced by `text`, every number by the card number as a number. */
  const everywhere = (value: unknown, text: string): unknown => {
    if (typeof value === 'string') return text;
    if (typeof value === 'number') return Number(number);
    if (Array.isArray(value)) return value.map((child) => everywhere(child, text));
    if (value !== null && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, everywhere(child, text)]));
    return value;
  };

  /** Whether `errors` hold the number's digits however written: its digits in order, whatever is between. */
  const quotesTheNumber = (errors: string[]) =>
    errors.some((error) => {
      const digits = [...error]
        .map((character) => {
          const ascii = character.normalize('NFKC');
          if (/^[0-9]$/.test(ascii)) return ascii;
          const code = character.codePointAt(0) ?? 0;
          if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
          if (code >= 0x0966 && code <= 0x096f) return String(code - 0x0966);
          return '';
        })
        .join('');
      return digits.includes(number.slice(0, 12)) || cardDataIn(error, { number, cvv: '8642' }).length > 0;
    });

  it.each(FORMATS)('in every field (%s)', (_, written) => {
    const candidate = everywhere({ ...anOrder(), notes: 'n' }, written) as LooseOrder;
    const errors = errorsOf(candidate);
    expect(errors.length).toBeGreaterThan(5);
    expect(quotesTheNumber(errors)).toBe(false);
  });

  it.each(FORMATS)('in every field of an event (%s)', (_, written) => {
    const errors = eventErrorsOf(everywhere({ ...anOrderEvent(), notes: 'n' }, written));
    expect(errors.length).toBeGreaterThan(5);
    expect(quotesTheNumber(errors)).toBe(false);
  });

  it.each(FORMATS)('as the name of an unknown field, at any depth (%s)', (_, written) => {
    const candidate = aLooseOrder();
    candidate[written] = 1;
    candidate.customer[written] = 'x';
    candidate.payment.card[written] = 'x';
    candidate.items[0][written] = 'x';
    const errors = errorsOf(candidate);
    expect(errors).toHaveLength(4);
    expect(errors.every((error) => error.endsWith(' is not allowed'))).toBe(true);
    expect(quotesTheNumber(errors)).toBe(false);
  });

  it.each([
    ['URL-encoded dashes', '4111%2D1111%2D1111%2D1111'],
    ['URL-encoded em dashes', '4111%E2%80%941111%E2%80%941111%E2%80%941111'],
  ])('as the name of an unknown field written with %s', (_, written) => {
    const errors = errorsOf({ ...aLooseOrder(), [written]: 1 });
    expect(errors.join('\n')).not.toContain('4111%');
    expect(errors.join('\n')).not.toContain('1111%');
  });

  it('in the card fields, whatever else is wrong', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS.map(([, written]) => written)),
        fc.subarray(['number', 'cvv', 'expiry', 'holder', 'network'] as const, { minLength: 1 }),
        fc.boolean(),
        (written, fields, extraProblem) => {
          const candidate = aLooseOrder();
          for (const field of fields) candidate.payment.card[field] = written;
          if (extraProblem) candidate.payment.amount = 1;
          const validation = validateOrderInput(candidate);
          const errors = validation.valid ? [] : validation.errors;
          expect(quotesTheNumber(errors)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('validateOrderEvent', () => {
  it('accepts an order event, card reduced to network and last 4, and returns it unchanged', () => {
    const event = anOrderEvent();
    expect(validateOrderEvent(event)).toEqual({ valid: true, value: event });
  });

  it('accepts an event paid without a card', () => {
    const { card: _card, ...payment } = anOrderEvent().payment;
    expect(validateOrderEvent({ ...anOrderEvent(), payment: { ...payment, method: 'paypal' } }).valid).toBe(
      true,
    );
  });

  it('requires the id that the API always gives an order', () => {
    const { id: _id, ...withoutId } = anOrderEvent();
    expect(eventErrorsOf(withoutId)).toEqual(['id is required']);
  });

  it('refuses a whole card, naming each field that must not be there, never its value', () => {
    const order = anOrder({ payment: { card: { cvv: '8642' } } });
    const errors = eventErrorsOf(order);
    expect(errors).toEqual(
      expect.arrayContaining([
        'payment.card.last4 is required',
        'payment.card.number is not allowed',
        'payment.card.expiry is not allowed',
        'payment.card.holder is not allowed',
        'payment.card.cvv is not allowed',
      ]),
    );
    expect(cardDataIn(errors.join('\n'), { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
  });

  it.each([
    ['a last4 of 3 digits', { network: 'visa', last4: '111' }, 'payment.card.last4 must match pattern'],
    ['a missing network', { last4: '1111' }, 'payment.card.network is required'],
    ['an unknown network', { network: 'bankcard', last4: '1111' }, 'payment.card.network must be one of'],
  ])('refuses a card with %s', (_, card, expected) => {
    const event = anOrderEvent();
    const errors = eventErrorsOf({ ...event, payment: { ...event.payment, card } });
    expect(errors.some((error) => error.startsWith(expected))).toBe(true);
  });

  it('applies no card rule (Luhn, issuer, expiry): an event has no card number nor expiry', () => {
    const event = anOrderEvent();
    // 0000 is not the end of a valid visa number, and the event holds no expiry: nothing to check.
    expect(
      validateOrderEvent({
        ...event,
        payment: { ...event.payment, card: { network: 'visa', last4: '0000' } },
      }).valid,
    ).toBe(true);
  });

  it('applies the amount rule', () => {
    expect(eventErrorsOf(anOrderEvent({ payment: { amount: 1 } }))).toEqual([
      'payment.amount 1.00 does not equal the sum of the items 59.97',
    ]);
  });

  it('applies the identifier rule', () => {
    expect(eventErrorsOf(anOrderEvent({ id: `order-${TEST_CARD_NUMBERS.visa}` }))).toEqual([
      'id must not hold a card number',
    ]);
  });

  it('requires a card when the method is card, and only then', () => {
    const { card: _card, ...payment } = anOrderEvent().payment;
    expect(eventErrorsOf({ ...anOrderEvent(), payment })).toEqual([
      'payment.card is required when payment.method is card',
    ]);
    const event = anOrderEvent();
    expect(eventErrorsOf({ ...event, payment: { ...event.payment, method: 'paypal' } })).toEqual([
      'payment.card is only allowed when payment.method is card',
    ]);
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
    ['', '4111 1111 1111 1111', '[redacted]'],
    ['/customer', 'x4111111111111111', 'customer.x[redacted]'],
    ['/items/3', '123456', 'items[3].[redacted]'],
    ['/items/3', '12345', 'items[3].12345'],
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
