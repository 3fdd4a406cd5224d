import { createHash } from 'node:crypto';
import { cardDigits } from './card-number';
import type { Order, StoredOrder } from './order';

/** The order as `CheckoutTable` keeps it: of the card, only the network and the last 4 digits. */
export const toStoredOrder = (order: Order): StoredOrder => {
  const { card, ...payment } = order.payment;
  if (!card) return { ...order, payment };
  return {
    ...order,
    payment: { ...payment, card: { network: card.network, last4: cardDigits(card.number).slice(-4) } },
  };
};

const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

/** A fingerprint of the stored content: the same order always gets the same one, whatever its key order. */
export const storedOrderChecksum = (order: StoredOrder): string =>
  createHash('sha256').update(canonicalJson(order)).digest('hex');
