import fc from 'fast-check';
import { DocumentTooDeepError, MAX_DEPTH, sanitiseDocument } from '../../../../src/domain/card-data';
import { CARD_OBJECT_NAMES, SENSITIVE_AUTHENTICATION_NAMES } from '../../../factories/card-data-keys';
import { aPlainKey, aPlainObject, aWrittenCardNumber } from '../../../factories/card-numbers';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { showsCardNumber } from '../../../helpers/card-data';

const { visa, mastercard, amex } = TEST_CARD_NUMBERS;

/** A 13-digit Visa number: a card number only where a card is talked about (13 digits is also EAN-13). */
const VISA_13 = '4222222222222';

const NO_COUNTS = { cardObjectsReduced: 0, sensitiveAuthenticationDataRemoved: 0, numbersMasked: 0 };

/** A path into a document: property names and array positions (`[]`). */
const aPath = fc.array(fc.oneof(aPlainKey(), fc.constant('[]')), { maxLength: 5 });

const placeAt = (path: readonly string[], leaf: unknown): unknown =>
  path.reduceRight<unknown>((inner, segment) => (segment === '[]' ? [inner] : { [segment]: inner }), leaf);

/** A document whose innermost container (an object or an array) is `depth` levels below the root. */
const nestedTo = (depth: number, container: 'object' | 'array'): Record<string, unknown> => {
  let value: unknown = container === 'object' ? { leaf: 'x' } : ['x'];
  for (let level = depth - 1; level > 0; level -= 1) value = container === 'object' ? { a: value } : [value];
  return { a: value };
};

describe('sanitiseDocument', () => {
  describe('card objects', () => {
    it('reduces the payment card of an order to its network and last 4 digits, and keeps everything else', () => {
      const order = anOrder({ notes: 'Ring twice' });
      const expected = { ...order, payment: { ...order.payment, card: { network: 'visa', last4: '1111' } } };
      const result = sanitiseDocument(structuredClone(order));
      expect(result).toMatchObject({ cardObjectsReduced: 1, numbersMasked: 0 });
      expect(JSON.stringify(result.value)).toBe(JSON.stringify(expected)); // the order of properties too
    });

    it.each(CARD_OBJECT_NAMES)('reduces a card object under "%s"', (key) => {
      const document = { id: 'order-1', [key]: { number: visa, cvv: '123', expiry: '12/29', holder: 'ADA' } };
      expect(sanitiseDocument(document)).toEqual({
        value: { id: 'order-1', [key]: { network: 'visa', last4: '1111' } },
        ...NO_COUNTS,
        cardObjectsReduced: 1,
        longNumbers: 0,
      });
    });

    it('reduces card objects at any depth, arrays included, and counts each', () => {
      const document = {
        payment: { card: { number: visa, cvv: '123' } },
        history: [
          { payment: { creditCard: { pan: mastercard } } },
          [[{ paymentCard: { cardNumber: amex } }]],
        ],
        wallet: { cards: [{ number: visa }, { number: mastercard, brand: 'MasterCard' }] },
      };
      expect(sanitiseDocument(document)).toMatchObject({
        value: {
          payment: { card: { network: 'visa', last4: '1111' } },
          history: [
            { payment: { creditCard: { network: 'mastercard', last4: '4444' } } },
            [[{ paymentCard: { network: 'amex', last4: '0005' } }]],
          ],
          wallet: {
            cards: [
              { network: 'visa', last4: '1111' },
              { network: 'mastercard', last4: '4444' },
            ],
          },
        },
        cardObjectsReduced: 5,
      });
    });

    it('takes the network a card names, in any spelling, over the one its number prefix says', () => {
      const document = { card: { brand: 'American Express', pan: visa }, creditCard: { number: mastercard } };
      expect(sanitiseDocument(document).value).toEqual({
        card: { network: 'amex', last4: '1111' },
        creditCard: { network: 'mastercard', last4: '4444' },
      });
    });

    it('drops whatever else a card object holds, other cards included', () => {
      const document = { card: { number: visa, billing: { card: { number: mastercard } }, notes: [amex] } };
      const { value } = sanitiseDocument(document);
      expect(value).toEqual({ card: { network: 'visa', last4: '1111' } });
    });

    it('does not count a card that is already reduced, or empty, and gives it back the same', () => {
      const document = { card: { network: 'visa', last4: '1111' }, creditCard: {} };
      expect(sanitiseDocument(document)).toEqual({
        value: { card: { network: 'visa', last4: '1111' }, creditCard: {} },
        ...NO_COUNTS,
        longNumbers: 0,
      });
    });

    it('keeps a card-object property that is not an object, masking any 12 to 19 digits it holds', () => {
      const document = {
        method: 'card',
        card: 'visa',
        creditCard: null,
        cc: true,
        cards: 3,
        paymentCard: '1234567890123456',
      };
      expect(sanitiseDocument(document)).toEqual({
        value: { ...document, paymentCard: '************3456' },
        ...NO_COUNTS,
        numbersMasked: 1,
        longNumbers: 0,
      });
    });

    it('reduces the objects in an array under a card-object key, and masks its strings', () => {
      expect(sanitiseDocument({ cards: [{ number: visa }, mastercard, 5, null] })).toMatchObject({
        value: { cards: [{ network: 'visa', last4: '1111' }, '************4444', 5, null] },
        cardObjectsReduced: 1,
        numbersMasked: 1,
      });
    });

    it('keeps properties that merely mention cards', () => {
      const document = {
        cardHolder: 'ADA LOVELACE',
        giftCard: { code: 'GIFT-2026', balance: 20 },
        method: 'card',
      };
      expect(sanitiseDocument(structuredClone(document))).toEqual({
        value: document,
        ...NO_COUNTS,
        longNumbers: 0,
      });
    });
  });

  describe('sensitive authentication data', () => {
    it.each(SENSITIVE_AUTHENTICATION_NAMES)(
      'removes "%s" at any depth, arrays included, and counts each',
      (key) => {
        const document = {
          [key]: '123',
          payment: { amount: 1, [key]: 123 },
          history: [[{ [key]: { code: '123' } }], { note: 'kept', [key]: ['123'] }],
        };
        expect(sanitiseDocument(document)).toEqual({
          value: { payment: { amount: 1 }, history: [[{}], { note: 'kept' }] },
          ...NO_COUNTS,
          sensitiveAuthenticationDataRemoved: 4,
          longNumbers: 0,
        });
      },
    );

    it.each([
      ['a string', '123'],
      ['a number', 8642],
      ['null', null],
      ['an empty string', ''],
      ['an object', { value: '123' }],
      ['an array', ['1', '2', '3']],
      ['a boolean', true],
    ])('removes a CVV whatever its value: %s', (_, cvv) => {
      expect(sanitiseDocument({ id: 'order-1', cvv })).toMatchObject({
        value: { id: 'order-1' },
        sensitiveAuthenticationDataRemoved: 1,
      });
    });

    it('keeps properties whose names only resemble those of sensitive authentication data', () => {
      const document = {
        pincode: '110001',
        shipping: { trackingNumber: '1Z999AA10123456784', tracking: 'in transit' },
        cidr: '10.0.0.0/8',
        cvvResult: 'M',
        pinned: true,
      };
      expect(sanitiseDocument(structuredClone(document))).toEqual({
        value: document,
        ...NO_COUNTS,
        longNumbers: 0,
      });
    });
  });

  describe('card numbers in strings', () => {
    it('masks card numbers in string values at any depth, arrays included', () => {
      const document = {
        notes: `use ${visa} please`,
        shipping: { line1: '12 Analytical Row', line2: '4111-1111-1111-1111' },
        items: [{ name: `Gift card for ${mastercard}` }],
        tags: [['5555 5555 5555 4444', 'ok']],
      };
      expect(sanitiseDocument(document)).toEqual({
        value: {
          notes: 'use ************1111 please',
          shipping: { line1: '12 Analytical Row', line2: '****-****-****-1111' },
          items: [{ name: 'Gift card for ************4444' }],
          tags: [['**** **** **** 4444', 'ok']],
        },
        ...NO_COUNTS,
        numbersMasked: 4,
        longNumbers: 0,
      });
    });

    it.each([
      ['pan', '1234567890123456', '************3456'],
      ['PAN', '0000 0000 0000', '**** **** 0000'],
      ['cardNumber', '1234-5678-9012-3456-789', '****-****-****-***6-789'],
      ['card_number', '123456789012', '********9012'],
      ['ccNum', '4111111111111112', '************1112'],
    ])('masks any 12 to 19 digits under "%s", Luhn-valid or not', (key, number, masked) => {
      expect(sanitiseDocument({ [key]: number }).value).toEqual({ [key]: masked });
    });

    it('keeps the same digits under a key that names no card: they are no card number', () => {
      const document = { note: '1234567890123456', reference: '4111111111111112', code: '123456789012' };
      expect(sanitiseDocument(structuredClone(document))).toEqual({
        value: document,
        ...NO_COUNTS,
        longNumbers: 0,
      });
    });

    it('masks a 13-digit card number under a key that talks about a card, and keeps it elsewhere', () => {
      expect(sanitiseDocument({ cardMemo: `old ${VISA_13}`, notes: `ref ${VISA_13}` })).toMatchObject({
        value: { cardMemo: 'old *********2222', notes: `ref ${VISA_13}` },
        numbersMasked: 1,
      });
    });

    it('keeps order ids and other identifiers that are not card numbers intact', () => {
      const document = {
        id: 'hold-1795937317-802',
        notes: 'Order hold-1795937317-802 placed at 1795937317000, replaces hold-1795937317-801',
        iban: 'DE89 3704 0044 0532 0130 00',
        phone: '+44 20 7946 0958',
        ean: '4006381333931',
        timestamp: '1795937317000',
        tracking: '9400 1000 0000 0000 0000 00',
        date: '2026-11-21T10:15:30Z',
        sku: 'BOOK-001',
        uuid: '00000000-0000-4000-8000-000000000001',
      };
      expect(sanitiseDocument(structuredClone(document))).toEqual({
        value: document,
        ...NO_COUNTS,
        longNumbers: 0,
      });
    });

    it('masks card numbers in property names, keeping the order of the properties and their values', () => {
      const document = { first: 1, [`paid with ${visa}`]: { [mastercard]: 'x' }, last: 2 };
      const { value, numbersMasked } = sanitiseDocument(document);
      expect(JSON.stringify(value)).toBe(
        '{"first":1,"paid with ************1111":{"************4444":"x"},"last":2}',
      );
      expect(numbersMasked).toBe(2);
    });

    it('keeps a property named __proto__ as a property, as JSON.parse makes it', () => {
      const document = JSON.parse(`{"__proto__": {"note": "${visa}"}, "${visa}": 1}`);
      const { value } = sanitiseDocument(document);
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(JSON.stringify(value)).toBe('{"__proto__":{"note":"************1111"},"************1111":1}');
    });
  });

  describe('numbers', () => {
    it('leaves numbers as they are, and counts those of 12 digits or more: only the record text has them exactly', () => {
      const document = { a: Number(visa), b: [1795937317000, 12], c: -100000000000, d: 99999999999, e: 1.5 };
      expect(sanitiseDocument(structuredClone(document))).toEqual({
        value: document,
        ...NO_COUNTS,
        longNumbers: 3,
      });
    });
  });

  describe('the document it is given', () => {
    it('is changed and returned', () => {
      const document = { notes: visa, payment: { card: { number: visa } } };
      expect(sanitiseDocument(document).value).toBe(document);
      expect(document).toEqual({
        notes: '************1111',
        payment: { card: { network: 'visa', last4: '1111' } },
      });
    });

    it.each([
      ['a string', visa, '************1111'],
      ['a number', 42, 42],
      ['null', null, null],
      ['an array', [visa, { cvv: '123' }], ['************1111', {}]],
    ])('may be %s as well as an object', (_, value, expected) => {
      expect(sanitiseDocument(value).value).toEqual(expected);
    });

    it('is the only one whose card data is counted', () => {
      sanitiseDocument({ card: { number: visa }, cvv: '123', notes: mastercard, n: 1795937317000 });
      expect(sanitiseDocument({ id: 'order-2' })).toEqual({
        value: { id: 'order-2' },
        ...NO_COUNTS,
        longNumbers: 0,
      });
    });

    it.each(['object', 'array'] as const)('may nest %ss MAX_DEPTH levels deep', (container) => {
      expect(() => sanitiseDocument(nestedTo(MAX_DEPTH, container))).not.toThrow();
    });

    it.each(['object', 'array'] as const)(
      'may not nest %ss deeper: DocumentTooDeepError, whose message quotes nothing of the document',
      (container) => {
        const document = nestedTo(MAX_DEPTH + 1, container);
        expect(() => sanitiseDocument(document)).toThrow(DocumentTooDeepError);
        expect(() => sanitiseDocument(document)).toThrow(
          `The document is nested more than ${MAX_DEPTH} levels deep`,
        );
      },
    );
  });

  it('leaves no card number, CVV or track data in an order that holds them everywhere', () => {
    const order = anOrder({
      notes: `Charge ${mastercard.replace(/(.{4})(?=.)/g, '$1 ')} instead`,
      payment: { card: { number: visa, cvv: '8642' } },
    });
    const document = {
      ...order,
      cvv2: '8642',
      audit: [{ [`retried ${amex}`]: { track2: `;${visa}=29121010000012345678?`, cardCvv: 8642 } }],
    };
    const { value } = sanitiseDocument(document);
    const text = JSON.stringify(value);
    for (const number of [visa, mastercard, amex]) expect(showsCardNumber(text, number)).toBe(false);
    expect(text).not.toMatch(/8642|cvv|track2/i);
  });

  describe('for any document', () => {
    it('gives back one that holds no card data exactly as it is, counting nothing', () => {
      fc.assert(
        fc.property(aPlainObject(), (document) => {
          const { value, ...counts } = sanitiseDocument(structuredClone(document));
          expect(value).toEqual(document);
          expect(JSON.stringify(value)).toBe(JSON.stringify(document)); // the order of properties too
          expect(counts).toMatchObject(NO_COUNTS);
        }),
        { numRuns: 300 },
      );
    });

    it('leaves no card number readable in a string or a property name at any depth, and changes nothing else', () => {
      fc.assert(
        fc.property(
          aPlainObject(),
          aPath,
          aPlainKey(),
          aWrittenCardNumber(),
          fc.boolean(),
          (document, path, key, { digits, written }, asName) => {
            const leaf = asName ? { [`ref ${written}`]: true } : `paid with ${written} today`;
            const holder = `holder_${key}`;
            const holding = { ...document, [holder]: placeAt(path, leaf) };
            const { value, numbersMasked } = sanitiseDocument(structuredClone(holding));
            expect(showsCardNumber(JSON.stringify(value), digits)).toBe(false);
            expect(numbersMasked).toBeGreaterThanOrEqual(1);
            expect({ ...(value as object), [holder]: undefined }).toEqual({
              ...document,
              [holder]: undefined,
            });
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
