import type { OrderEvent, OrderRequest } from '../../src/domain/order';

/** Card numbers that pass the Luhn check (the networks' published test numbers). */
export const TEST_CARD_NUMBERS = {
  visa: '4111111111111111',
  mastercard: '5555555555554444',
  amex: '378282246310005',
} as const;

type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const merge = <T>(base: T, overrides: unknown): T => {
  if (!isPlainObject(base) || !isPlainObject(overrides))
    return (overrides === undefined ? base : overrides) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = merge(merged[key], value);
  return merged as T;
};

let sequence = 0;
const nextId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(sequence++).toString(36)}`;

/** A request with the idempotency key a client chose: what partners post, and what another publisher might. */
export type OrderRequestWithId = OrderRequest & { id: string };

/** The time the tests check orders at: the day `anOrderInput` dates them, before its card expires (12/29). */
export const CHECKOUT_TIME = new Date('2026-11-21T12:00:00Z');

/** A valid order request (no id) with a card payment; `overrides` are merged in deeply (arrays are replaced). */
export const anOrderInput = (overrides: DeepPartial<OrderRequest> = {}): OrderRequest =>
  merge<OrderRequest>(
    {
      date: '2026-11-21T10:15:30Z',
      customer: { id: nextId('customer'), name: 'Ada Lovelace', email: 'ada@example.com' },
      payment: {
        amount: 59.97,
        currency: 'EUR',
        method: 'card',
        card: {
          network: 'visa',
          number: TEST_CARD_NUMBERS.visa,
          expiry: '12/29',
          holder: 'ADA LOVELACE',
          cvv: '123',
        },
      },
      shipping: {
        name: 'Ada Lovelace',
        line1: '12 Analytical Row',
        city: 'London',
        postalCode: 'N1 7AA',
        country: 'GB',
        phone: '+44 20 7946 0958',
      },
      items: [
        { sku: 'BOOK-001', name: 'Notes on the Analytical Engine', quantity: 2, unitPrice: 19.99 },
        { sku: 'PEN-042', name: 'Fountain pen', quantity: 1, unitPrice: 19.99 },
      ],
    },
    overrides,
  );

/** A valid order request with an id, the whole card included. */
export const anOrder = (overrides: DeepPartial<OrderRequestWithId> = {}): OrderRequestWithId =>
  ({
    ...anOrderInput(overrides as DeepPartial<OrderRequest>),
    id: overrides.id ?? nextId('order'),
  }) as OrderRequestWithId;

/** A valid order request with an id whose single item makes the total `amount` (major units, 2 decimals). */
export const anOrderOfAmount = (
  amount: number,
  overrides: DeepPartial<OrderRequestWithId> = {},
): OrderRequestWithId =>
  anOrder(
    merge<DeepPartial<OrderRequestWithId>>(
      {
        payment: { amount },
        items: [{ sku: 'GIFT-CARD', name: 'Gift card', quantity: 1, unitPrice: amount }],
      },
      overrides,
    ),
  );

/** The order event the API publishes for `anOrder(overrides)`: the card reduced to network and last 4. */
export const anOrderEvent = (overrides: DeepPartial<OrderRequestWithId> = {}): OrderEvent => {
  const { payment, ...order } = anOrder(overrides);
  const { card, ...rest } = payment;
  const digits = card?.number.replace(/[^0-9]/g, '') ?? '';
  return {
    ...order,
    payment: card ? { ...rest, card: { network: card.network ?? 'visa', last4: digits.slice(-4) } } : rest,
  } as OrderEvent;
};

/**
 * Identifiers full of digits that hold no card number: an order keeps them as its id, its customer's id
 * and its SKUs. Each with what it is.
 */
export const IDENTIFIERS_WITHOUT_CARD_NUMBERS: [what: string, id: string][] = [
  ['an order id with a timestamp', 'hold-1795937317-802'],
  ['a millisecond timestamp', '1795937317802'],
  ['a UUID', '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b'],
  ['an EAN-13 barcode', '4006381333931'],
  ['a GTIN-14', '10012345678902'],
  ['an IBAN', 'DE89370400440532013000'],
  ['a tracking number', '9400100000000000000000'],
  ['a dated order id', 'order-2026-11-21-0001'],
  ['a long reference', 'ORD_20261121_000123456789'],
  ['a parcel number', '1Z999AA10123456784'],
  ['a Luhn-valid number no network issues', '000000000000000'],
];

/** A valid order whose id, customer id and single item's SKU are all `id`. */
export const anOrderIdentifiedBy = (id: string): OrderRequestWithId =>
  anOrder({ id, customer: { id }, items: [{ sku: id, name: 'Gift card', quantity: 1, unitPrice: 59.97 }] });
