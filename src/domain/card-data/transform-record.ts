import { parseJson } from '../../shared/json';
import { quoteCardNumberLiterals } from './json-number-literals';
import { maskCardNumbers } from './mask-card-numbers';
import { type CardDataCounts, sanitiseDocument } from './sanitise-document';
import { isCardNumberKey, isCardObjectKey, isSensitiveAuthenticationKey } from './sensitive-keys';

export interface RecordTransformed extends CardDataCounts {
  result: 'Ok';
  /** Base64 of the sanitised document as one line of JSON ending with '\n' (newline-delimited JSON). */
  data: string;
  /** Why the record was quarantined (see `quarantineDocument`) instead of sanitised, if it was. */
  quarantined?: string;
}

/** The transform never fails a record: one that fails would be written as received, card data included. */
export type RecordTransformation = RecordTransformed;

/**
 * What a record that is not a JSON object becomes (SPEC §2, fail closed): a JSON object that says so, with
 * the record's text, masked, so that nothing is lost and no card data gets through.
 */
export interface QuarantineDocument {
  quarantine: {
    /** Why the record could not be sanitised as a document, in words that never quote it. */
    reason: string;
    /** The record's text with card numbers, track data and verification codes masked. */
    maskedText: string;
  };
}

const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
};

/** `"cvv": "123"`, `"pan": 4111...` in text that is not parsed: a quoted key, a colon, a value. */
const KEY_AND_VALUE = /"((?:[^"\\]|\\.){1,64})"(\s*:\s*)("(?:[^"\\]|\\.)*"|[^\s,{}[\]]+)/g;

/** Masks what can be found in text that is not a JSON document, key by key, then number by number. */
export const maskUnparsedText = (raw: string): CardDataCounts & { text: string } => {
  let sensitiveAuthenticationDataRemoved = 0;
  let numbersMaskedByKey = 0;
  // JSON escapes (`\u0034111...`) would hide digits and key names from what follows.
  const text = raw.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  const byKey = text.replace(KEY_AND_VALUE, (match, key: string, colon: string, value: string) => {
    if (isSensitiveAuthenticationKey(key)) {
      sensitiveAuthenticationDataRemoved += 1;
      return `"${key}"${colon}"[removed]"`;
    }
    if (isCardNumberKey(key, true) || isCardObjectKey(key)) {
      const masked = maskCardNumbers(value, 'card-number');
      numbersMaskedByKey += masked.masked;
      return `"${key}"${colon}${masked.text}`;
    }
    return match;
  });
  const { text: masked, masked: numbersMasked } = maskCardNumbers(byKey);
  return {
    text: masked,
    numbersMasked: numbersMasked + numbersMaskedByKey,
    sensitiveAuthenticationDataRemoved,
    cardObjectsReduced: 0,
  };
};

const isJsonObject = (value: unknown): value is object =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const encodeLine = (line: string): string => Buffer.from(`${line}\n`, 'utf8').toString('base64');

const encode = (document: unknown): string => encodeLine(JSON.stringify(document));

const quarantined = (text: string, reason: string): RecordTransformed => {
  const { text: maskedText, ...counts } = maskUnparsedText(text);
  const document: QuarantineDocument = { quarantine: { reason, maskedText } };
  return { result: 'Ok', data: encode(document), quarantined: reason, ...counts };
};

/**
 * The card-data transform of one Firehose record: decode, turn card numbers stored as JSON numbers into
 * strings (`quoteCardNumberLiterals`), parse, remove card data (`sanitiseDocument`), and encode the
 * document as one line of JSON. Fails closed: a record that is not a JSON object (an array, a string,
 * invalid JSON, nothing, nested too deeply) becomes a `QuarantineDocument`, masked; never
 * `ProcessingFailed`, which Firehose would write as received. Bytes that are not valid UTF-8 are read with
 * replacement characters like any text. Never throws.
 *
 * `data` is the record as Firehose sends it (a base64 string) or its bytes, already decoded.
 */
export const transformRecord = (data: Buffer | string): RecordTransformation => {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : data;
  const text = bytes.toString('utf8');
  if (bytes.length === 0) return quarantined(text, 'the record is empty');
  try {
    let parsed = parseJson(text);
    if (!parsed.ok) return quarantined(text, `the record is ${parsed.error}`);
    if (!isJsonObject(parsed.value)) {
      return quarantined(text, `the record is ${kindOf(parsed.value)}, not a JSON object`);
    }
    let sanitised = sanitiseDocument(parsed.value);
    if (sanitised.longNumbers > 0) {
      // Rare: numbers long enough to be card numbers. Read again from the text, where they are exact.
      parsed = parseJson(quoteCardNumberLiterals(text));
      if (!parsed.ok) return quarantined(text, `the record is ${parsed.error}`);
      sanitised = sanitiseDocument(parsed.value);
    }
    const changed =
      sanitised.cardObjectsReduced + sanitised.sensitiveAuthenticationDataRemoved + sanitised.numbersMasked >
      0;
    return {
      result: 'Ok',
      // A record with nothing to remove that is already one line goes out as it came: no need to serialise.
      data:
        changed || text.includes('\n') || text.includes('\r') ? encode(sanitised.value) : encodeLine(text),
      cardObjectsReduced: sanitised.cardObjectsReduced,
      sensitiveAuthenticationDataRemoved: sanitised.sensitiveAuthenticationDataRemoved,
      numbersMasked: sanitised.numbersMasked,
    };
  } catch (error) {
    // The walk refuses documents nested too deeply (and JSON.parse or stringify may run out of stack on
    // them); the error's message is not used, as it could quote the record.
    return quarantined(
      text,
      error instanceof RangeError || (error as Error).name === 'DocumentTooDeepError'
        ? 'the record could not be transformed: its JSON is nested too deeply'
        : 'the record could not be transformed',
    );
  }
};
