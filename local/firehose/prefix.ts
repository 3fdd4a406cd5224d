/**
 * Firehose S3 prefixes: `!{timestamp:<Java DateTimeFormatter pattern>}`, `!{firehose:random-string}` and
 * `!{firehose:error-output-type}`, evaluated in UTC. A prefix without expressions gets Firehose's
 * default time prefix `yyyy/MM/dd/HH/` appended.
 */
const EXPRESSION = /!\{([^}:]+):([^}]*)\}/g;
/** Quoted literals (`''` is a quote), a lone quote (an error), and runs of one pattern letter. */
const DATE_TOKENS = /'(?:[^']|'')*'|'|([A-Za-z])\1*/g;

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

export class PrefixError extends Error {}

const FIELDS: Record<string, (time: Date) => string> = {
  yyyy: (time) => pad(time.getUTCFullYear(), 4),
  yy: (time) => pad(time.getUTCFullYear() % 100),
  MM: (time) => pad(time.getUTCMonth() + 1),
  M: (time) => String(time.getUTCMonth() + 1),
  dd: (time) => pad(time.getUTCDate()),
  d: (time) => String(time.getUTCDate()),
  HH: (time) => pad(time.getUTCHours()),
  H: (time) => String(time.getUTCHours()),
  mm: (time) => pad(time.getUTCMinutes()),
  m: (time) => String(time.getUTCMinutes()),
  ss: (time) => pad(time.getUTCSeconds()),
  s: (time) => String(time.getUTCSeconds()),
  SSS: (time) => pad(time.getUTCMilliseconds(), 3),
};

/**
 * The subset of java.time.format.DateTimeFormatter patterns that S3 prefixes use, in UTC. Letters are
 * pattern letters in Java, so one this subset does not know is an error rather than literal text.
 */
export const formatTimestamp = (pattern: string, time: Date): string =>
  pattern.replace(DATE_TOKENS, (token) => {
    if (token === "'") throw new PrefixError(`unterminated quote in the timestamp pattern ${pattern}`);
    if (token.startsWith("'")) return token === "''" ? "'" : token.slice(1, -1).replaceAll("''", "'");
    const field = FIELDS[token];
    if (!field)
      throw new PrefixError(`the timestamp pattern ${token} (in ${pattern}) is not supported locally`);
    return field(time);
  });

const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const randomString = (length = 11) =>
  Array.from({ length }, () => RANDOM_ALPHABET[Math.floor(Math.random() * RANDOM_ALPHABET.length)]).join('');

export interface PrefixContext {
  timestamp: Date;
  errorOutputType?: string;
}

export const evaluatePrefix = (prefix: string, { timestamp, errorOutputType }: PrefixContext): string => {
  if (!prefix.includes('!{')) return `${prefix}${formatTimestamp('yyyy/MM/dd/HH/', timestamp)}`;
  const evaluated = prefix.replace(EXPRESSION, (expression, namespace: string, argument: string) => {
    if (namespace === 'timestamp') return formatTimestamp(argument, timestamp);
    if (namespace === 'firehose' && argument === 'random-string') return randomString();
    if (namespace === 'firehose' && argument === 'error-output-type') {
      if (!errorOutputType) throw new PrefixError(`${expression} is only allowed in the error output prefix`);
      return errorOutputType;
    }
    throw new PrefixError(`${expression} is not supported by the local delivery stream`);
  });
  // What is left of `!{` is not an expression Firehose knows, e.g. `!{timestamp}` without a pattern.
  const malformed = /!\{[^}]*\}?/.exec(evaluated);
  if (malformed) throw new PrefixError(`${malformed[0]} in ${prefix} is not a valid expression`);
  return evaluated;
};

/** Firehose's object name after the prefix: `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>`. */
export const objectName = (streamName: string, time: Date, uuid: string, extension: string) =>
  `${streamName}-1-${formatTimestamp('yyyy-MM-dd-HH-mm-ss', time)}-${uuid}${extension}`;
