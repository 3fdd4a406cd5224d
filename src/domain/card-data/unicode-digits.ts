/**
 * Unicode decimal digits (general category Nd: full-width, Arabic-Indic, Devanagari, mathematical, ...).
 * Every set of them is encoded as ten consecutive code points from 0 to 9, so a digit's value is its
 * distance from the start of its run of Nd code points, modulo 10.
 */
const DECIMAL_DIGIT = /^\p{Nd}$/u;

const values = new Map<number, number>();

const isDecimalDigit = (codePoint: number): boolean =>
  codePoint >= 0 && DECIMAL_DIGIT.test(String.fromCodePoint(codePoint));

/** The value 0-9 of the Unicode decimal digit `codePoint` (the caller knows it is one). */
export const decimalDigitValue = (codePoint: number): number => {
  if (codePoint >= 48 && codePoint <= 57) return codePoint - 48;
  const known = values.get(codePoint);
  if (known !== undefined) return known;
  let start = codePoint;
  while (isDecimalDigit(start - 1)) start -= 1;
  const value = (codePoint - start) % 10;
  values.set(codePoint, value);
  return value;
};

/** `text`'s Unicode decimal digits as ASCII digits, other characters unchanged. */
export const toAsciiDigits = (text: string): string =>
  text.replace(/\p{Nd}/gu, (digit) => String(decimalDigitValue(digit.codePointAt(0) ?? 48)));
