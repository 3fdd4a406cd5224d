/**
 * Card networks by issuer prefix and length (aws-reference.md §8, after ISO/IEC 7812 and the networks'
 * published ranges). Luhn alone is not a card-number test: about one identifier in ten passes it by
 * chance, so a number is only taken for a card when a network issues numbers of its prefix and length.
 */
export const CARD_NETWORKS = [
  'visa',
  'mastercard',
  'amex',
  'discover',
  'diners',
  'jcb',
  'unionpay',
  'maestro',
] as const;

export type CardNetwork = (typeof CARD_NETWORKS)[number];

interface IssuerRange {
  network: CardNetwork;
  /** Inclusive range of the leading digits, compared as numbers of the same number of digits. */
  from: number;
  to: number;
  lengths: readonly number[];
}

const range = (network: CardNetwork, from: number, to: number, lengths: readonly number[]): IssuerRange => ({
  network,
  from,
  to,
  lengths,
});

const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19] as const;

/** Longest prefixes first, so that a more specific range wins (Maestro's 6304 before UnionPay's 62...). */
const ISSUER_RANGES: readonly IssuerRange[] = [
  range('maestro', 5018, 5018, [12, 13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 5020, 5020, [12, 13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 5038, 5038, [12, 13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 5893, 5893, [12, 13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 6304, 6304, [12, 13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 6759, 6759, [12, 13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 6761, 6763, [12, 13, 14, 15, 16, 17, 18, 19]),
  range('mastercard', 2221, 2720, [16]),
  range('discover', 6011, 6011, SIXTEEN_TO_NINETEEN),
  range('jcb', 3528, 3589, SIXTEEN_TO_NINETEEN),
  range('diners', 300, 305, [14, 15, 16, 17, 18, 19]),
  range('discover', 644, 649, SIXTEEN_TO_NINETEEN),
  range('amex', 34, 34, [15]),
  range('amex', 37, 37, [15]),
  range('diners', 36, 36, [14, 15, 16, 17, 18, 19]),
  range('diners', 38, 39, [14, 15, 16, 17, 18, 19]),
  range('mastercard', 51, 55, [16]),
  range('discover', 65, 65, SIXTEEN_TO_NINETEEN),
  range('unionpay', 62, 62, SIXTEEN_TO_NINETEEN),
  range('visa', 4, 4, [13, 16, 19]),
];

const prefixOf = (digits: string, length: number): number => Number(digits.slice(0, length));

/** The network that issues `digits` (ASCII digits only), by prefix and length; `undefined` for none. */
export const networkOf = (digits: string): CardNetwork | undefined => {
  for (const issuer of ISSUER_RANGES) {
    const prefixLength = String(issuer.from).length;
    const prefix = prefixOf(digits, prefixLength);
    if (prefix >= issuer.from && prefix <= issuer.to && issuer.lengths.includes(digits.length)) {
      return issuer.network;
    }
  }
  return undefined;
};

/** The Luhn (mod 10) check used by every card network. */
export const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
};

/** Whether `digits` is a card number a network issues: its prefix and length, and the Luhn check. */
export const isIssuedCardNumber = (digits: string): boolean =>
  networkOf(digits) !== undefined && passesLuhn(digits);
