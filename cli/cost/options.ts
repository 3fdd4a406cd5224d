/** `npm run cost -- --orders-per-day <n> [options]`: the options and the usage text. */
import { HELP_OPTION, parseOptions, splitCommand, wantsHelp } from '../shared/args';
import { UsageError } from '../shared/errors';

/**
 * A typical order as the API publishes it: `JSON.stringify` of the order factory's event
 * (test/factories/order.ts, `anOrderEvent()`: 558 bytes) with the partner the API adds
 * (`{"id":"ExamplePartner","clientId":...}`), measured 2026-11-29: 632 bytes.
 */
export const DEFAULT_AVERAGE_ORDER_BYTES = 632;
/** Share of orders of 100 or more, which the search pipeline's filter policy takes. */
export const DEFAULT_SEARCH_SHARE = 0.5;
export const DEFAULT_COLD_START_SHARE = 0.01;
/**
 * GZIP output / input for an archive object of JSON lines orders. The factory's orders differ only in
 * their ids and compress to 0.025, which real orders (other names, addresses, items) would not: 0.15 is
 * an assumption until measured on a real archive.
 */
export const DEFAULT_GZIP_RATIO = 0.15;
export const DEFAULT_STORAGE_MONTH = 12;

const OPTIONS = {
  ...HELP_OPTION,
  'orders-per-day': { type: 'string' },
  'average-order-bytes': { type: 'string' },
  'search-share': { type: 'string' },
  'cold-start-share': { type: 'string' },
  'gzip-ratio': { type: 'string' },
  'token-lifetime-minutes': { type: 'string' },
  month: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const USAGE = `Usage: npm run cost -- --orders-per-day <n> [options]

Prints the monthly AWS cost (us-east-1, on-demand prices, a month of 30.4 days, free tiers not
deducted) of each pipeline for n orders a day, beside the same traffic on the original AWS Event
Fork Pipelines design (an SQS queue and a forwarding Lambda function before each Firehose stream),
with every line item, and which parameters move the cost most (each doubled in turn). Memory sizes,
batch sizes, buffering, lifecycle and the search domain come from the templates' defaults; prices
from cli/cost/prices.ts; function durations from cli/cost/measured-durations.ts.

  --orders-per-day <n>            orders a day (required; more than 0)
  --average-order-bytes <bytes>   size of an order as published (default ${DEFAULT_AVERAGE_ORDER_BYTES}, the order factory's)
  --search-share <0..1>           share of orders of 100 or more, indexed for search (default ${DEFAULT_SEARCH_SHARE})
  --cold-start-share <0..1>       share of invocations that are cold starts (default ${DEFAULT_COLD_START_SHARE})
  --gzip-ratio <0..1>             compressed / raw size of the archive (default ${DEFAULT_GZIP_RATIO})
  --token-lifetime-minutes <n>    how long a partner reuses an access token (default: the template's
                                  AccessTokenValidityMinutes)
  --month <n>                     price storage as it stands after n months of traffic (default ${DEFAULT_STORAGE_MONTH})
  --json                          every figure as one JSON object
  -h, --help                      this help

Examples:
  npm run cost -- --orders-per-day 100000
  npm run cost -- --orders-per-day 1000000 --search-share 0.2 --month 24
  npm run cost -- --orders-per-day 100000 --json`;

export interface CostOptions {
  ordersPerDay: number;
  averageOrderBytes: number;
  searchShare: number;
  coldStartShare: number;
  gzipRatio: number;
  /** Undefined: the template's AccessTokenValidityMinutes. */
  tokenLifetimeMinutes: number | undefined;
  storageMonth: number;
  json: boolean;
}

export type CostArguments = { command: 'help'; text: string } | ({ command: 'cost' } & CostOptions);

const NUMBER = /^\d+(\.\d+)?$|^\.\d+$/;

const numberOption = (name: string, text: string, accept: (value: number) => boolean, takes: string) => {
  const value = Number(text.trim());
  if (!NUMBER.test(text.trim()) || !Number.isFinite(value) || !accept(value)) {
    throw new UsageError(`--${name} takes ${takes}, not "${text}"`);
  }
  return value;
};

const positive = (name: string, text: string | undefined, fallback: number) =>
  text === undefined ? fallback : numberOption(name, text, (value) => value > 0, 'a number greater than 0');

const wholePositive = (name: string, text: string | undefined, fallback: number) =>
  text === undefined
    ? fallback
    : numberOption(
        name,
        text,
        (value) => Number.isInteger(value) && value >= 1,
        'a whole number of 1 or more',
      );

const share = (name: string, text: string | undefined, fallback: number, zeroAllowed = true) =>
  text === undefined
    ? fallback
    : numberOption(
        name,
        text,
        (value) => (zeroAllowed ? value >= 0 : value > 0) && value <= 1,
        zeroAllowed ? 'a share from 0 to 1' : 'a ratio greater than 0 and at most 1',
      );

/** Parses `argv` (what follows `npm run cost --`); usage errors are thrown as UsageError. */
export const parseCostArguments = (argv: readonly string[]): CostArguments => {
  const { command, args } = splitCommand(argv);
  if (wantsHelp(args) || command === 'help') return { command: 'help', text: USAGE };
  if (command !== undefined) {
    throw new UsageError(`unexpected argument "${command}": npm run cost takes options only`);
  }
  const values = parseOptions(args, OPTIONS);
  if (values['orders-per-day'] === undefined) {
    throw new UsageError(
      '--orders-per-day is required: how many orders a day to price (e.g. --orders-per-day 100000)',
    );
  }
  return {
    command: 'cost',
    ordersPerDay: positive('orders-per-day', values['orders-per-day'], 0),
    averageOrderBytes: wholePositive(
      'average-order-bytes',
      values['average-order-bytes'],
      DEFAULT_AVERAGE_ORDER_BYTES,
    ),
    searchShare: share('search-share', values['search-share'], DEFAULT_SEARCH_SHARE),
    coldStartShare: share('cold-start-share', values['cold-start-share'], DEFAULT_COLD_START_SHARE),
    gzipRatio: share('gzip-ratio', values['gzip-ratio'], DEFAULT_GZIP_RATIO, false),
    tokenLifetimeMinutes:
      values['token-lifetime-minutes'] === undefined
        ? undefined
        : positive('token-lifetime-minutes', values['token-lifetime-minutes'], 0),
    storageMonth: wholePositive('month', values.month, DEFAULT_STORAGE_MONTH),
    json: values.json ?? false,
  };
};
