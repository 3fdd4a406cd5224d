import { referenceAsciiDigits } from './card-number-reference';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every Unicode decimal digit, by value: `DIGITS[4]` holds 4, ٤, ४, ４, 𝟒 ... (each set is ten code points). */
const DIGITS: string[][] = (() => {
  const byValue: string[][] = Array.from({ length: 10 }, () => []);
  let runStart = -1;
  for (let codePoint = 0; codePoint <= 0x1ffff; codePoint++) {
    const character = String.fromCodePoint(codePoint);
    if (!/^\p{Nd}$/u.test(character)) {
      runStart = -1;
      continue;
    }
    if (runStart < 0) runStart = codePoint;
    byValue[(codePoint - runStart) % 10]?.push(character);
  }
  return byValue;
})();

const DIGIT_CLASSES = DIGITS.map((characters) => `[${characters.join('')}]`);

/**
 * What may stand between two digits of a written card number, as a leak detector sees it: up to 4 of any
 * character that is neither a letter nor a digit (spaces, dashes, dots, slashes, zero-width characters ...),
 * URL encodings (`%20`) and JSON escapes (`\n`, `\u00a0`).
 */
const BETWEEN_DIGITS = '(?:[^\\p{L}\\p{N}]|%[0-9A-Fa-f]{2}|\\\\[nrtbf]|\\\\u[0-9A-Fa-f]{4}){0,4}';

/** The ASCII digits of a card number however it is written. */
const digitsOf = (number: string): string => referenceAsciiDigits(number).replace(/[^0-9]/g, '');

/**
 * Matches a card number however it is written: in any Unicode digits, plain or with any separators (and
 * their URL encodings or JSON escapes) between its digits.
 */
export const cardNumberPattern = (number: string): RegExp =>
  new RegExp([...digitsOf(number)].map((digit) => DIGIT_CLASSES[Number(digit)]).join(BETWEEN_DIGITS), 'u');

/**
 * `BETWEEN_DIGITS` for a text whose digits are ASCII and whose separators are all spaces, but `%` and `\`,
 * which begin URL encodings and JSON escapes (see `showsCardNumber`).
 */
const BETWEEN_ASCII_DIGITS = '(?:[ %\\\\]|%[0-9A-Fa-f]{2}|\\\\[nrtbf]|\\\\u[0-9A-Fa-f]{4}){0,4}';
const SEPARATORS_BUT_ENCODINGS = /[^\p{L}\p{N}%\\]/gu;

/**
 * Whether more of a card number than the last 4 digits masking keeps can be read in `text`: its leading
 * digits as `cardNumberPattern` reads them. For property tests, which try many numbers: the text is brought
 * to ASCII digits and one separator first, so that the pattern needs no Unicode classes, slow to compile.
 */
export const showsCardNumber = (text: string, number: string): boolean =>
  new RegExp([...digitsOf(number).slice(0, -4)].join(BETWEEN_ASCII_DIGITS)).test(
    referenceAsciiDigits(text).replace(SEPARATORS_BUT_ENCODINGS, ' '),
  );

/** The 4-digit groupings a card number is commonly written in. */
export const groupedVariants = (number: string): string[] => {
  const groups = digitsOf(number).match(/.{1,4}/g) ?? [];
  return [groups.join(' '), groups.join('-')];
};

/** Matches the CVV as a value on its own, not as part of a longer number or identifier. */
export const cvvPattern = (cvv: string): RegExp =>
  new RegExp(`(?<![0-9A-Za-z])${escapeRegExp(cvv)}(?![0-9A-Za-z])`);

/** The card data found in `text`, as descriptions; empty when there is none. */
export const cardDataIn = (text: string, card: { number: string; cvv: string }): string[] => {
  const found: string[] = [];
  if (cardNumberPattern(card.number).test(text)) found.push('the card number');
  for (const variant of groupedVariants(card.number)) {
    if (text.includes(variant)) found.push(`the card number as "${variant}"`);
  }
  if (cvvPattern(card.cvv).test(text)) found.push('the CVV');
  if (/"cvv"/i.test(text)) found.push('a cvv field');
  return found;
};
