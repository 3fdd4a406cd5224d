import { createHash } from 'node:crypto';
import type { OrderEvent } from './order';

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
export const storedOrderChecksum = (order: OrderEvent): string =>
  createHash('sha256').update(canonicalJson(order)).digest('hex');
