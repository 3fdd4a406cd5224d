import { type OrderEvent, storedOrderChecksum } from '../../../../src/domain/order';
import { anOrderEvent } from '../../../factories/order';

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

describe('storedOrderChecksum', () => {
  const stored = (): OrderEvent => anOrderEvent({ id: 'order-1', customer: { id: 'customer-1' } });

  it('is a SHA-256 in hex', () => {
    expect(storedOrderChecksum(stored())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the checksum of the order event as it is published and stored, card reduced', () => {
    const order = stored();
    expect(order.payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(storedOrderChecksum(order)).toBe(storedOrderChecksum(structuredClone(order)));
  });

  it('is the same for the same order', () => {
    expect(storedOrderChecksum(stored())).toBe(storedOrderChecksum(stored()));
  });

  it('does not depend on the order of the keys, at any depth', () => {
    const order = stored();
    const reordered = reverseKeys(order) as OrderEvent;
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

  it.each<[string, (order: OrderEvent) => OrderEvent]>([
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
    [
      'the network',
      (o) => ({ ...o, payment: { ...o.payment, card: { network: 'mastercard', last4: '1111' } } }),
    ],
    ['the id', (o) => ({ ...o, id: 'order-2' })],
  ])('changes when %s changes', (_, change) => {
    const order = stored();
    expect(order.items[0]?.sku).not.toBe(order.items[1]?.sku);
    expect(storedOrderChecksum(change(order))).not.toBe(storedOrderChecksum(order));
  });
});
