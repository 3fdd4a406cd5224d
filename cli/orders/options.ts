/** `npm run orders -- <command> [options]`: the commands, their options and their usage texts. */
import { openSearchUrl } from '../../src/adapters/opensearch-client';
import { HELP_OPTION, parseOptions, selectCommand, TARGET_OPTIONS } from '../shared/args';
import { UsageError } from '../shared/errors';
import type { TargetOptions } from '../shared/target';
import { parseTime } from '../shared/time';
import type { OrderFilters } from './query';

export const COMMANDS = ['search', 'stats'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const SORT_FIELDS = ['date', 'amount', 'relevance'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';
export interface SearchSort {
  field: SortField;
  order: SortOrder;
}

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
export const TOPS = ['skus', 'customers'] as const;
export type Top = (typeof TOPS)[number];
export const CUSTOMER_SORTS = ['orders', 'revenue'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

export const DEFAULT_SEARCH_SIZE = 20;
/** OpenSearch's `index.max_result_window`: from + size may not exceed it. */
export const MAX_SEARCH_SIZE = 10_000;
export const DEFAULT_TOP_SIZE = 10;
export const MAX_TOP_SIZE = 1000;

const CONNECTION_OPTIONS = {
  ...TARGET_OPTIONS,
  endpoint: { type: 'string' },
  'no-sign': { type: 'boolean' },
  index: { type: 'string' },
} as const;

const FILTER_OPTIONS = {
  'min-amount': { type: 'string' },
  'max-amount': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  customer: { type: 'string', multiple: true },
  sku: { type: 'string', multiple: true },
  currency: { type: 'string', multiple: true },
  text: { type: 'string' },
} as const;

const OPTIONS = {
  search: {
    ...HELP_OPTION,
    ...CONNECTION_OPTIONS,
    ...FILTER_OPTIONS,
    size: { type: 'string' },
    sort: { type: 'string' },
    json: { type: 'boolean' },
  },
  stats: {
    ...HELP_OPTION,
    ...CONNECTION_OPTIONS,
    ...FILTER_OPTIONS,
    by: { type: 'string' },
    top: { type: 'string' },
    size: { type: 'string' },
    sort: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

const FILTER_USAGE = `Filters (all optional; an order must match every one given):
  --min-amount <n>       payment.amount >= n (major units: 100, 99.5)
  --max-amount <n>       payment.amount <= n
  --since <time>         date >= time: ISO-8601 with Z or an offset (2026-11-21T10:00Z,
                         2026-11-21T11:00+01:00), a UTC date (2026-11-21) or a duration ago (30m, 2h, 1d, 1w)
  --until <time>         date < time (the same forms)
  --customer <id>        customer.id is exactly this (repeat for any of several)
  --sku <sku>            an item's sku is exactly this (repeat for any of several)
  --currency <code>      payment.currency, such as EUR (repeat for any of several)
  --text "<words>"       free text over the notes, item names, customer name and shipping name; every word
                         must match ("-word" excludes, "a | b" either, "\\"exact phrase\\"", "lamp*" prefix)`;

const CONNECTION_USAGE = `Target (the local stack's OpenSearch node unless --stack-name or --endpoint is given):
  --outputs <file>       the local stack's outputs (default .local/outputs.json, written by npm start):
                         its SearchUrl and SearchIndexAlias
  --stack-name <name>    a deployed stack in AWS: SearchUrl and SearchIndexAlias come from its CloudFormation
                         outputs, credentials and Region from the default chain (AWS_PROFILE, AWS_REGION, ...)
  --region <region>      the stack's Region, and the one requests are signed for (default the domain's)
  --endpoint <url>       query this OpenSearch instead of the stack's SearchUrl: http:// is sent plain,
                         https:// (or a bare host name) is signed with SigV4 (service es) unless --no-sign
  --no-sign              do not sign the requests
  --index <name>         the index or alias to query (default the stack's SearchIndexAlias, or orders)

In AWS the requests are signed with the default credentials: their role must be named in the domain's
access policy, such as the stack's analysts role (its output SearchAnalystsRoleArn).`;

const COMMAND_USAGE: Record<CommandName, string> = {
  search: `Usage: npm run orders -- search [filters] [--sort date|amount|relevance[:asc|:desc]] [--size <n>] [--json] [target]

Finds the indexed orders that match every filter given and prints them as a table, newest first: id,
date (UTC), customer id, amount and currency, items (the units: the sum of the quantities) and the
distinct skus; then "N of M matching orders".

${FILTER_USAGE}

Output:
  --size <n>             how many orders to print, 0 to ${MAX_SEARCH_SIZE} (default ${DEFAULT_SEARCH_SIZE}); the count line counts them all
  --sort <field>         date (default), amount or relevance (of --text), highest or newest first;
                         add :asc for lowest or oldest first (amount:asc)
  --json                 print each order as one JSON line, as indexed; the count line goes to stderr

${CONNECTION_USAGE}

  -h, --help             this help`,
  stats: `Usage: npm run orders -- stats [--by day|hour|week|month | --top skus|customers] [filters] [--size <n>] [--json] [target]

Aggregates the orders that match every filter given:
  --by day               orders and revenue (the sum of payment.amount) per UTC day (the default);
                         --by hour, week (from Monday) or month likewise
  --top skus             the skus in the most orders: the orders that hold the sku, and the units sold
  --top customers        the customers with the most orders: their orders and revenue
Revenue is shown per currency ("300.00 EUR + 20.00 USD"), rounded to cents; --currency keeps one.

${FILTER_USAGE}

Output:
  --size <n>             with --top: how many, 1 to ${MAX_TOP_SIZE} (default ${DEFAULT_TOP_SIZE})
  --sort orders|revenue  with --top customers: rank by order count (default) or by revenue
  --json                 one JSON line per row; the summary line goes to stderr

${CONNECTION_USAGE}

  -h, --help             this help`,
};

export const USAGE = `Usage: npm run orders -- <command> [options]

Queries the orders that the search and analytics pipeline indexes in OpenSearch (by default the orders of
100 or more), in the local stack (plain HTTP) or in AWS (requests signed with SigV4).

Commands:
  search    find orders by amount, time, customer, sku, currency and free text; a table or JSON lines
  stats     order count and revenue per day, top skus, top customers, over the same filters

Examples:
  npm run orders -- search --min-amount 100 --since 1d
  npm run orders -- search --customer customer-1001 --sku BOOK-001 --sort amount
  npm run orders -- search --text "brass lamp" --json
  npm run orders -- stats --by day --since 2026-11-01 --until 2026-12-01 --currency EUR
  npm run orders -- stats --top skus --size 5 --since 7d
  npm run orders -- stats --top customers --sort revenue --stack-name checkout --region eu-west-1

Run \`npm run orders -- <command> --help\` for a command's options.`;

export const usageOf = (command?: CommandName) => (command ? COMMAND_USAGE[command] : USAGE);

export interface ConnectionOptions {
  target: TargetOptions;
  endpoint?: string | undefined;
  sign: boolean;
  index?: string | undefined;
}

export type StatsKind = { by: Interval } | { top: 'skus' } | { top: 'customers'; sort: CustomerSort };

export type OrdersArguments =
  | { command: 'help'; text: string }
  | {
      command: 'search';
      connection: ConnectionOptions;
      filters: OrderFilters;
      size: number;
      sort: SearchSort;
      json: boolean;
    }
  | {
      command: 'stats';
      connection: ConnectionOptions;
      filters: OrderFilters;
      kind: StatsKind;
      size: number;
      json: boolean;
    };

/** An http(s) URL, or a bare host name (`search-....es.amazonaws.com`, taken as https). */
const isEndpoint = (text: string) => {
  if (/\s/.test(text)) return false;
  try {
    const url = new URL(openSearchUrl(text));
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

const oneOf = <T extends string>(values: readonly T[], value: string): value is T =>
  (values as readonly string[]).includes(value);

/** A non-negative amount in major units: `100`, `99.5`, `0.99`. */
export const parseAmount = (text: string, label: string): number => {
  const trimmed = text.trim();
  if (!/^\d+(?:\.\d+)?$/.test(trimmed)) {
    throw new UsageError(`${label}: "${text}" is not an amount (a number such as 100 or 99.50)`);
  }
  return Number(trimmed);
};

/** A whole number from `min` to `max`. */
export const parseSize = (text: string, label: string, min: number, max: number): number => {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || value < min || value > max) {
    throw new UsageError(`${label}: "${text}" is not a whole number from ${min} to ${max}`);
  }
  return value;
};

/** `date`, `amount:asc`, `relevance`: the field and the order (highest or newest first by default). */
export const parseSort = (text: string): SearchSort => {
  const [field = '', order = 'desc', ...rest] = text.trim().toLowerCase().split(':');
  if (!oneOf(SORT_FIELDS, field) || !oneOf(['asc', 'desc'] as const, order) || rest.length > 0) {
    throw new UsageError(
      `--sort: "${text}" is not one of ${SORT_FIELDS.join(', ')} (optionally with :asc or :desc, as in amount:asc)`,
    );
  }
  return { field, order };
};

const CURRENCY = /^[A-Za-z]{3}$/;

/** The filters of both commands; amounts and times checked, currencies upper-cased. */
export const parseFilters = (
  values: {
    'min-amount'?: string | undefined;
    'max-amount'?: string | undefined;
    since?: string | undefined;
    until?: string | undefined;
    customer?: string[] | undefined;
    sku?: string[] | undefined;
    currency?: string[] | undefined;
    text?: string | undefined;
  },
  now: Date,
): OrderFilters => {
  const filters: OrderFilters = { customers: [], skus: [], currencies: [] };
  if (values['min-amount'] !== undefined)
    filters.minAmount = parseAmount(values['min-amount'], '--min-amount');
  if (values['max-amount'] !== undefined)
    filters.maxAmount = parseAmount(values['max-amount'], '--max-amount');
  if (
    filters.minAmount !== undefined &&
    filters.maxAmount !== undefined &&
    filters.maxAmount < filters.minAmount
  ) {
    throw new UsageError(`--max-amount (${filters.maxAmount}) is below --min-amount (${filters.minAmount})`);
  }
  if (values.since !== undefined) filters.since = parseTime(values.since, now, '--since');
  if (values.until !== undefined) filters.until = parseTime(values.until, now, '--until');
  if (filters.since && filters.until && filters.until <= filters.since) {
    throw new UsageError(
      `--until (${filters.until.toISOString()}) must be after --since (${filters.since.toISOString()})`,
    );
  }
  const nonEmpty = (list: string[] | undefined, label: string) =>
    (list ?? []).map((value) => {
      if (value.trim() === '') throw new UsageError(`${label} needs a value`);
      return value.trim();
    });
  filters.customers = nonEmpty(values.customer, '--customer');
  filters.skus = nonEmpty(values.sku, '--sku');
  filters.currencies = nonEmpty(values.currency, '--currency').map((currency) => {
    if (!CURRENCY.test(currency)) {
      throw new UsageError(`--currency: "${currency}" is not a currency code (three letters, such as EUR)`);
    }
    return currency.toUpperCase();
  });
  if (values.text !== undefined) filters.text = values.text.trim();
  return filters;
};

const connectionOf = (values: {
  'stack-name'?: string | undefined;
  region?: string | undefined;
  outputs?: string | undefined;
  endpoint?: string | undefined;
  'no-sign'?: boolean | undefined;
  index?: string | undefined;
}): ConnectionOptions => {
  if (values.endpoint !== undefined && !isEndpoint(values.endpoint.trim())) {
    throw new UsageError(
      `--endpoint: "${values.endpoint}" is not a URL (http://127.0.0.1:9200, https://...)`,
    );
  }
  if (values.index !== undefined && /[\s,*"\\/?#<>|]/.test(values.index)) {
    throw new UsageError(`--index: "${values.index}" is not an index or alias name`);
  }
  return {
    target: { stackName: values['stack-name'], region: values.region, outputsFile: values.outputs },
    endpoint: values.endpoint?.trim(),
    sign: !values['no-sign'],
    index: values.index?.trim(),
  };
};

const statsKindOf = (values: {
  by?: string | undefined;
  top?: string | undefined;
  sort?: string | undefined;
}) => {
  if (values.by !== undefined && values.top !== undefined) {
    throw new UsageError('give either --by or --top, not both');
  }
  if (values.top !== undefined) {
    const top = values.top.trim().toLowerCase();
    if (!oneOf(TOPS, top)) throw new UsageError(`--top: "${values.top}" is not one of ${TOPS.join(', ')}`);
    if (top === 'skus') {
      if (values.sort !== undefined) {
        throw new UsageError('--sort is for --top customers (the skus are ranked by their orders)');
      }
      return { top } as const;
    }
    const sort = (values.sort ?? 'orders').trim().toLowerCase();
    if (!oneOf(CUSTOMER_SORTS, sort)) {
      throw new UsageError(`--sort: "${values.sort}" is not one of ${CUSTOMER_SORTS.join(', ')}`);
    }
    return { top, sort } as const;
  }
  if (values.sort !== undefined) throw new UsageError('--sort is for --top customers');
  const by = (values.by ?? 'day').trim().toLowerCase();
  if (!oneOf(INTERVALS, by))
    throw new UsageError(`--by: "${values.by}" is not one of ${INTERVALS.join(', ')}`);
  return { by } as const;
};

/** Parses `argv` (what follows `npm run orders --`); usage errors are thrown as UsageError. */
export const parseOrdersArguments = (argv: readonly string[], now: Date): OrdersArguments => {
  const selected = selectCommand(argv, COMMANDS, USAGE, usageOf);
  if ('help' in selected) return { command: 'help', text: selected.help };
  const { command, args } = selected;
  switch (command) {
    case 'search': {
      const values = parseOptions(args, OPTIONS.search);
      return {
        command,
        connection: connectionOf(values),
        filters: parseFilters(values, now),
        size:
          values.size === undefined
            ? DEFAULT_SEARCH_SIZE
            : parseSize(values.size, '--size', 0, MAX_SEARCH_SIZE),
        sort: values.sort === undefined ? { field: 'date', order: 'desc' } : parseSort(values.sort),
        json: values.json ?? false,
      };
    }
    case 'stats': {
      const values = parseOptions(args, OPTIONS.stats);
      const kind = statsKindOf(values);
      if ('by' in kind && values.size !== undefined) {
        throw new UsageError('--size is for --top (--by shows every period of the range)');
      }
      return {
        command,
        connection: connectionOf(values),
        filters: parseFilters(values, now),
        kind,
        size:
          values.size === undefined ? DEFAULT_TOP_SIZE : parseSize(values.size, '--size', 1, MAX_TOP_SIZE),
        json: values.json ?? false,
      };
    }
  }
};
