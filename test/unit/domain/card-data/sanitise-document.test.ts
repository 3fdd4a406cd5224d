import fc from 'fast-check';
import { sanitiseDocument } from '../../../../src/domain/card-data';
import {
  aJsonObject,
  anOrderHolding,
  anOrderText,
  aWrittenCardNumber,
} from '../../../factories/card-numbers';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { cardNumberPattern } from '../../../helpers/card-data';
import { referenceSanitise } from '../../../helpers/card-number-reference';

const { visa, mastercard } = TEST_CARD_NUMBERS;

describe('sanitiseDocument', () => {
  it('removes the payment card of an order and keeps everything else', () => {
    const order = anOrder({ notes: 'Ring twice' });
    const { card, ...payment } = order.payment;
    expect(card).toBeDefined();
    expect(sanitiseDocument(structuredClone(order))).toEqual({
      value: { ...order, payment },
      cardObjectsRemoved: 1,
      numbersMasked: 0,
    });
  });

  it('removes every card object or array at any depth, and keeps card properties of other types', () => {
    const document = {
      card: { number: visa },
      method: 'card',
      history: [{ payment: { card: { number: mastercard, cvv: '123' }, amount: 1 } }, { card: ['4111'] }],
      labels: { card: 'visa', empty: { card: null }, count: { card: 3 } },
    };
    expect(sanitiseDocument(document)).toEqual({
      value: {
        method: 'card',
        history: [{ payment: { amount: 1 } }, {}],
        labels: { card: 'visa', empty: { card: null }, count: { card: 3 } },
      },
      cardObjectsRemoved: 3,
      numbersMasked: 0,
    });
  });

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
      cardObjectsRemoved: 0,
      numbersMasked: 4,
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

  it('keeps numbers that look like card numbers, which are not strings', () => {
    const document = { amount: 4111111111111111, nested: [4111111111111111] };
    expect(sanitiseDocument(document).value).toEqual({
      amount: 4111111111111111,
      nested: [4111111111111111],
    });
  });

  it('changes the document it is given and returns it', () => {
    const document = { notes: visa, payment: { card: { number: visa } } };
    expect(sanitiseDocument(document).value).toBe(document);
    expect(document).toEqual({ notes: '************1111', payment: {} });
  });

  it.each([
    ['a string', visa, '************1111'],
    ['a number', 42, 42],
    ['null', null, null],
    ['an array', [visa], ['************1111']],
  ])('sanitises %s as well as an object', (_, value, expected) => {
    expect(sanitiseDocument(value).value).toEqual(expected);
  });

  it('leaves no card number in any field, name or array of an order, at any depth', () => {
    fc.assert(
      fc.property(
        aWrittenCardNumber().chain((number) =>
          anOrderHolding(number.written).map((placed) => ({ ...placed, digits: number.digits })),
        ),
        ({ document, digits }) => {
          const { value, numbersMasked, cardObjectsRemoved } = sanitiseDocument(structuredClone(document));
          expect(JSON.stringify(value)).not.toMatch(cardNumberPattern(digits));
          expect(JSON.stringify(value)).not.toMatch(cardNumberPattern(visa));
          expect(numbersMasked).toBeGreaterThanOrEqual(1);
          expect(cardObjectsRemoved).toBe(1);
        },
      ),
    );
  });

  it('does to any JSON document exactly what the rules say, and nothing else', () => {
    fc.assert(
      fc.property(aJsonObject(anOrderText()), (document) => {
        const expected = referenceSanitise(document);
        const { value } = sanitiseDocument(structuredClone(document));
        expect(value).toEqual(expected);
        expect(JSON.stringify(value)).toBe(JSON.stringify(expected)); // the order of properties too
      }),
      { numRuns: 300 },
    );
  });
});
