import { CARD_NUMBER_SEPARATOR_CLASS, isCardNumberSeparator, passesLuhn } from '../order/card-number';

/** The fewest and most digits a card number has (ISO/IEC 7812 PANs, as SPEC §2 states them). */
export const MIN_CARD_DIGITS = 13;
export const MAX_CARD_DIGITS = 19;
/** How many trailing digits of a card number stay readable. */
export const VISIBLE_DIGITS = 4;

/**
 * A candidate: a maximal run of digits in which consecutive digits are separated by at most one
 * separator, so that it touches no other digit, with at least 13 digits. A group is the digits between
 * two separators. Other characters (line breaks, dots, slashes, two separators in a row) end a run.
 *
 * A separator must be followed by a digit, so the pattern cannot backtrack into itself: an attempt inside
 * a run too short to match fails within that run, and a match always starts at the first digit of its
 * run (which has the most digits after it) and ends at its last. Scanning a text is linear in its length.
 */
const CANDIDATE = new RegExp(`[0-9](?:${CARD_NUMBER_SEPARATOR_CLASS}?[0-9]){12,}`, 'g');

/**
 * Whether a text holds a candidate: the first 13 digits of `CANDIDATE`, unrolled, which V8's regex engine
 * runs about 1.6 times faster than the counted loop on the strings of an order.
 */
export const CANDIDATE_TEST_PATTERN = `[0-9]${`${CARD_NUMBER_SEPARATOR_CLASS}?[0-9]`.repeat(MIN_CARD_DIGITS - 1)}`;

export interface MaskResult {
  text: string;
  /** How many card numbers were masked (overlapping Luhn-valid spans count once). */
  masked: number;
}

/**
 * The masked candidate run, or `undefined` when it holds no card number.
 *
 * Every sub-run made of whole groups with 13-19 digits is checked, the whole run included, and every
 * digit of a Luhn-valid one but its last 4 becomes `*`; the separators stay. So a card number written on
 * its own is masked whole, and one that a phone number or an order reference precedes or follows with a
 * separator between them (`+44 20 7946 0958 4111 1111 1111 1111`, `1234 4111111111111111`) is found too.
 * Windows inside a group are never checked: a long unseparated id has a Luhn-valid 16-digit window
 * 1 time in 10, and masking those would mangle ids, not protect cards.
 */
const maskRun = (run: string): string | undefined => {
  const digits = run.replace(/[^0-9]/g, '');
  // Digit offsets where each group starts, plus the total: group g is digits[starts[g], starts[g + 1]).
  const starts: number[] = [0];
  for (let index = 1, digit = 1; index < run.length; index += 1) {
    const code = run.charCodeAt(index);
    if (isCardNumberSeparator(code)) starts.push(digit);
    else digit += 1;
  }
  starts.push(digits.length);

  // masked[d] is 1 when digit d becomes `*`: the union of the masks of every Luhn-valid sub-run.
  const masked = new Uint8Array(digits.length);
  let found = false;
  const groups = starts.length - 1;
  for (let first = 0; first < groups; first += 1) {
    const from = starts[first] ?? 0;
    for (let end = first + 1; end <= groups; end += 1) {
      const to = starts[end] ?? 0;
      const length = to - from;
      if (length > MAX_CARD_DIGITS) break;
      if (length < MIN_CARD_DIGITS) continue;
      if (!passesLuhn(digits.slice(from, to))) continue;
      found = true;
      masked.fill(1, from, to - VISIBLE_DIGITS);
    }
  }
  if (!found) return undefined;

  let result = '';
  let copiedUpTo = 0;
  for (let index = 0, digit = 0; index < run.length; index += 1) {
    const code = run.charCodeAt(index);
    if (isCardNumberSeparator(code)) continue;
    if (masked[digit] === 1) {
      result += `${run.slice(copiedUpTo, index)}*`;
      copiedUpTo = index + 1;
    }
    digit += 1;
  }
  return result + run.slice(copiedUpTo);
};

/** Counts the separate masked stretches of a masked run: `*` runs that separators do not interrupt. */
const countMaskedSpans = (maskedRun: string): number => {
  let spans = 0;
  let inSpan = false;
  for (let index = 0; index < maskedRun.length; index += 1) {
    const code = maskedRun.charCodeAt(index);
    if (code === 42) {
      if (!inSpan) spans += 1;
      inSpan = true;
    } else if (!isCardNumberSeparator(code)) {
      inSpan = false;
    }
  }
  return spans;
};

/** Without the global flag, for `test`: no `lastIndex` to reset, no match to allocate. */
const HAS_CANDIDATE = new RegExp(CANDIDATE_TEST_PATTERN);

/**
 * Whether `text` may hold a card number: it holds a candidate. The cheap check that ordinary strings stop
 * at, with no allocation; only the others go through `maskCardNumbers`.
 */
export const mayHoldCardNumber = (text: string): boolean =>
  text.length >= MIN_CARD_DIGITS && HAS_CANDIDATE.test(text);

let lastMaskedCount = 0;

/**
 * `maskCardNumbers` for the sanitiser's hot path: returns `text` itself, having allocated nothing, when it
 * holds no card number; the count is left for `maskedByLastCall`.
 */
export const maskCardNumbersFast = (text: string): string => {
  lastMaskedCount = 0;
  if (!mayHoldCardNumber(text)) return text;
  CANDIDATE.lastIndex = 0;
  let match = CANDIDATE.exec(text);
  let result = '';
  let copiedUpTo = 0;
  while (match !== null) {
    const run = match[0];
    const maskedRun = maskRun(run);
    if (maskedRun !== undefined) {
      lastMaskedCount += countMaskedSpans(maskedRun);
      result += text.slice(copiedUpTo, match.index) + maskedRun;
      copiedUpTo = match.index + run.length;
    }
    match = CANDIDATE.exec(text);
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
};

/** How many card numbers the last call of `maskCardNumbersFast` masked. */
export const maskedByLastCall = (): number => lastMaskedCount;

/**
 * Masks every Luhn-valid card number of 13-19 digits in `text`, written with or without single spaces or
 * dashes (of any kind: see `CARD_NUMBER_SEPARATOR_CLASS`) between its digits, wherever it sits: every digit but the last 4 becomes `*`, separators stay
 * (`4111 1111 1111 1111` -> `**** **** **** 1111`). Numbers that fail the Luhn check (phone numbers,
 * order ids) are kept. See `CANDIDATE` and `maskRun` for the exact rules. A text without a candidate
 * (nearly all of them) costs one regex test and comes back as the same string.
 */
export const maskCardNumbers = (text: string): MaskResult => {
  const masked = maskCardNumbersFast(text);
  return { text: masked, masked: lastMaskedCount };
};
