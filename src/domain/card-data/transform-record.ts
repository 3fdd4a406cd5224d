import { parseJson } from '../../shared/json';
import { sanitiseDocument } from './sanitise-document';

export interface RecordTransformed {
  result: 'Ok';
  /** Base64 of the sanitised document as one line of JSON ending with '\n' (newline-delimited JSON). */
  data: string;
  cardObjectsRemoved: number;
  numbersMasked: number;
}

export interface RecordFailed {
  result: 'ProcessingFailed';
  /** Why, in words that never quote the record: it may hold card data. */
  reason: string;
}

export type RecordTransformation = RecordTransformed | RecordFailed;

const failed = (reason: string): RecordFailed => ({ result: 'ProcessingFailed', reason });

const kindOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
};

/**
 * The card-data transform of one Firehose record: decode, parse, remove card data (`sanitiseDocument`),
 * and encode the document as one line of JSON. A record that is not a JSON object (an array, a string, a
 * number, null, invalid JSON, nothing) is `ProcessingFailed`, with a reason that never quotes it; bytes
 * that are not valid UTF-8 are read with replacement characters like any text. Never throws.
 *
 * `data` is the record as Firehose sends it (a base64 string) or its bytes, already decoded.
 */
export const transformRecord = (data: Buffer | string): RecordTransformation => {
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'base64') : data;
    if (bytes.length === 0) return failed('the record is empty');
    const parsed = parseJson(bytes.toString('utf8'));
    if (!parsed.ok) return failed(`the record is ${parsed.error}`);
    const document = parsed.value;
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      return failed(`the record is ${kindOf(document)}, not a JSON object`);
    }
    const { value, cardObjectsRemoved, numbersMasked } = sanitiseDocument(document);
    const line = `${JSON.stringify(value)}\n`;
    return {
      result: 'Ok',
      data: Buffer.from(line, 'utf8').toString('base64'),
      cardObjectsRemoved,
      numbersMasked,
    };
  } catch (error) {
    // Only a document nested thousands of levels deep gets here (the walk or JSON.stringify run out of
    // stack); the error's message is not used, as it could quote the record.
    return failed(
      error instanceof RangeError
        ? 'the record could not be transformed: its JSON is nested too deeply'
        : 'the record could not be transformed',
    );
  }
};
