import { type StoredOrder, storedOrderChecksum, toStoredOrder } from '../../../../src/domain/order';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';

/** The same value with the keys of every object in reverse order. */
const reverseKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, child]) => [key, reverseKeys(child)]),
    );
  }
  return value;
};

describe('toStoredOrder', () => {
  it('keeps only the network and the last 4 digits of the card', () => {
    const order = anOrder({
      payment: { card: { network: 'mastercard', number: TEST_CARD_NUMBERS.mastercard } },
    });
    expect(toStoredOrder(order).payment.card).toEqual({ network: 'mastercard', last4: '4444' });
  });

  it('takes the last 4 digits of a number written with spaces or dashes', () => {
    const order = anOrder({ payment: { card: { network: 'amex', number: '3782-822463-10005' } } });
    expect(toStoredOrder(order).payment.card).toEqual({ network: 'amex', last4: '0005' });
  });

  it('leaves no card number, expiry, holder or CVV anywhere in the stored order', () => {
    const order = anOrder({ payment: { card: { cvv: '8642', expiry: '07/31', holder: 'A HOLDER' } } });
    const text = JSON.stringify(toStoredOrder(order));
    for (const secret of [TEST_CARD_NUMBERS.visa, '8642', '07/31', 'A HOLDER', 'cvv', 'expiry', 'holder']) {
      expect(text).not.toContain(secret);
    }
  });

  it('keeps everything else of the order as it is', () => {
    const order = anOrder({ notes: 'Gift wrap, please' });
    const { payment, ...rest } = toStoredOrder(order);
    const { payment: originalPayment, ...originalRest } = order;
    expect(rest).toEqual(originalRest);
    expect({ ...payment, card: undefined }).toEqual({ ...originalPayment, card: undefined });
  });

  it('stores an order paid without a card without any card field', () => {
    const order = anOrder();
    const { card: _card, ...payment } = order.payment;
    const stored = toStoredOrder({ ...order, payment: { ...payment, method: 'paypal' } });
    expect('card' in stored.payment).toBe(false);
    expect(stored.payment).toEqual({ ...payment, method: 'paypal' });
  });

  it('does not change the order it is given', () => {
    const order = anOrder();
    const copy = structuredClone(order);
    toStoredOrder(order);
    expect(order).toEqual(copy);
  });
});

describe('storedOrderChecksum', () => {
  const stored = (): StoredOrder => toStoredOrder(anOrder({ id: 'order-1', customer: { id: 'customer-1' } }));

  it('is a SHA-256 in hex', () => {
    expect(storedOrderChecksum(stored())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same order', () => {
    expect(storedOrderChecksum(stored())).toBe(storedOrderChecksum(stored()));
  });

  it('does not depend on the order of the keys, at any depth', () => {
    const order = stored();
    const reordered = reverseKeys(order) as StoredOrder;
    expect(Object.keys(reordered)).not.toEqual(Object.keys(order));
    expect(storedOrderChecksum(reordered)).toBe(storedOrderChecksum(order));
  });

  it('survives a JSON round trip, as an item read back from the table does', () => {
    const order = stored();
    expect(storedOrderChecksum(JSON.parse(JSON.stringify(order)))).toBe(storedOrderChecksum(order));
  });

  it('ignores properties whose value is undefined, which the table does not keep', () => {
    const order = stored();
    expect(storedOrderChecksum({ ...order, notes: undefined })).toBe(storedOrderChecksum(order));
  });

  it.each<[string, (order: StoredOrder) => StoredOrder]>([
    ['the amount', (o) => ({ ...o, payment: { ...o.payment, amount: o.payment.amount + 0.01 } })],
    ['the customer', (o) => ({ ...o, customer: { ...o.customer, email: 'other@example.com' } })],
    [
      'a quantity',
      (o) => ({ ...o, items: o.items.map((item, i) => (i === 0 ? { ...item, quantity: 3 } : item)) }),
    ],
    ['the order of the items', (o) => ({ ...o, items: [...o.items].reverse() })],
    [
      'the last 4 digits',
      (o) => ({ ...o, payment: { ...o.payment, card: { network: 'visa', last4: '0000' } } }),
    ],
    ['a string into a number', (o) => ({ ...o, customer: { ...o.customer, id: 1 as unknown as string } })],
    ['an added field', (o) => ({ ...o, notes: 'extra' })],
  ])('changes when %s changes', (_, change) => {
    const order = stored();
    expect(order.items[0]?.sku).not.toBe(order.items[1]?.sku);
    expect(storedOrderChecksum(change(order))).not.toBe(storedOrderChecksum(order));
  });
});
