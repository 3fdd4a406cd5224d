/** Hyphen, non-breaking hyphen, figure dash, en and em dashes, minus sign and hyphen-minus. */
const DASHES = '\\u2010-\\u2014\\u2212-';

/**
 * What may stand between two digits of a written card number: a space or a dash, as keyboards, word
 * processors and phones type them: space, tab, no-break, figure and narrow no-break spaces; hyphen-minus,
 * hyphen, non-breaking hyphen, figure dash, en and em dashes, and the minus sign.
 */
export const CARD_NUMBER_SEPARATOR_CLASS = `[ \\t\\u00a0\\u2007\\u202f${DASHES}]`;

/** Whether the UTF-16 code unit `code` is one of the separators of `CARD_NUMBER_SEPARATOR_CLASS`. */
export const isCardNumberSeparator = (code: number): boolean =>
  code === 32 ||
  code === 45 ||
  code === 9 ||
  code === 0xa0 ||
  code === 0x2007 ||
  code === 0x202f ||
  (code >= 0x2010 && code <= 0x2014) ||
  code === 0x2212;

const WHITESPACE_AND_DASHES = new RegExp(`[\\s${DASHES}]`, 'g');

/** Digits of a card number written with or without whitespace or dashes of any kind. */
export const cardDigits = (number: string): string => number.replace(WHITESPACE_AND_DASHES, '');

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

export const isValidCardNumber = (number: string): boolean => {
  const digits = cardDigits(number);
  return /^[0-9]{12,19}$/.test(digits) && passesLuhn(digits);
};
