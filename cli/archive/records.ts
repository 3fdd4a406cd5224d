/** The content of archive objects: newline-delimited JSON, orders in `orders/`, Firehose error records in `errors/`. */

export interface JsonLine {
  /** 1-based line number in the object. */
  line: number;
  /** The line as stored (without its newline). */
  text: string;
  /** The parsed value, or undefined when the line is not JSON. */
  value: unknown;
  valid: boolean;
}

/** Every non-blank line of an object, parsed. A line that is not JSON is kept, marked invalid. */
export const jsonLines = (content: string): JsonLine[] =>
  content.split('\n').flatMap((raw, index): JsonLine[] => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return [];
    try {
      return [{ line: index + 1, text, value: JSON.parse(text) as unknown, valid: true }];
    } catch {
      return [{ line: index + 1, text, value: undefined, valid: false }];
    }
  });

export interface OrderFilter {
  id?: string | undefined;
  customer?: string | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Whether an archived order matches `--id` and `--customer` (both when both are given). */
export const matchesOrder = (order: unknown, { id, customer }: OrderFilter): boolean => {
  if (id === undefined && customer === undefined) return true;
  if (!isObject(order)) return false;
  if (id !== undefined && order.id !== id) return false;
  if (customer !== undefined && (!isObject(order.customer) || order.customer.id !== customer)) return false;
  return true;
};

/**
 * Whether an archived line is a quarantine document: a record the card-data transform could not read as
 * a JSON object, archived masked as `{"quarantine": {"reason", "maskedText"}}`. Not an order.
 */
export const isQuarantined = (value: unknown): boolean =>
  isObject(value) && isObject(value.quarantine) && Object.keys(value).length === 1;

/** Firehose's error output record (S3 destination): what it writes under the error prefix. */
export interface ErrorRecord {
  attemptsMade?: number;
  arrivalTimestamp?: number;
  errorCode?: string;
  errorMessage?: string;
  attemptEndingTimestamp?: number;
  rawData?: string;
  lambdaArn?: string;
  [field: string]: unknown;
}

export interface ErrorRecordSummary {
  key: string;
  errorOutputType: string;
  errorCode: string | null;
  errorMessage: string | null;
  attemptsMade: number | null;
  arrivalTime: string | null;
  attemptEndingTime: string | null;
  lambdaArn?: string;
  /** Bytes of the record as Firehose received it (rawData decoded from base64). */
  rawDataBytes: number;
  /** With --show-raw only: the record as received, as text when it is UTF-8, else as base64. */
  rawData?: string;
  rawDataBase64?: string;
}

const isoTime = (epochMs: unknown): string | null =>
  typeof epochMs === 'number' && Number.isFinite(epochMs) ? new Date(epochMs).toISOString() : null;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What `errors` prints for one error record: code, message, attempts, times and the size of the raw data.
 * The raw data itself (the record before the card-data transform: it may hold card numbers) only when asked.
 */
export const summariseErrorRecord = (
  record: ErrorRecord,
  { key, errorOutputType, showRaw }: { key: string; errorOutputType: string; showRaw: boolean },
): ErrorRecordSummary => {
  const raw = typeof record.rawData === 'string' ? Buffer.from(record.rawData, 'base64') : Buffer.alloc(0);
  const summary: ErrorRecordSummary = {
    key,
    errorOutputType,
    errorCode: typeof record.errorCode === 'string' ? record.errorCode : null,
    errorMessage: typeof record.errorMessage === 'string' ? record.errorMessage : null,
    attemptsMade: typeof record.attemptsMade === 'number' ? record.attemptsMade : null,
    arrivalTime: isoTime(record.arrivalTimestamp),
    attemptEndingTime: isoTime(record.attemptEndingTimestamp),
    ...(typeof record.lambdaArn === 'string' ? { lambdaArn: record.lambdaArn } : {}),
    rawDataBytes: raw.length,
  };
  if (showRaw) {
    try {
      summary.rawData = utf8.decode(raw);
    } catch {
      summary.rawDataBase64 = raw.toString('base64');
    }
  }
  return summary;
};

/** The error output type of an error object's key: `errors/processing-failed/2026/...` gives `processing-failed`. */
export const errorOutputTypeOf = (prefix: string, key: string): string =>
  key.slice(prefix.length).split('/')[0] ?? '';
