/**
 * Firehose S3 prefixes: `!{timestamp:<Java DateTimeFormatter pattern>}`, `!{firehose:random-string}` and
 * `!{firehose:error-output-type}`, evaluated in UTC. A prefix without expressions gets Firehose's
 * default time prefix `yyyy/MM/dd/HH/` appended.
 */
const EXPRESSION = /!\{([^}:]+):([^}]*)\}/g;
const DATE_TOKENS = /yyyy|yy|MM|dd|HH|mm|ss|SSS|'[^']*'/g;

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

/** The subset of java.time.format.DateTimeFormatter patterns that S3 prefixes use, in UTC. */
export const formatTimestamp = (pattern: string, time: Date): string =>
  pattern.replace(DATE_TOKENS, (token) => {
    switch (token) {
      case 'yyyy':
        return String(time.getUTCFullYear());
      case 'yy':
        return pad(time.getUTCFullYear() % 100);
      case 'MM':
        return pad(time.getUTCMonth() + 1);
      case 'dd':
        return pad(time.getUTCDate());
      case 'HH':
        return pad(time.getUTCHours());
      case 'mm':
        return pad(time.getUTCMinutes());
      case 'ss':
        return pad(time.getUTCSeconds());
      case 'SSS':
        return pad(time.getUTCMilliseconds(), 3);
      default:
        return token.slice(1, -1);
    }
  });

const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const randomString = (length = 11) =>
  Array.from({ length }, () => RANDOM_ALPHABET[Math.floor(Math.random() * RANDOM_ALPHABET.length)]).join('');

export interface PrefixContext {
  timestamp: Date;
  errorOutputType?: string;
}

export class PrefixError extends Error {}

export const evaluatePrefix = (prefix: string, { timestamp, errorOutputType }: PrefixContext): string => {
  if (!prefix.includes('!{')) return `${prefix}${formatTimestamp('yyyy/MM/dd/HH/', timestamp)}`;
  return prefix.replace(EXPRESSION, (expression, namespace: string, argument: string) => {
    if (namespace === 'timestamp') return formatTimestamp(argument, timestamp);
    if (namespace === 'firehose' && argument === 'random-string') return randomString();
    if (namespace === 'firehose' && argument === 'error-output-type') {
      if (!errorOutputType) throw new PrefixError(`${expression} is only allowed in the error output prefix`);
      return errorOutputType;
    }
    throw new PrefixError(`${expression} is not supported by the local delivery stream`);
  });
};

/** Firehose's object name after the prefix: `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid>`. */
export const objectName = (streamName: string, time: Date, uuid: string, extension: string) =>
  `${streamName}-1-${formatTimestamp('yyyy-MM-dd-HH-mm-ss', time)}-${uuid}${extension}`;
