import { CARD_NETWORKS, type CardNetwork, networkOf } from './card-networks';
import { isCardNumberKey } from './sensitive-keys';
import { toAsciiDigits } from './unicode-digits';

/** What may be kept of a card (SPEC §2): its network and the last 4 digits of its number. */
export interface ReducedCard {
  network?: CardNetwork;
  last4?: string;
}

const NETWORK_KEYS = new Set(['network', 'brand', 'scheme', 'type', 'cardtype', 'cardbrand']);

const asNetwork = (value: unknown): CardNetwork | undefined => {
  if (typeof value !== 'string') return undefined;
  if ((CARD_NETWORKS as readonly string[]).includes(value)) return value as CardNetwork;
  const name = value.toLowerCase().replace(/[^a-z]/g, '');
  if (name === 'americanexpress') return 'amex';
  if (name === 'dinersclub') return 'diners';
  return (CARD_NETWORKS as readonly string[]).includes(name) ? (name as CardNetwork) : undefined;
};

/** The digits of a card number as written (any Unicode digits, any separators), or `undefined`. */
export const cardNumberDigits = (value: unknown): string | undefined => {
  if (typeof value === 'number' || typeof value === 'bigint') return value >= 0 ? String(value) : undefined;
  if (typeof value !== 'string') return undefined;
  let digits = '';
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) digits += value[index];
    else if (code > 127) digits += toAsciiDigits(value[index] ?? '').replace(/[^0-9]/g, '');
  }
  return digits.length > 0 ? digits : undefined;
};

type CardKeyRole = 'network' | 'last4' | 'number' | 'other';
const cardKeyRoles = new Map<string, CardKeyRole>();

const cardKeyRole = (key: string): CardKeyRole => {
  let role = cardKeyRoles.get(key);
  if (role !== undefined) return role;
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (NETWORK_KEYS.has(normalised)) role = 'network';
  else if (normalised === 'last4') role = 'last4';
  else if (isCardNumberKey(key, true)) role = 'number';
  else role = 'other';
  if (cardKeyRoles.size < 1000) cardKeyRoles.set(key, role);
  return role;
};

/**
 * A card object, whatever its property names (`{number, cvv}`, `{pan, cvc2}`, `{cardNumber, brand}`),
 * reduced to `{network, last4}`: the network it names, or else the one its number's prefix says; the last
 * 4 digits of its number (of a number of 12 digits or more; a shorter one keeps nothing). An object that
 * is already reduced comes back the same.
 */
export const reduceCard = (card: Record<string, unknown>): ReducedCard => {
  let network: CardNetwork | undefined;
  let digits: string | undefined;
  let last4: string | undefined;
  for (const key in card) {
    const value = card[key];
    const role = cardKeyRole(key);
    if (role === 'network') network ??= asNetwork(value);
    else if (role === 'last4' && typeof value === 'string' && /^[0-9]{4}$/.test(value)) last4 = value;
    else if (role === 'number') digits ??= cardNumberDigits(value);
  }
  if (digits !== undefined && digits.length >= 12) {
    last4 = digits.slice(-4);
    network ??= networkOf(digits);
  }
  const reduced: ReducedCard = {};
  if (network) reduced.network = network;
  if (last4) reduced.last4 = last4;
  return reduced;
};
