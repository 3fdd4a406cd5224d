/**
 * Card numbers as networks issue them, the ways people and systems write them, numbers that only look like
 * them, and where they end up in an order: plain builders (which scripts/generate-card-corpus.ts uses with
 * its seeded generator) and fast-check arbitraries built on them.
 */
import fc from 'fast-check';
import { isCardObjectKey, isSensitiveAuthenticationKey } from '../../src/domain/card-data';
import { isCardContextKey, isCardNumberKey } from '../../src/domain/card-data/sensitive-keys';
import {
  ISSUER_RANGES,
  type IssuerRange,
  type ReferenceNetwork,
  referenceNetworkOf,
} from '../helpers/card-number-reference';
import { anOrder } from './order';

export type Network = ReferenceNetwork;

export const NETWORKS: readonly Network[] = [
  'visa',
  'mastercard',
  'amex',
  'discover',
  'diners',
  'jcb',
  'unionpay',
  'maestro',
];

/** The digit that makes `body` followed by it pass the Luhn check. */
export const luhnCheckDigit = (body: string): string => {
  let sum = 0;
  // The check digit will be the rightmost digit, so the rightmost digit of the body is doubled.
  for (let index = body.length - 1, double = true; index >= 0; index--, double = !double) {
    let digit = Number(body[index]);
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
};

/** `body` followed by a check digit that passes (or, with `valid: false`, fails) the Luhn check. */
export const withCheckDigit = (body: string, valid = true, offset = 1): string => {
  const check = Number(luhnCheckDigit(body));
  return body + String(valid ? check : (check + offset) % 10);
};

/** The issuer ranges of `network`. */
export const issuerRangesOf = (network: Network): IssuerRange[] =>
  ISSUER_RANGES.filter((range) => range.network === network);

/** The prefix `offset` steps into `range` (wrapping around), with the range's number of digits. */
export const prefixIn = (range: IssuerRange, offset: number): string => {
  const from = Number(range.from);
  const size = Number(range.to) - from + 1;
  return String(from + (offset % size)).padStart(range.from.length, '0');
};

/** The lengths the tests write numbers of `network` in with no context: 14 digits or more. */
export const lengthsWithoutContext = (range: IssuerRange): number[] =>
  range.lengths.filter((length) => length >= 14 && (length === 19 || length <= 16));

/** A number of `range` and `length`: its prefix, then `body` (cut or padded with 0s), then a check digit. */
export const cardNumberIn = (
  range: IssuerRange,
  prefixOffset: number,
  length: number,
  body: string,
): string => {
  const prefix = prefixIn(range, prefixOffset);
  return withCheckDigit(prefix + body.padEnd(length, '0').slice(0, length - prefix.length - 1));
};

/** How a number of this network and length is grouped when written: 4-6-5 (Amex), 4-6-4 (Diners), by 4. */
export const groupingOf = (length: number): number[] => {
  if (length === 15) return [4, 6, 5];
  if (length === 14) return [4, 6, 4];
  if (length === 13) return [4, 4, 5];
  const groups = Array.from({ length: Math.floor(length / 4) }, () => 4);
  if (length % 4 > 0) groups.push(length % 4);
  return groups;
};

/** What people and systems put between the digit groups of a card number (SPEC §2). */
export const WRITING_STYLES = {
  plain: '',
  spaces: ' ',
  dashes: '-',
  dots: '.',
  slashes: '/',
  underscores: '_',
  'doubled spaces': '  ',
  'line breaks': '\n',
  'CRLF line breaks': '\r\n',
  tabs: '\t',
  'no-break spaces': '\u00a0',
  'figure spaces': '\u2007',
  'thin spaces': '\u2009',
  'narrow no-break spaces': '\u202f',
  'ideographic spaces': '\u3000',
  'zero-width spaces': '\u200b',
  'word joiners': '\u2060',
  hyphens: '\u2010',
  'non-breaking hyphens': '\u2011',
  'en dashes': '\u2013',
  'em dashes': '\u2014',
  'minus signs': '\u2212',
  'full-width hyphens': '\uff0d',
  'spaced dashes': ' - ',
  'middle dots': '\u00b7',
  'full-width slashes': '\uff0f',
  'plus signs': '+',
  'URL-encoded spaces': '%20',
  'URL-encoded thin spaces': '%E2%80%89',
  'URL-encoded no-break spaces': '%C2%A0',
  'URL-encoded dashes': '%2D',
} as const;

export type WritingStyle = keyof typeof WRITING_STYLES;
export const WRITING_STYLE_NAMES = Object.keys(WRITING_STYLES) as WritingStyle[];

export const isUrlEncoded = (style: WritingStyle): boolean => WRITING_STYLES[style].startsWith('%');

/** Unicode decimal digit sets, by the code point of their 0. */
export const DIGIT_SETS = {
  ASCII: 0x30,
  'full-width': 0xff10,
  'Arabic-Indic': 0x0660,
  'Extended Arabic-Indic': 0x06f0,
  Devanagari: 0x0966,
  Bengali: 0x09e6,
  Thai: 0x0e50,
  'mathematical bold': 0x1d7ce,
  'mathematical monospace': 0x1d7f6,
} as const;

export type DigitSet = keyof typeof DIGIT_SETS;
export const DIGIT_SET_NAMES = Object.keys(DIGIT_SETS) as DigitSet[];

/** ASCII `digits` in the digit set `set`. */
export const inDigitSet = (digits: string, set: DigitSet): string =>
  set === 'ASCII'
    ? digits
    : [...digits]
        .map((digit) => (/[0-9]/.test(digit) ? String.fromCodePoint(DIGIT_SETS[set] + Number(digit)) : digit))
        .join('');

/** `digits` cut into groups of `sizes` (what is left over forms a last group) joined by `separator`. */
export const grouped = (digits: string, sizes: readonly number[], separator: string): string => {
  const groups: string[] = [];
  let start = 0;
  for (const size of sizes) {
    if (start >= digits.length) break;
    groups.push(digits.slice(start, start + size));
    start += size;
  }
  if (start < digits.length) groups.push(digits.slice(start));
  return groups.join(separator);
};

export interface WrittenNumber {
  /** The ASCII digits of the number. */
  digits: string;
  network?: Network;
  /** How it is written: `<style>, <digit set> digits`. */
  format: string;
  written: string;
  /** The last 4 digits as written (in the number's digit set). */
  last4: string;
}

/** `digits` written in `style` and `set`, grouped as its length is usually grouped. */
export const writeNumber = (digits: string, style: WritingStyle, set: DigitSet = 'ASCII'): WrittenNumber => ({
  digits,
  network: referenceNetworkOf(digits),
  format: `${style}, ${set} digits`,
  written: inDigitSet(grouped(digits, groupingOf(digits.length), WRITING_STYLES[style]), set),
  last4: inDigitSet(digits.slice(-4), set),
});

/** `written` as masking must leave it: every digit but the last 4 (URL encodings aside) becomes `*`. */
export const maskedWriting = (written: string): string => {
  const units = written.match(/%[0-9A-Fa-f]{2}|[\s\S]/gu) ?? [];
  let toMask = units.filter((unit) => /^\p{Nd}$/u.test(unit)).length - 4;
  return units.map((unit) => (/^\p{Nd}$/u.test(unit) && toMask-- > 0 ? '*' : unit)).join('');
};

// ---------------------------------------------------------------------------------------------------------
// fast-check arbitraries.

export const digits = (minLength: number, maxLength = minLength): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength, maxLength }).map((values) => values.join(''));

const aBody = fc.integer({ min: 13, max: 19 }).chain((length) => digits(length - 1));

/** The digits of a Luhn-valid number of 13 to 19 digits, of any prefix (most are not card numbers). */
export const aLuhnValidNumber = (): fc.Arbitrary<string> => aBody.map((body) => withCheckDigit(body));

/** The digits of a number of 13 to 19 digits whose check digit is wrong. */
export const aLuhnInvalidNumber = (): fc.Arbitrary<string> =>
  fc
    .tuple(aBody, fc.integer({ min: 1, max: 9 }))
    .map(([body, offset]) => withCheckDigit(body, false, offset));

export interface CardNumber {
  network: Network;
  digits: string;
}

/**
 * A number a network issues: the prefix of one of its ranges, a random body and a Luhn check digit, of one
 * of the network's lengths (by default those a number needs no context for: 14 digits or more).
 */
export const aCardNumber = (
  options: { networks?: readonly Network[]; anyLength?: boolean; valid?: boolean } = {},
): fc.Arbitrary<CardNumber> =>
  fc
    .constantFrom(...ISSUER_RANGES.filter((range) => (options.networks ?? NETWORKS).includes(range.network)))
    .chain((range) =>
      fc.record({
        range: fc.constant(range),
        offset: fc.nat(),
        length: fc.constantFrom(...(options.anyLength ? range.lengths : lengthsWithoutContext(range))),
        body: digits(18),
        checkOffset: fc.integer({ min: 1, max: 9 }),
      }),
    )
    .map(({ range, offset, length, body, checkOffset }) => {
      const number = cardNumberIn(range, offset, length, body);
      const digits =
        options.valid === false ? withCheckDigit(number.slice(0, -1), false, checkOffset) : number;
      return { network: range.network, digits };
    });

/** A writing style and digit set (URL encodings only with ASCII digits: a URL would encode the others). */
export const aWriting = (): fc.Arbitrary<{ style: WritingStyle; set: DigitSet }> =>
  fc
    .record({ style: fc.constantFrom(...WRITING_STYLE_NAMES), set: fc.constantFrom(...DIGIT_SET_NAMES) })
    .map(({ style, set }) => ({ style, set: isUrlEncoded(style) ? 'ASCII' : set }));

/** `number` in any writing style and digit set. */
export const aWritingOf = (number: string): fc.Arbitrary<WrittenNumber> =>
  aWriting().map(({ style, set }) => writeNumber(number, style, set));

/** A card number a network issues, 14-19 digits, in any writing style and digit set. */
export const aWrittenCardNumber = (): fc.Arbitrary<WrittenNumber> =>
  aCardNumber().chain(({ digits }) => aWritingOf(digits));

/** A number of a network's prefix and length whose check digit is wrong, in any writing. */
export const aWrittenLuhnInvalidNumber = (): fc.Arbitrary<WrittenNumber> =>
  aCardNumber({ valid: false }).chain(({ digits }) => aWritingOf(digits));

/** A Luhn-valid number of 12-19 digits that no network issues (its prefix or its length is not theirs). */
export const aLuhnValidUnissuedNumber = (): fc.Arbitrary<string> =>
  fc
    .integer({ min: 12, max: 19 })
    .chain((length) => digits(length - 1))
    .map((body) => withCheckDigit(body))
    .filter((number) => referenceNetworkOf(number) === undefined);

/** A millisecond Unix timestamp from 2001 to 2100: 13 digits. */
export const aMillisecondTimestamp = (): fc.Arbitrary<string> =>
  fc.integer({ min: 1_000_000_000_000, max: 4_102_444_799_999 }).map(String);

/** Characters of free text without digits: letters of a few scripts, spaces, punctuation. */
const TEXT_CHARACTERS = 'abcdjxyzABCXYZ éüñçßø ЖжΩλ中文カナ한글عربيहि ,;!?()[]"\'#*&@';
/** The same without a, c, d and j, so that no word about cards (card, visa, amex, cc, discover ...) forms. */
const TEXT_CHARACTERS_WITHOUT_CARD_WORDS = TEXT_CHARACTERS.replace(/[acdjACDJ]/g, '');

export interface TextOptions {
  /** Whether the text may hold words about cards, which relax the rules for the number (default true). */
  cardWords?: boolean;
}

const aFreeText = ({ cardWords = true }: TextOptions) =>
  fc.string({
    unit: fc.constantFrom(...(cardWords ? TEXT_CHARACTERS : TEXT_CHARACTERS_WITHOUT_CARD_WORDS)),
    maxLength: 20,
  });

/** Where a number may start in a text: after these, it is not part of a longer token. */
const BOUNDARIES_BEFORE = [' ', '\n', '(', '"', '#', ': ', ', ', '> ', '\t', '['];
/** Where a number may end in a text. */
const BOUNDARIES_AFTER = [' ', '\n', ')', '"', ', ', '. ', '; ', '!', '?', ']', '<'];

/** Text to put before a number: no digits, and it ends with a boundary a number may start after. */
export const aTextBefore = (options: TextOptions = {}): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(''),
    fc
      .tuple(aFreeText(options), fc.constantFrom(...BOUNDARIES_BEFORE))
      .map(([text, boundary]) => text + boundary),
  );

/** Text to put after a number: no digits, and it starts with a boundary a number may end before. */
export const aTextAfter = (options: TextOptions = {}): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(''),
    fc
      .tuple(fc.constantFrom(...BOUNDARIES_AFTER), aFreeText(options))
      .map(([boundary, text]) => boundary + text),
  );

/** `written` with text on both sides that leaves it a number of its own. */
export const aTextAround = (written: string, options: TextOptions = {}): fc.Arbitrary<string> =>
  fc.tuple(aTextBefore(options), aTextAfter(options)).map(([before, after]) => before + written + after);

type Document = Record<string, unknown> & {
  shipping: Record<string, unknown>;
  items: Record<string, unknown>[];
  customer: Record<string, unknown>;
};

/** Where a text can sit in an order: in a field, as a property name, in an array, at any depth. */
const PLACEMENTS: Record<string, (document: Document, text: string) => void> = {
  'the notes': (document, text) => {
    document.notes = text;
  },
  'an address line': (document, text) => {
    document.shipping.line2 = text;
  },
  'the phone number': (document, text) => {
    document.shipping.phone = text;
  },
  'an item name': (document, text) => {
    const item = document.items[document.items.length - 1];
    if (item) item.name = text;
  },
  'the customer name': (document, text) => {
    document.customer.name = text;
  },
  'a property name': (document, text) => {
    document.shipping[text] = 'leave at the door';
  },
  'a top-level property name': (document, text) => {
    document[text] = { note: 'see the key' };
  },
  'an array': (document, text) => {
    document.tags = ['gift', text, 'express'];
  },
};

/** A property name that says nothing about cards (not `card`, `pan`, `cvv`, `ccNumber`, `paymentMemo`...). */
const isPlainKey = (key: string): boolean =>
  !isCardObjectKey(key) &&
  !isSensitiveAuthenticationKey(key) &&
  !isCardNumberKey(key, false) &&
  !isCardContextKey(key);

/** A step down into a nested value: into an array, or into an object under a key. */
const aPathStep = fc.oneof(
  fc.constant({ array: true as const }),
  fc.record({ key: fc.string({ maxLength: 8 }).filter(isPlainKey) }),
);

/** A value nesting `leaf` at the end of `path`, with siblings at every level. */
const nest = (path: ({ array: true } | { key: string })[], leaf: unknown): unknown =>
  path.reduceRight<unknown>(
    (inner, step) => ('array' in step ? [1, inner, 'x'] : { other: true, [step.key]: inner }),
    leaf,
  );

export interface PlacedText {
  where: string;
  document: Record<string, unknown>;
}

/** An order (with its `payment.card`) holding `text` somewhere: in a field, a name, an array, deep down. */
export const anOrderHolding = (text: string): fc.Arbitrary<PlacedText> =>
  fc.oneof(
    fc.constantFrom(...Object.keys(PLACEMENTS)).map((where) => {
      const document = anOrder() as unknown as Document;
      PLACEMENTS[where]?.(document, text);
      return { where, document };
    }),
    fc.tuple(fc.array(aPathStep, { minLength: 1, maxLength: 8 }), fc.boolean()).map(([path, asName]) => {
      const document = anOrder() as unknown as Document;
      document.metadata = nest(path, asName ? { [text]: 'value' } : text);
      return { where: `${asName ? 'a property name' : 'a value'} ${path.length} levels down`, document };
    }),
  );

/**
 * Any JSON object whose strings and property names come from `text` (or are `card`, so that card objects
 * turn up at any depth), with numbers, booleans, nulls, arrays and objects nested a few levels.
 */
export const aJsonObject = (
  text: fc.Arbitrary<string> = fc.string(),
): fc.Arbitrary<Record<string, unknown>> => {
  const key = fc.oneof({ weight: 1, arbitrary: fc.constant('card') }, { weight: 4, arbitrary: text });
  const { object } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      tie('array'),
      tie('object'),
    ),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
  }));
  return object as fc.Arbitrary<Record<string, unknown>>;
};

/**
 * Property names that name nothing about cards: no `c`, `i` or `p`, which every card-object, card-number,
 * card-context and sensitive-authentication key holds (`card`, `pan`, `cvv`, `track`, `pin`, `cid`...).
 */
export const aPlainKey = (): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'abdefghjklmnoqrstuvwxyz_'), minLength: 1, maxLength: 8 });

/**
 * Strings that hold no card data: fewer digits than any card number, and no name of a verification code
 * (no `c`, `i` or `p`); with quotes and backslashes, which JSON escapes.
 */
export const aPlainString = (): fc.Arbitrary<string> =>
  fc
    .string({ unit: fc.constantFrom(...'abdefghjkl mnoqrstuvwxyz-./:#+"\\0123456789'), maxLength: 30 })
    .filter((text) => text.replace(/[^0-9]/g, '').length < 12);

/**
 * Any JSON value that holds no card data: plain strings, integers, doubles, booleans and nulls, in arrays
 * and objects with plain keys nested a few levels.
 */
export const aPlainValue = (): fc.Arbitrary<unknown> =>
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      aPlainString(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(aPlainKey(), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

/** A JSON object that holds no card data: plain keys and values (see `aPlainValue`). */
export const aPlainObject = (): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(aPlainKey(), aPlainValue(), { maxKeys: 5 });

/** Texts as they come in orders, some holding a card number or a number that fails the Luhn check. */
export const anOrderText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string() },
    { weight: 1, arbitrary: aWrittenCardNumber().chain(({ written }) => aTextAround(written)) },
    { weight: 1, arbitrary: aWrittenLuhnInvalidNumber().chain(({ written }) => aTextAround(written)) },
  );
