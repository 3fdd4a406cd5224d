import { type CardContext, maskCardNumbers } from './mask-card-numbers';
import {
  isCardContextKey,
  isCardNumberKey,
  isCardObjectKey,
  isSensitiveAuthenticationKey,
} from './sensitive-keys';

/**
 * Card numbers stored as JSON numbers (`{"pan": 4111111111111111}`) must be read from the record's text:
 * `JSON.parse` rounds integers past 2^53, so a 19-digit number is not the one written. This turns every
 * integer literal of 12 digits or more that is a card number (`maskCardNumbers`, with its property name as
 * context) into a JSON string of its exact digits, which the document walk then masks like any string.
 * Other numbers (timestamps, barcodes) stay numbers.
 */

/** The tokens that matter: strings (skipped, but keys remembered) and integer literals. */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/g;
const COLON_AFTER = /^\s*:/;

const contextOf = (key: string | undefined): CardContext => {
  if (key === undefined) return 'none';
  if (isCardNumberKey(key, true) || isCardObjectKey(key)) return 'card-number';
  if (isCardContextKey(key) || isSensitiveAuthenticationKey(key)) return 'card';
  return 'none';
};

const parseKey = (token: string): string | undefined => {
  try {
    return JSON.parse(token) as string;
  } catch {
    return undefined;
  }
};

/** The integer a literal denotes (`4111111111111111.0`, `4.111111111111111E15`), as digits; else undefined. */
const integerDigits = (literal: string): string | undefined => {
  const parts = /^-?([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(literal);
  if (!parts) return undefined;
  const [, whole = '', fraction = '', exponentText = '0'] = parts;
  const exponent = Number(exponentText);
  if (exponent < 0 || exponent > 40) return undefined;
  const digits = whole + fraction;
  const pointAt = whole.length + exponent;
  if (pointAt < digits.length && /[^0]/.test(digits.slice(pointAt))) return undefined;
  const integer = (
    pointAt >= digits.length ? digits + '0'.repeat(pointAt - digits.length) : digits.slice(0, pointAt)
  ).replace(/^0+(?=[0-9])/, '');
  return integer;
};

/** Called when the parsed document holds a number of 12 digits or more (see `longNumbers`). */
export const quoteCardNumberLiterals = (json: string): string => {
  let result = '';
  let copiedUpTo = 0;
  let lastKey: string | undefined;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(json); match !== null; match = TOKEN.exec(json)) {
    const token = match[0];
    const end = match.index + token.length;
    if (token.startsWith('"')) {
      if (COLON_AFTER.test(json.slice(end, end + 16))) lastKey = parseKey(token);
      continue;
    }
    const digits = integerDigits(token);
    if (digits === undefined || digits.length < 12) continue;
    if (maskCardNumbers(digits, contextOf(lastKey)).masked === 0) continue;
    result += `${json.slice(copiedUpTo, match.index)}"${digits}"`;
    copiedUpTo = end;
  }
  return copiedUpTo === 0 ? json : result + json.slice(copiedUpTo);
};
