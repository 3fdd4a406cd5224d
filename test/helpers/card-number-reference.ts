import { isCardObjectKey, isSensitiveAuthenticationKey, reduceCard } from '../../src/domain/card-data';
import { isCardContextKey, isCardNumberKey } from '../../src/domain/card-data/sensitive-keys';

/**
 * A plain restatement of the card-data rules (SPEC §2, aws-reference.md §8,
 * src/domain/card-data/mask-card-numbers.ts), written for clarity rather than speed, that the property
 * tests hold the real code to. It walks the text as a list of units (a digit, a separator, a URL-encoded
 * separator, anything else) instead of matching regular expressions over it.
 */

// ---------------------------------------------------------------------------------------------------------
// Networks: issuer prefix and length (aws-reference.md §8).

export type ReferenceNetwork =
  | 'visa'
  | 'mastercard'
  | 'amex'
  | 'discover'
  | 'diners'
  | 'jcb'
  | 'unionpay'
  | 'maestro';

export interface IssuerRange {
  network: ReferenceNetwork;
  /** The first and last issuer prefixes of the range, as digits of the same length. */
  from: string;
  to: string;
  lengths: readonly number[];
}

const TWELVE_TO_NINETEEN = [12, 13, 14, 15, 16, 17, 18, 19];
const FOURTEEN_TO_NINETEEN = [14, 15, 16, 17, 18, 19];
const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19];

export const ISSUER_RANGES: readonly IssuerRange[] = [
  { network: 'visa', from: '4', to: '4', lengths: [13, 16, 19] },
  { network: 'mastercard', from: '51', to: '55', lengths: [16] },
  { network: 'mastercard', from: '2221', to: '2720', lengths: [16] },
  { network: 'amex', from: '34', to: '34', lengths: [15] },
  { network: 'amex', from: '37', to: '37', lengths: [15] },
  { network: 'discover', from: '6011', to: '6011', lengths: SIXTEEN_TO_NINETEEN },
  { network: 'discover', from: '644', to: '649', lengths: SIXTEEN_TO_NINETEEN },
  { network: 'discover', from: '65', to: '65', lengths: SIXTEEN_TO_NINETEEN },
  { network: 'jcb', from: '3528', to: '3589', lengths: SIXTEEN_TO_NINETEEN },
  { network: 'diners', from: '300', to: '305', lengths: FOURTEEN_TO_NINETEEN },
  { network: 'diners', from: '36', to: '36', lengths: FOURTEEN_TO_NINETEEN },
  { network: 'diners', from: '38', to: '39', lengths: FOURTEEN_TO_NINETEEN },
  { network: 'unionpay', from: '62', to: '62', lengths: SIXTEEN_TO_NINETEEN },
  { network: 'maestro', from: '5018', to: '5018', lengths: TWELVE_TO_NINETEEN },
  { network: 'maestro', from: '5020', to: '5020', lengths: TWELVE_TO_NINETEEN },
  { network: 'maestro', from: '5038', to: '5038', lengths: TWELVE_TO_NINETEEN },
  { network: 'maestro', from: '5893', to: '5893', lengths: TWELVE_TO_NINETEEN },
  { network: 'maestro', from: '6304', to: '6304', lengths: TWELVE_TO_NINETEEN },
  { network: 'maestro', from: '6759', to: '6759', lengths: TWELVE_TO_NINETEEN },
  { network: 'maestro', from: '6761', to: '6763', lengths: TWELVE_TO_NINETEEN },
];

/** The network whose ranges hold the prefix and length of `digits` (ASCII digits), or `undefined`. */
export const referenceNetworkOf = (digits: string): ReferenceNetwork | undefined =>
  ISSUER_RANGES.find(({ from, to, lengths }) => {
    const prefix = digits.slice(0, from.length);
    return prefix.length === from.length && prefix >= from && prefix <= to && lengths.includes(digits.length);
  })?.network;

/** The Luhn check: doubling every second digit from the right, the digit sum is a multiple of 10. */
export const referenceLuhn = (digits: string): boolean => {
  if (!/^[0-9]+$/.test(digits)) return false;
  const sum = [...digits]
    .reverse()
    .map(Number)
    .map((digit, index) => (index % 2 === 1 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit))
    .reduce((total, digit) => total + digit, 0);
  return sum % 10 === 0;
};

export const referenceIsIssued = (digits: string): boolean =>
  referenceNetworkOf(digits) !== undefined && referenceLuhn(digits);

// ---------------------------------------------------------------------------------------------------------
// Separators (SPEC §2): spaces of every kind, zero-width characters, dashes, dots, slashes, underscores, `+`,
// and their URL encodings.

export type SeparatorKind = 'space' | 'dash' | 'dot' | 'slash' | 'underscore';

/**
 * A few separators of every kind, as the factories use them (the old tests imported this list): space, tab,
 * no-break, figure and narrow no-break spaces; hyphen-minus, hyphen, non-breaking hyphen, figure dash, en
 * dash, em dash, minus sign.
 */
export const SEPARATORS = [
  ' ',
  '\t',
  '\u00a0',
  '\u2007',
  '\u202f',
  '-',
  '\u2010',
  '\u2011',
  '\u2012',
  '\u2013',
  '\u2014',
  '\u2212',
];

/** The kind of `character` as a separator, or `undefined` when it is none. */
export const separatorKind = (character: string): SeparatorKind | undefined => {
  // JavaScript's \s is every Unicode space and line break but NEL; then the zero-width characters,
  // the soft hyphen, and `+` (a space in a form-encoded text).
  if (/^[\s\u0085\u00ad\u200b-\u200d\u2060+]$/u.test(character)) return 'space';
  if (/^[\p{Pd}\u2212]$/u.test(character)) return 'dash';
  if ('.\u00b7\u2024\u2027\u3002\uff0e'.includes(character)) return 'dot';
  if ('/\\\u2044\u2215\uff0f'.includes(character)) return 'slash';
  if ('_\uff3f'.includes(character)) return 'underscore';
  return undefined;
};

/**
 * URL encodings the rules take for separators: the spaces, dashes and so on above as UTF-8 escapes. The
 * real code matches them with a pattern; this lists those the tests write (a few more are accepted).
 */
export const URL_ENCODED_SEPARATORS: Readonly<Record<string, SeparatorKind>> = {
  '%09': 'space',
  '%0A': 'space',
  '%0D': 'space',
  '%20': 'space',
  '%2B': 'space',
  '%2D': 'dash',
  '%2E': 'dot',
  '%2F': 'slash',
  '%5C': 'slash',
  '%5F': 'underscore',
  '%C2%A0': 'space',
  '%C2%AD': 'space',
  '%E2%80%89': 'space',
  '%E2%80%8B': 'space',
  '%E2%80%AF': 'space',
  '%E2%80%93': 'dash',
  '%E2%80%94': 'dash',
  '%E2%88%92': 'dash',
  '%E3%80%80': 'space',
};

// ---------------------------------------------------------------------------------------------------------
// Masking.

export type ReferenceContext = 'none' | 'card' | 'card-number' | 'identifier';

/** The value of a Unicode decimal digit: every digit set is ten consecutive code points from 0 to 9. */
const digitValue = (digit: string): number => {
  const codePoint = digit.codePointAt(0) ?? 0;
  let zero = codePoint;
  while (/^\p{Nd}$/u.test(String.fromCodePoint(zero - 1))) zero -= 1;
  return (codePoint - zero) % 10;
};

/** `text` with its Unicode decimal digits as ASCII digits. */
export const referenceAsciiDigits = (text: string): string =>
  text.replace(/\p{Nd}/gu, (digit) => String(digitValue(digit)));

interface Unit {
  type: 'digit' | 'separator' | 'other';
  /** UTF-16 offsets of the unit in the text. */
  start: number;
  end: number;
  value?: number;
  kind?: SeparatorKind;
  character: string;
}

const unitsOf = (text: string): Unit[] => {
  const units: Unit[] = [];
  let index = 0;
  while (index < text.length) {
    const escapes = /^(?:%[0-9A-Fa-f]{2}){1,3}/.exec(text.slice(index))?.[0];
    const encoded = escapes
      ? Object.keys(URL_ENCODED_SEPARATORS).find((code) => escapes.toUpperCase().startsWith(code))
      : undefined;
    if (encoded) {
      units.push({
        type: 'separator',
        start: index,
        end: index + encoded.length,
        kind: URL_ENCODED_SEPARATORS[encoded],
        character: text.slice(index, index + encoded.length),
      });
      index += encoded.length;
      continue;
    }
    const character = String.fromCodePoint(text.codePointAt(index) ?? 0);
    const end = index + character.length;
    if (/^\p{Nd}$/u.test(character)) {
      units.push({ type: 'digit', start: index, end, value: digitValue(character), character });
    } else {
      const kind = separatorKind(character);
      units.push(
        kind
          ? { type: 'separator', start: index, end, kind, character }
          : { type: 'other', start: index, end, character },
      );
    }
    index = end;
  }
  return units;
};

interface Group {
  digits: string;
  /** Indices in the units of the group's digits. */
  units: number[];
}

interface Run {
  /** Indices in the units of the run's first and last digit. */
  first: number;
  last: number;
  groups: Group[];
  /** For every pair of consecutive groups, the units between them. */
  gaps: Unit[][];
}

/** Runs: digits, each separated from the next by 1-3 separators at most. */
const runsOf = (units: Unit[]): Run[] => {
  const runs: Run[] = [];
  let index = 0;
  while (index < units.length) {
    if (units[index]?.type !== 'digit') {
      index += 1;
      continue;
    }
    let current: Group = { digits: '', units: [] };
    const run: Run = { first: index, last: index, groups: [current], gaps: [] };
    let position = index;
    for (;;) {
      const unit = units[position] as Unit;
      current.digits += String(unit.value);
      current.units.push(position);
      run.last = position;
      if (units[position + 1]?.type === 'digit') {
        position += 1;
        continue;
      }
      let next = position + 1;
      while (units[next]?.type === 'separator') next += 1;
      const separators = next - position - 1;
      if (separators >= 1 && separators <= 3 && units[next]?.type === 'digit') {
        run.gaps.push(units.slice(position + 1, next));
        current = { digits: '', units: [] };
        run.groups.push(current);
        position = next;
        continue;
      }
      break;
    }
    runs.push(run);
    index = run.last + 1;
  }
  return runs;
};

const CARD_WORDS = [
  /card/i,
  /kart/i,
  /carte/i,
  /tarjeta/i,
  /cart[aã]o/i,
  /visa/i,
  /master/i,
  /amex/i,
  /american express/i,
  /discover/i,
  /diners/i,
  /jcb/i,
  /union ?pay/i,
  /maestro/i,
  /\bcc\b/i,
  /\bccn\b/i,
  /\bpan\b/i,
  /\bcvv/i,
  /\bcvc/i,
];

/** Words that say a card is being talked about, in the 40 characters before a number. */
const hasCardWordsBefore = (text: string, start: number): boolean => {
  const before = text.slice(Math.max(0, start - 40), start);
  return CARD_WORDS.some((word) => word.test(before));
};

const isLetter = (character: string | undefined) => character !== undefined && /^\p{L}$/u.test(character);
const isLetterOrDigit = (character: string | undefined) =>
  character !== undefined && /^[\p{L}\p{Nd}]$/u.test(character);
const JOINERS = ['-', '_', '.', '/', ':'];

/**
 * A run is part of a longer token when a letter touches it (`ID4111...`), or a joiner that touches a letter
 * or digit on its other side (`hold-1795937317-802`). The last character of a URL encoding before it
 * (`%3A4111...`) is not taken for a letter.
 */
const isInsideToken = (text: string, units: Unit[], run: Run): boolean => {
  const before = units[run.first - 1];
  const after = units[run.last + 1];
  const beforeThat = units[run.first - 2];
  const afterThat = units[run.last + 2];
  const escapedBefore = text[(units[run.first]?.start ?? 0) - 3] === '%';
  if (before && isLetter(before.character) && !escapedBefore) return true;
  if (after && isLetter(after.character)) return true;
  const joinerEscaped = text[(units[run.first]?.start ?? 0) - 4] === '%';
  if (
    before &&
    JOINERS.includes(before.character) &&
    isLetterOrDigit(beforeThat?.character) &&
    !joinerEscaped
  )
    return true;
  if (after && JOINERS.includes(after.character) && isLetterOrDigit(afterThat?.character)) return true;
  return false;
};

/** The one kind of a gap's separators other than spaces (`space` when only spaces), or `mixed`. */
const kindOfGap = (gap: Unit[]): SeparatorKind | 'mixed' => {
  const kinds = new Set(gap.map((unit) => unit.kind).filter((kind) => kind !== 'space'));
  if (kinds.size > 1) return 'mixed';
  return [...kinds][0] ?? 'space';
};

/**
 * 21 digits or more in 3 groups or more of one size (the last may be shorter): one long identifier. (20
 * digits in fours may be a card number and its expiry date.)
 */
const isFixedGroupIdentifier = (groups: Group[]): boolean => {
  const total = groups.map((group) => group.digits.length).reduce((sum, length) => sum + length, 0);
  const size = groups[0]?.digits.length ?? 0;
  return (
    total >= 21 &&
    groups.length >= 3 &&
    groups.slice(0, -1).every((group) => group.digits.length === size) &&
    (groups.at(-1)?.digits.length ?? 0) <= size
  );
};

/** The card numbers of a run, as ranges of its groups, in the given context. */
const cardNumbersOf = (
  text: string,
  units: Unit[],
  run: Run,
  context: ReferenceContext,
): { first: number; last: number }[] => {
  const start = units[run.first]?.start ?? 0;
  const end = units[run.last]?.end ?? 0;
  const trackData =
    (text[start - 1] === 'B' && text[start - 2] === '%') || text[end] === '^' || text[end] === '=';
  const effective = context === 'none' && (trackData || hasCardWordsBefore(text, start)) ? 'card' : context;
  const insideToken = isInsideToken(text, units, run);
  const fixedGroups = isFixedGroupIdentifier(run.groups);
  const found: { first: number; last: number }[] = [];
  for (let first = 0; first < run.groups.length; first++) {
    for (let last = first; last < run.groups.length; last++) {
      const digits = run.groups
        .slice(first, last + 1)
        .map((group) => group.digits)
        .join('');
      if (digits.length < 12 || digits.length > 19) continue;
      if (effective === 'card-number') {
        found.push({ first, last });
        continue;
      }
      if (!referenceIsIssued(digits)) continue;
      if (effective === 'card') {
        found.push({ first, last });
        continue;
      }
      if (digits.length < 14) continue;
      if (insideToken && effective !== 'identifier') continue;
      const wholeRun = first === 0 && last === run.groups.length - 1;
      if (fixedGroups && !wholeRun) continue;
      const kinds = run.gaps.slice(first, last).map(kindOfGap);
      if (kinds.includes('mixed') || new Set(kinds).size > 1) continue;
      found.push({ first, last });
    }
  }
  return found;
};

/** Track 1 (`%B<PAN>^NAME^YYMM...`) and track 2 (`;<PAN>=YYMM...`) data. */
const TRACK_DATA =
  /%?[Bb](\p{Nd}{12,19})\^[^^\n]{0,26}\^[\p{Nd}\s^]{4,}\??|;?(\p{Nd}{12,19})=\p{Nd}{4,}\??/gu;

/** A card verification code after its name: `cvv 123`, `CVC2: 1234`, `security code 123`. */
const VERIFICATION_CODE =
  /\b(cvv2?|cvc2?|cvn2?|cav2|cid|csc|security[ _-]?code|card verification (?:value|code))([^\p{Nd}]{1,12}?)(\p{Nd}{3,4})(?!\p{Nd})/giu;

/**
 * `text` with its card data masked by the rules, and how many card numbers, track data and verification
 * codes were masked:
 * - a verification code after its name becomes `*`s;
 * - track data: all of it becomes `*` but the last 4 digits of its PAN and its sentinels;
 * - a run is a sequence of Unicode digits in which 1-3 separators may stand between two digits; a group is
 *   the digits between separators; a card number is a sequence of whole consecutive groups of 12-19 digits
 *   (in `card-number` context: any such sequence); else one of a network's prefix and length that passes
 *   the Luhn check (`card` context, which words such as "card" or "visa" in the 40 characters before a run
 *   give, or track data around it); with no context also: 14 digits or more, not part of a longer token,
 *   one kind of separator between its groups, not a window of a number of 21 digits or more in 3 groups
 *   or more of one size;
 *   in `identifier` context, as with none but even as part of a longer token;
 * - every digit of a card number but its last 4 becomes `*`; the rest of the text stays as it is; card
 *   numbers that overlap count as one.
 */
export const referenceMask = (
  text: string,
  context: ReferenceContext = 'none',
): { text: string; masked: number } => {
  let masked = 0;
  let result = text.replace(VERIFICATION_CODE, (_, name: string, between: string, code: string) => {
    masked += 1;
    return `${name}${between}${'*'.repeat([...code].length)}`;
  });
  result = result.replace(TRACK_DATA, (track) => {
    masked += 1;
    const pan = /\p{Nd}{12,19}/u.exec(track)?.[0] ?? '';
    const panEnd = track.indexOf(pan) + pan.length;
    return (
      track.slice(0, panEnd - 4).replace(/\p{Nd}/gu, '*') +
      track.slice(panEnd - 4, panEnd) +
      track.slice(panEnd).replace(/[^=^?;%]/g, '*')
    );
  });
  const units = unitsOf(result);
  const hidden = new Set<number>();
  for (const run of runsOf(units)) {
    // Card numbers that overlap (one inside a longer Luhn-valid one) count as one.
    let countedUpTo = -1;
    for (const { first, last } of cardNumbersOf(result, units, run, context)) {
      if (first > countedUpTo) masked += 1;
      countedUpTo = Math.max(countedUpTo, last);
      const digitUnits = run.groups.slice(first, last + 1).flatMap((group) => group.units);
      for (const unit of digitUnits.slice(0, -4)) hidden.add(unit);
    }
  }
  if (hidden.size === 0) return { text: result, masked };
  return {
    text: units.map((unit, index) => (hidden.has(index) ? '*' : unit.character)).join(''),
    masked,
  };
};

export const referenceHasCardNumber = (text: string, context: ReferenceContext = 'none'): boolean =>
  referenceMask(text, context).masked > 0;

// ---------------------------------------------------------------------------------------------------------
// Documents.

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

type KeyRole = 'plain' | 'card-context' | 'card-number' | 'card-object' | 'sensitive';

const roleOf = (key: string): KeyRole => {
  if (isSensitiveAuthenticationKey(key)) return 'sensitive';
  if (isCardObjectKey(key)) return 'card-object';
  if (isCardNumberKey(key, false)) return 'card-number';
  if (isCardContextKey(key)) return 'card-context';
  return 'plain';
};

const contextOf = (role: KeyRole): ReferenceContext => {
  if (role === 'card-object' || role === 'card-number') return 'card-number';
  return role === 'card-context' ? 'card' : 'none';
};

const setOwn = (object: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });

/**
 * A copy of a JSON value with its card data removed by the rules of `sanitiseDocument`: card objects (under
 * any name `isCardObjectKey` knows, arrays of them too) reduced to network and last 4; properties that hold
 * sensitive authentication data removed; every string masked as `referenceMask` does, in the context its
 * property name gives (`pan`: any 12-19 digits; `cardMemo`: a card is talked about); every property name
 * masked with no context. Two names that mask to the same one keep the place of the first, the later value.
 */
export const referenceSanitise = (value: unknown, role: KeyRole = 'plain'): unknown => {
  if (typeof value === 'string') return referenceMask(value, contextOf(role)).text;
  if (Array.isArray(value)) {
    return value.map((item) =>
      role === 'card-object' && isObject(item) && !Array.isArray(item)
        ? reduceCard(item)
        : referenceSanitise(item, role),
    );
  }
  if (!isObject(value)) return value;
  if (role === 'card-object') return reduceCard(value);
  const copy: Record<string, unknown> = {};
  const namesMasked = Object.keys(value).some((key) => referenceMask(key).masked > 0);
  for (const [key, child] of Object.entries(value)) {
    const childRole = roleOf(key);
    if (childRole === 'sensitive') continue;
    setOwn(copy, namesMasked ? referenceMask(key).text : key, referenceSanitise(child, childRole));
  }
  return copy;
};

/** Every string value and property name of a JSON value, at any depth. */
export const textsOf = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [key, ...textsOf(child)]);
};
