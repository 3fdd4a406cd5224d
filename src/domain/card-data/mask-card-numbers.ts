import { isIssuedCardNumber, passesLuhn } from './card-networks';
import { digitRunPattern, gapKind, MAX_SEPARATORS_IN_A_GAP, SEPARATOR } from './separators';
import { decimalDigitValue } from './unicode-digits';

/** The fewest and most digits a card number has (ISO/IEC 7812 PANs). */
export const MIN_CARD_DIGITS = 12;
export const MAX_CARD_DIGITS = 19;
/** How many trailing digits of a card number stay readable (PCI DSS 3.4.1 allows at most these). */
export const VISIBLE_DIGITS = 4;

/**
 * What the text around a number says about it:
 * - `none`: nothing; a number is a card number only by its own shape (see `isCardShaped`);
 * - `card`: a card is being talked about (a card-like property name); the shape rules relax;
 * - `card-number`: the value of a card-number property (`pan`, `card.number`): any run of 12-19 digits
 *   is masked, Luhn-valid or not;
 * - `identifier`: an id or SKU, which must not hold a card number even as part of it
 *   (`order-4111111111111111`): as `none`, but a number inside a longer token counts too.
 */
export type CardContext = 'none' | 'card' | 'card-number' | 'identifier';

export interface MaskResult {
  text: string;
  /** How many card numbers (or track data) were masked. */
  masked: number;
}

const GAP = `${SEPARATOR}{1,${MAX_SEPARATORS_IN_A_GAP}}`;

/** A run: Unicode digits, each separated from the next by at most 3 separators. */
const RUN = new RegExp(`\\p{Nd}(?:(?:${GAP})?\\p{Nd})*`, 'gu');

/**
 * Runs of 12 and 13 digits, without and with URL-encoded separators (slower: only where a `%` is). Each
 * takes about a millisecond to compile, so each is built on first use: a cold start pays only for those
 * its records need (most never need the URL-encoded ones).
 */
const longRuns = new Map<string, RegExp>();
const longRun = (digits: 12 | 13, withUrlEncodings: boolean): RegExp => {
  const key = `${digits}${withUrlEncodings ? '%' : ''}`;
  let pattern = longRuns.get(key);
  if (!pattern) {
    pattern = new RegExp(digitRunPattern(digits, withUrlEncodings), 'u');
    longRuns.set(key, pattern);
  }
  return pattern;
};

/** Words that say a card is being talked about, in the text before a number. */
const CARD_WORDS =
  /card|kart|carte|tarjeta|cart[aã]o|visa|master|amex|american express|discover|diners|jcb|union ?pay|maestro|\bcc\b|\bccn\b|\bpan\b|\bcvv|\bcvc/i;
const CARD_WORDS_WINDOW = 40;

/** Sensitive authentication data in free text: a card verification code after its name. */
const VERIFICATION_CODE =
  /\b(cvv2?|cvc2?|cvn2?|cav2|cid|csc|security[ _-]?code|card verification (?:value|code))([^\p{Nd}]{1,12}?)(\p{Nd}{3,4})(?!\p{Nd})/giu;
const MAY_NAME_A_VERIFICATION_CODE = /cv|cid|csc|cav2|security|verification/i;

/** Track 1 (`%B<PAN>^NAME^YYMM...`) and track 2 (`;<PAN>=YYMM...`) data in free text. */
const TRACK_DATA =
  /%?[Bb](\p{Nd}{12,19})\^[^^\n]{0,26}\^[\p{Nd}\s^]{4,}\??|;?(\p{Nd}{12,19})=\p{Nd}{4,}\??/gu;

interface Group {
  /** UTF-16 offsets in the text of the group's first digit and after its last. */
  start: number;
  end: number;
  digits: string;
}

/** Letters of scripts written with spaces between words: a CJK or Thai character next to a number is not one token with it. */
const SPACELESS_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const isWordLetter = (character: string | undefined): boolean =>
  character !== undefined && /\p{L}/u.test(character) && !SPACELESS_SCRIPT.test(character);

const isLetterOrDigit = (character: string | undefined): boolean =>
  character !== undefined && /[\p{L}\p{Nd}]/u.test(character);

/** Characters that join the parts of one token: `hold-1795937317-802`, `ORD_2026.1234`. */
const isJoiner = (character: string | undefined): boolean =>
  character === '-' || character === '_' || character === '.' || character === '/' || character === ':';

/** The character (a whole code point) that ends just before `index`. */
const characterBefore = (text: string, index: number): string | undefined => {
  const low = text.charCodeAt(index - 1);
  const pair = low >= 0xdc00 && low <= 0xdfff && index >= 2;
  return index < 1 ? undefined : text.slice(pair ? index - 2 : index - 1, index);
};

/** The character (a whole code point) that starts at `index`. */
const characterAt = (text: string, index: number): string | undefined => {
  const codePoint = text.codePointAt(index);
  return codePoint === undefined ? undefined : String.fromCodePoint(codePoint);
};

/**
 * Whether the run at [start, end) is part of a longer token: a letter touches it, or a joiner that a
 * letter or digit precedes (`hold-1795937317-802`, `DE89 3704...`). A URL-encoded character before it
 * (`%3A`) is not a letter.
 */
const isInsideToken = (text: string, start: number, end: number): boolean => {
  const before = characterBefore(text, start);
  const after = characterAt(text, end);
  const encodedBefore = start >= 3 && text[start - 3] === '%';
  if (!encodedBefore && isWordLetter(before)) return true;
  if (isWordLetter(after)) return true;
  if (isJoiner(before) && isLetterOrDigit(text[start - 2]) && !(start >= 4 && text[start - 4] === '%'))
    return true;
  if (isJoiner(after) && isLetterOrDigit(text[end + 1])) return true;
  return false;
};

const groupsOf = (text: string, runStart: number, runEnd: number): Group[] => {
  const groups: Group[] = [];
  let current: Group | undefined;
  for (let index = runStart; index < runEnd; ) {
    const codePoint = text.codePointAt(index) ?? 0;
    const width = codePoint > 0xffff ? 2 : 1;
    const isDigit = (codePoint >= 48 && codePoint <= 57) || /\p{Nd}/u.test(String.fromCodePoint(codePoint));
    // A URL encoding holds digits that are not the number's: skip it whole.
    if (codePoint === 37) {
      const encoding = /^%[0-9a-fA-F]{2}/.exec(text.slice(index, index + 3));
      current = undefined;
      index += encoding ? 3 : 1;
      continue;
    }
    if (isDigit) {
      if (!current) {
        current = { start: index, end: index, digits: '' };
        groups.push(current);
      }
      current.digits += String(decimalDigitValue(codePoint));
      current.end = index + width;
    } else {
      current = undefined;
    }
    index += width;
  }
  return groups;
};

/**
 * Whether a run printed in 3 or more fixed-size groups and longer than a card number is one long identifier
 * (a tracking number `9400 1000 0000 0000 0000 00`): no card number inside it, unless the context says so;
 * of 20 digits, only a card number that starts it.
 */
const fixedGroupIdentifier = (groups: readonly Group[]): 'no' | 'leading span only' | 'yes' => {
  const total = groups.reduce((sum, group) => sum + group.digits.length, 0);
  if (total <= MAX_CARD_DIGITS || groups.length < 3) return 'no';
  const size = groups[0]?.digits.length ?? 0;
  const fixed = groups.every((group, index) =>
    index === groups.length - 1 ? group.digits.length <= size : group.digits.length === size,
  );
  if (!fixed) return 'no';
  // 20 digits in fours are a card and its expiry (`4111 1111 1111 1111 1229`) as often as an identifier:
  // a card number there starts the run.
  return total === MAX_CARD_DIGITS + 1 ? 'leading span only' : 'yes';
};

interface RunFacts {
  insideToken: boolean;
  fixedGroupIdentifier: ReturnType<typeof fixedGroupIdentifier>;
  /** An identifier's name stands right before the run: `(01)`, `GTIN`, `EAN`, `IBAN`, `tracking`... */
  namedIdentifier: boolean;
  /** The run is part of a valid IBAN. */
  insideIban: boolean;
}

interface Span {
  first: number;
  last: number;
  digits: string;
}

/**
 * Whether the groups `first..last` of a run, written as they are, are taken for a card number:
 * - in any context: a Luhn-valid number of a network's prefix and length (`isIssuedCardNumber`);
 * - with no context also: 14 digits or more (13-digit numbers are EAN-13 barcodes and millisecond
 *   timestamps far more often than old 13-digit Visa cards), not inside a longer token, every gap
 *   between its groups of one kind (so `30/11/2026 31/12/2026` is two dates), not a window of a
 *   fixed-group identifier, and not right after the name of another kind of number (`GTIN-14:`).
 */
const isCardShaped = (
  text: string,
  groups: readonly Group[],
  span: Span,
  context: CardContext,
  runFacts: RunFacts,
): boolean => {
  if (context === 'card-number') return true;
  if (!isIssuedCardNumber(span.digits) || runFacts.insideIban) return false;
  if (context === 'card') return true;
  if (span.digits.length < 14 || (runFacts.insideToken && context !== 'identifier')) return false;
  const wholeRun = span.first === 0 && span.last === groups.length - 1;
  if (!wholeRun && runFacts.fixedGroupIdentifier === 'yes') return false;
  if (span.first !== 0 && runFacts.fixedGroupIdentifier === 'leading span only') return false;
  if (runFacts.namedIdentifier) return false;
  let kind: string | undefined;
  for (let group = span.first; group < span.last; group += 1) {
    const gap = gapKind(text.slice(groups[group]?.end, groups[group + 1]?.start));
    if (gap === 'mixed' || (kind !== undefined && gap !== kind)) return false;
    kind = gap;
  }
  return true;
};

/**
 * The name of a number that is not a card number, right before a run: GS1 application identifiers
 * (`(01)`), barcodes, IBANs, tracking and parcel numbers, IMEIs.
 */
const IDENTIFIER_NAME_BEFORE =
  /(?:\(0[01]\)|\b(?:gtin(?:-1[234])?|ean(?:-1[34])?|upc(?:-a)?|isbn(?:-1[03])?|barcode|iban|tracking(?: (?:number|no\.?|#))?|parcel|imei|awb)\b)[^\p{L}\p{Nd}]{0,4}$/iu;
const IDENTIFIER_NAME_WINDOW = 24;

/** An IBAN as printed: country, check digits, then 11-30 letters and digits, in groups or not. */
const IBAN_CANDIDATE = /\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}/g;

/** The ISO 13616 check: the IBAN with its first 4 characters moved to the end, read as digits, mod 97 = 1. */
const passesIbanCheck = (iban: string): boolean => {
  let remainder = 0;
  for (const character of iban.slice(4) + iban.slice(0, 4)) {
    const value = Number.parseInt(character, 36);
    remainder = (value < 10 ? remainder * 10 + value : remainder * 100 + value) % 97;
  }
  return remainder === 1;
};

/** Where valid IBANs sit in `text` ([start, end) offsets): their digits are never a card number. */
const ibanRanges = (text: string): [number, number][] => {
  const ranges: [number, number][] = [];
  if (!/[A-Z]{2}[0-9]{2}/.test(text)) return ranges;
  for (const match of text.matchAll(IBAN_CANDIDATE)) {
    // The pattern may run into the next word: try each end, longest first.
    for (let end = match[0].length; end >= 15; end -= 1) {
      const candidate = match[0].slice(0, end);
      if (candidate.endsWith(' ')) continue;
      const compact = candidate.replace(/ /g, '');
      if (compact.length >= 15 && compact.length <= 34 && passesIbanCheck(compact)) {
        ranges.push([match.index, match.index + end]);
        break;
      }
    }
  }
  return ranges;
};

const hasCardWordsBefore = (text: string, start: number): boolean =>
  CARD_WORDS.test(text.slice(Math.max(0, start - CARD_WORDS_WINDOW), start));

/**
 * Is the run at `runStart` preceded by `%B` or followed by `^`/`=` (track data)? Then it is a PAN, even
 * inside a token.
 */
const looksLikeTrackData = (text: string, runStart: number, runEnd: number): boolean =>
  (text[runStart - 1] === 'B' && text[runStart - 2] === '%') || text[runEnd] === '^' || text[runEnd] === '=';

/** Masks the digits of every card number found in the run [runStart, runEnd); returns how many. */
const maskRun = (
  text: string,
  runStart: number,
  runEnd: number,
  context: CardContext,
  maskedOffsets: Set<number>,
  ibans: readonly [number, number][],
): number => {
  const groups = groupsOf(text, runStart, runEnd);
  const trackData = looksLikeTrackData(text, runStart, runEnd);
  const effective: CardContext =
    context === 'none' && (trackData || hasCardWordsBefore(text, runStart)) ? 'card' : context;
  const runFacts: RunFacts = {
    insideToken: isInsideToken(text, runStart, runEnd),
    fixedGroupIdentifier: fixedGroupIdentifier(groups),
    insideIban: ibans.some(([start, end]) => start <= runStart && runEnd <= end),
    namedIdentifier: IDENTIFIER_NAME_BEFORE.test(
      text.slice(Math.max(0, runStart - IDENTIFIER_NAME_WINDOW), runStart),
    ),
  };
  let found = 0;
  // Overlapping spans (a card number and a longer Luhn-valid run around it) are one card number.
  let countedUpTo = -1;
  for (let first = 0; first < groups.length; first += 1) {
    let digits = '';
    for (let last = first; last < groups.length; last += 1) {
      digits += groups[last]?.digits ?? '';
      if (digits.length > MAX_CARD_DIGITS) break;
      if (digits.length < MIN_CARD_DIGITS) continue;
      if (effective !== 'card-number' && !passesLuhn(digits)) continue;
      const span = { first, last, digits };
      if (!isCardShaped(text, groups, span, effective, runFacts)) continue;
      if (first > countedUpTo) found += 1;
      countedUpTo = Math.max(countedUpTo, last);
      // Every digit but the last 4 of the span becomes `*`.
      let toMask = digits.length - VISIBLE_DIGITS;
      for (let group = first; group <= last && toMask > 0; group += 1) {
        const { start, end } = groups[group] as Group;
        for (let index = start; index < end && toMask > 0; ) {
          const codePoint = text.codePointAt(index) ?? 0;
          maskedOffsets.add(index);
          index += codePoint > 0xffff ? 2 : 1;
          toMask -= 1;
        }
      }
    }
  }
  return found;
};

const applyMask = (text: string, maskedOffsets: ReadonlySet<number>): string => {
  if (maskedOffsets.size === 0) return text;
  let result = '';
  for (let index = 0; index < text.length; ) {
    const codePoint = text.codePointAt(index) ?? 0;
    const width = codePoint > 0xffff ? 2 : 1;
    result += maskedOffsets.has(index) ? '*' : text.slice(index, index + width);
    index += width;
  }
  return result;
};

const maskTrackData = (text: string): MaskResult => {
  let masked = 0;
  const result = text.replace(TRACK_DATA, (track) => {
    masked += 1;
    // All of it goes but the PAN's last 4 digits: the rest is expiry, service code and verification data.
    const pan = /\p{Nd}{12,19}/u.exec(track)?.[0] ?? '';
    const panEnd = track.indexOf(pan) + pan.length;
    return (
      track.slice(0, panEnd - VISIBLE_DIGITS).replace(/\p{Nd}/gu, '*') +
      track.slice(panEnd - VISIBLE_DIGITS, panEnd) +
      track.slice(panEnd).replace(/[^=^?;%]/g, '*')
    );
  });
  return { text: result, masked };
};

const maskVerificationCodes = (text: string): MaskResult => {
  let masked = 0;
  const result = text.replace(VERIFICATION_CODE, (_match, name: string, between: string, code: string) => {
    masked += 1;
    return `${name}${between}${'*'.repeat([...code].length)}`;
  });
  return { text: result, masked };
};

/**
 * Whether `text` has at least `wanted` characters that may be digits (ASCII digits, or any character beyond
 * ASCII, which may be a digit of another script). A loop that stops as soon as the answer is known: most
 * strings (names, addresses, e-mails) fail it within a few characters, before any regex runs.
 */
const hasDigitCandidates = (text: string, wanted: number): boolean => {
  let found = 0;
  for (let index = 0, length = text.length; index < length; index += 1) {
    if (found + (length - index) < wanted) return false;
    const code = text.charCodeAt(index);
    if ((code >= 48 && code <= 57) || code > 127) {
      found += 1;
      if (found >= wanted) return true;
    }
  }
  return false;
};

/**
 * Whether `text` may hold a card number: a run of `minDigits` digits as `maskCardNumbers` finds them (12,
 * the shortest card number; 13 where no context admits a 12-digit Maestro number). It runs on every string
 * of every record the transform reads, and nearly every string fails it cheaply.
 */
export const mayHoldCardNumber = (text: string, minDigits: 12 | 13 = MIN_CARD_DIGITS): boolean => {
  if (!hasDigitCandidates(text, minDigits)) return false;
  return longRun(minDigits, false).test(text) || (text.includes('%') && longRun(minDigits, true).test(text));
};

/**
 * Masks the card numbers in `text` (SPEC §2): digit runs in any Unicode digits with any of the usual
 * separators between their groups (see `separators.ts`), which a network issues (prefix, length, Luhn),
 * and which the rules of `isCardShaped` take for a card in the given context; every digit but the last 4
 * becomes `*`, separators stay. Also masks track data, and card verification codes after their names.
 * A text with nothing to mask comes back as the same string.
 */
export const maskCardNumbers = (text: string, context: CardContext = 'none'): MaskResult => {
  let masked = 0;
  let result = text;
  if (MAY_NAME_A_VERIFICATION_CODE.test(result)) {
    const codes = maskVerificationCodes(result);
    result = codes.text;
    masked += codes.masked;
  }
  if (!mayHoldCardNumber(result)) return { text: result, masked };
  if (result.includes('^') || result.includes('=')) {
    const track = maskTrackData(result);
    result = track.text;
    masked += track.masked;
  }
  const maskedOffsets = new Set<number>();
  const ibans = ibanRanges(result);
  RUN.lastIndex = 0;
  for (let match = RUN.exec(result); match !== null; match = RUN.exec(result)) {
    const runStart = match.index;
    // A run that starts inside a URL encoding (`%20` + `4111...`): look again after the encoding.
    const escapeAt =
      result[runStart - 1] === '%' ? runStart - 1 : result[runStart - 2] === '%' ? runStart - 2 : -1;
    if (
      escapeAt >= 0 &&
      /^%[0-9A-Fa-f]{2}/.test(result.slice(escapeAt, escapeAt + 3)) &&
      escapeAt + 3 > runStart
    ) {
      RUN.lastIndex = escapeAt + 3;
      continue;
    }
    const runEnd = runStart + match[0].length;
    masked += maskRun(result, runStart, runEnd, context, maskedOffsets, ibans);
  }
  return { text: applyMask(result, maskedOffsets), masked };
};

/** Whether `text` holds a card number by the rules of `maskCardNumbers` (an identifier must not). */
export const holdsCardNumber = (text: string, context: CardContext = 'identifier'): boolean =>
  mayHoldCardNumber(text) && maskCardNumbers(text, context).masked > 0;
