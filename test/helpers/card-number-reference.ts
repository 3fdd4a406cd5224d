import { passesLuhn } from '../../src/domain/order';

/**
 * A plain restatement of the masking rules (SPEC §2, src/domain/card-data/mask-card-numbers.ts), written
 * for clarity rather than speed, that the property tests hold the real code to:
 * - a run is a maximal sequence of digits in which consecutive digits are separated by at most one space
 *   or dash (of the kinds in `SEPARATORS`); a group is the digits between separators;
 * - every sequence of whole consecutive groups of a run with 13-19 digits that passes the Luhn check is a
 *   card number; all its digits but the last 4 become `*`, separators stay.
 */
/** Space, tab, no-break, figure and narrow no-break spaces; hyphen-minus, hyphen, non-breaking hyphen,
 * figure dash, en dash, em dash, minus sign. */
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
const SEPARATOR = `[${SEPARATORS.join('').replace('-', '\\-')}]`;
const RUN = new RegExp(`[0-9](?:${SEPARATOR}?[0-9])*`, 'g');

interface Span {
  /** Index in the run's digits of the first digit masked, and one past the last. */
  from: number;
  to: number;
}

const cardNumberSpans = (run: string): Span[] => {
  const groups = run.split(new RegExp(SEPARATOR));
  const spans: Span[] = [];
  let from = 0;
  for (let first = 0; first < groups.length; first++) {
    let digits = '';
    for (let last = first; last < groups.length; last++) {
      digits += groups[last];
      if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) {
        spans.push({ from, to: from + digits.length - 4 });
      }
    }
    from += groups[first]?.length ?? 0;
  }
  return spans;
};

/** `text` with its card numbers masked, and how many separate masked stretches there are. */
export const referenceMask = (text: string): { text: string; masked: number } => {
  let masked = 0;
  const result = text.replace(RUN, (run) => {
    const spans = cardNumberSpans(run);
    if (spans.length === 0) return run;
    let digit = -1;
    let previousMasked = false;
    return run.replace(/[0-9]/g, (character) => {
      digit++;
      const hidden = spans.some(({ from, to }) => digit >= from && digit < to);
      if (hidden && !previousMasked) masked++;
      previousMasked = hidden;
      return hidden ? '*' : character;
    });
  });
  return { text: result, masked };
};

export const referenceHasCardNumber = (text: string): boolean => referenceMask(text).masked > 0;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** A copy of a JSON value without `card` objects (or arrays), with every string and key masked. */
export const referenceSanitise = (value: unknown): unknown => {
  if (typeof value === 'string') return referenceMask(value).text;
  if (Array.isArray(value)) return value.map(referenceSanitise);
  if (!isObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'card' && isObject(child)) continue;
    Object.defineProperty(copy, referenceMask(key).text, {
      value: referenceSanitise(child),
      enumerable: true,
      writable: true,
      configurable: true,
    });
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
