/** fast-check arbitraries of card numbers, the ways people write them, and where they end up in an order. */
import fc from 'fast-check';
import { SEPARATORS } from '../helpers/card-number-reference';
import { anOrder } from './order';

/** The separators people type most, and the others (tab, no-break spaces, typographic dashes). */
const aSeparator = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(' ', '-') },
  { weight: 1, arbitrary: fc.constantFrom(...SEPARATORS) },
);

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

export const digits = (minLength: number, maxLength = minLength): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength, maxLength }).map((values) => values.join(''));

const aBody = fc.integer({ min: 13, max: 19 }).chain((length) => digits(length - 1));

/** The digits of a Luhn-valid number of 13 to 19 digits. */
export const aLuhnValidNumber = (): fc.Arbitrary<string> => aBody.map((body) => body + luhnCheckDigit(body));

/** The digits of a number of 13 to 19 digits whose check digit is wrong. */
export const aLuhnInvalidNumber = (): fc.Arbitrary<string> =>
  fc
    .tuple(aBody, fc.integer({ min: 1, max: 9 }))
    .map(([body, offset]) => body + String((Number(luhnCheckDigit(body)) + offset) % 10));

const grouped = (number: string, sizes: number[], separator: string): string => {
  const groups: string[] = [];
  let start = 0;
  for (const size of sizes) {
    if (start >= number.length) break;
    groups.push(number.slice(start, start + size));
    start += size;
  }
  if (start < number.length) groups.push(number.slice(start));
  return groups.join(separator);
};

export const CARD_NUMBER_FORMATS = [
  'plain',
  'grouped by 4 with spaces',
  'grouped by 4 with dashes',
  'grouped 4-6-5 like amex',
  'grouped by 4 with any other space or dash',
  'grouped at random with single spaces and dashes',
] as const;

export type CardNumberFormat = (typeof CARD_NUMBER_FORMATS)[number];

export interface WrittenNumber {
  digits: string;
  format: CardNumberFormat;
  written: string;
}

/** `number` written in one of the accepted formats. */
export const aWritingOf = (number: string): fc.Arbitrary<WrittenNumber> =>
  fc.constantFrom(...CARD_NUMBER_FORMATS).chain((format) => {
    const writing = (written: string) => ({ digits: number, format, written });
    switch (format) {
      case 'plain':
        return fc.constant(writing(number));
      case 'grouped by 4 with spaces':
        return fc.constant(writing(grouped(number, [4, 4, 4, 4], ' ')));
      case 'grouped by 4 with dashes':
        return fc.constant(writing(grouped(number, [4, 4, 4, 4], '-')));
      case 'grouped 4-6-5 like amex':
        return fc.constantFrom(' ', '-').map((separator) => writing(grouped(number, [4, 6], separator)));
      case 'grouped by 4 with any other space or dash':
        return fc
          .constantFrom(...SEPARATORS)
          .map((separator) => writing(grouped(number, [4, 4, 4, 4], separator)));
      default:
        return fc
          .array(fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 2, arbitrary: aSeparator }), {
            minLength: number.length - 1,
            maxLength: number.length - 1,
          })
          .map((gaps) =>
            writing(
              [...number]
                .map((digit, index) => (index === 0 ? digit : `${gaps[index - 1]}${digit}`))
                .join(''),
            ),
          );
    }
  });

/** A Luhn-valid card number of 13-19 digits, written in any accepted format. */
export const aWrittenCardNumber = (): fc.Arbitrary<WrittenNumber> => aLuhnValidNumber().chain(aWritingOf);

/** A number of 13-19 digits that fails the Luhn check, written in any accepted format. */
export const aWrittenLuhnInvalidNumber = (): fc.Arbitrary<WrittenNumber> =>
  aLuhnInvalidNumber().chain(aWritingOf);

const aNonDigit = fc.oneof(
  fc.constantFrom(
    ' ',
    '-',
    'a',
    'Z',
    ':',
    '.',
    ',',
    '/',
    '#',
    '+',
    '(',
    ')',
    '\n',
    '\t',
    '"',
    '\\',
    'é',
    '€',
    '😀',
  ),
  fc.string({ minLength: 1, maxLength: 1 }).filter((character) => !/[0-9]/.test(character)),
);

/**
 * Text to put before a number: ends with a non-digit; sometimes another number (a phone number, an order
 * reference) right before it, joined by a single separator, so that the two form one run of digits.
 */
export const aTextBefore = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.string({ maxLength: 12 }), aNonDigit).map(([text, boundary]) => text + boundary),
    fc
      .tuple(fc.string({ maxLength: 12 }), aNonDigit, digits(1, 12), aSeparator)
      .map(([text, boundary, neighbour, separator]) => text + boundary + neighbour + separator),
    fc.constant(''),
  );

/** Text to put after a number: starts with a non-digit, or with a separator and another number. */
export const aTextAfter = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(aNonDigit, fc.string({ maxLength: 12 })).map(([boundary, text]) => boundary + text),
    fc
      .tuple(aSeparator, digits(1, 12), aNonDigit, fc.string({ maxLength: 12 }))
      .map(([separator, neighbour, boundary, text]) => separator + neighbour + boundary + text),
    fc.constant(''),
  );

/** `written` with text on both sides. */
export const aTextAround = (written: string): fc.Arbitrary<string> =>
  fc.tuple(aTextBefore(), aTextAfter()).map(([before, after]) => before + written + after);

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

/** A step down into a nested value: into an array, or into an object under a key. */
const aPathStep = fc.oneof(
  fc.constant({ array: true as const }),
  fc.record({ key: fc.string({ maxLength: 8 }).filter((key) => key !== 'card') }),
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

/** Texts as they come in orders, some holding a card number or a number that fails the Luhn check. */
export const anOrderText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string() },
    { weight: 1, arbitrary: aWrittenCardNumber().chain(({ written }) => aTextAround(written)) },
    { weight: 1, arbitrary: aWrittenLuhnInvalidNumber().chain(({ written }) => aTextAround(written)) },
  );
