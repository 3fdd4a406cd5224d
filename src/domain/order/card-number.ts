import { type CardNetwork, networkOf, passesLuhn } from '../card-data';

/** Digits of a card number written with or without spaces or dashes (the request schema allows those). */
export const cardDigits = (number: string): string => number.replace(/[ -]/g, '');

export type CardNumberCheck =
  | { valid: true; network: CardNetwork; last4: string }
  | { valid: false; problem: 'luhn' | 'issuer' };

/** A card number the API accepts: it passes Luhn, and a network issues numbers of its prefix and length. */
export const checkCardNumber = (number: string): CardNumberCheck => {
  const digits = cardDigits(number);
  if (!passesLuhn(digits)) return { valid: false, problem: 'luhn' };
  const network = networkOf(digits);
  if (!network) return { valid: false, problem: 'issuer' };
  return { valid: true, network, last4: digits.slice(-4) };
};

/** Whether a card expiring at the end of `MM/YY` has expired at `now` (UTC). */
export const hasExpired = (expiry: string, now: Date): boolean => {
  const [month = 0, year = 0] = expiry.split('/').map(Number);
  const firstDayAfterExpiry = Date.UTC(2000 + year, month, 1);
  return now.getTime() >= firstDayAfterExpiry;
};
