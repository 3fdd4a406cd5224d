/**
 * The OpenSearch request bodies of `npm run orders`, built from the filters on the command line. The field
 * names and types are those of the order index template (src/domain/search/order-index.ts): payment.amount
 * is a scaled_float, date a date, customer.id, items.sku and payment.currency keywords, the names text.
 */
import type { CustomerSort, Interval, SearchSort } from './options';

export interface OrderFilters {
  /** payment.amount >= minAmount. */
  minAmount?: number;
  /** payment.amount <= maxAmount. */
  maxAmount?: number;
  /** date >= since. */
  since?: Date;
  /** date < until. */
  until?: Date;
  /** customer.id is one of these (none: any). */
  customers: string[];
  /** An item's sku is one of these (none: any). */
  skus: string[];
  /** payment.currency is one of these (none: any). */
  currencies: string[];
  /** Free text over TEXT_FIELDS; every word must match. */
  text?: string;
}

export type QueryClause = Record<string, unknown>;
export type RequestBody = Record<string, unknown>;

/** The text fields `--text` searches: the customer's notes, the item names, the customer and shipping names. */
export const TEXT_FIELDS = ['notes', 'items.name', 'customer.name', 'shipping.name'] as const;

export const FIELDS = {
  amount: 'payment.amount',
  currency: 'payment.currency',
  date: 'date',
  customer: 'customer.id',
  customerName: 'customer.name',
  sku: 'items.sku',
  id: 'id',
} as const;

/** `term` for one value, `terms` for several, nothing for none. */
const termsOf = (field: string, values: readonly string[]): QueryClause[] => {
  if (values.length === 0) return [];
  if (values.length === 1) return [{ term: { [field]: values[0] } }];
  return [{ terms: { [field]: [...values] } }];
};

/**
 * The query of both commands: exact conditions in `bool.filter` (not scored, cacheable), the free text in
 * `bool.must` (scored, so that `--sort relevance` means something); every order (an `id`) without filters.
 */
export const orderQuery = (filters: OrderFilters): QueryClause => {
  const filter: QueryClause[] = [];
  if (filters.minAmount !== undefined || filters.maxAmount !== undefined) {
    filter.push({
      range: {
        [FIELDS.amount]: {
          ...(filters.minAmount === undefined ? {} : { gte: filters.minAmount }),
          ...(filters.maxAmount === undefined ? {} : { lte: filters.maxAmount }),
        },
      },
    });
  }
  if (filters.since || filters.until) {
    filter.push({
      range: {
        [FIELDS.date]: {
          ...(filters.since ? { gte: filters.since.toISOString() } : {}),
          ...(filters.until ? { lt: filters.until.toISOString() } : {}),
          format: 'strict_date_optional_time',
        },
      },
    });
  }
  filter.push(...termsOf(FIELDS.customer, filters.customers));
  filter.push(...termsOf(FIELDS.sku, filters.skus));
  filter.push(...termsOf(FIELDS.currency, filters.currencies));
  const must: QueryClause[] =
    filters.text === undefined || filters.text === ''
      ? []
      : [
          {
            simple_query_string: {
              query: filters.text,
              fields: [...TEXT_FIELDS],
              default_operator: 'and',
            },
          },
        ];
  // Every filter above needs an order's field; without any, the documents that are orders are those with an
  // id (a record the card-data transform quarantined is indexed as {"quarantine": ...}).
  if (filter.length === 0 && must.length === 0) return { exists: { field: FIELDS.id } };
  return { bool: { ...(filter.length > 0 ? { filter } : {}), ...(must.length > 0 ? { must } : {}) } };
};

const SORT_FIELD = { date: FIELDS.date, amount: FIELDS.amount, relevance: '_score' } as const;

/**
 * Up to how many distinct order ids a count is (all but) exact: OpenSearch's highest `precision_threshold`.
 * Below it the cardinality aggregation keeps the ids' hashes in a set (a few bytes an id, so cheap even per
 * histogram bucket): exact for a few thousand orders, off by one or two at 10,000 to 40,000 (measured on the
 * local node); above it, a HyperLogLog estimate within about 1 %. A plain document count would count an order
 * twice had it been indexed twice: the one-per-order ingest pipeline prevents that, this covers the
 * documents indexed before it existed.
 */
export const EXACT_ORDER_COUNT_UP_TO = 40_000;

/** The number of distinct orders (order ids) among the documents of a bucket, or of the whole search. */
export const orderCount = {
  cardinality: { field: FIELDS.id, precision_threshold: EXACT_ORDER_COUNT_UP_TO },
} as const;

/**
 * `search`: the orders themselves, sorted, once each, with the count of all that match. `collapse` keeps one
 * document per order id (the first in the sort), should an order be indexed more than once.
 */
export const searchRequest = (
  filters: OrderFilters,
  { size, sort }: { size: number; sort: SearchSort },
): RequestBody => ({
  query: orderQuery(filters),
  size,
  collapse: { field: FIELDS.id },
  // The documents that match, which is the number of orders unless one was indexed twice; `orders` counts
  // the orders.
  track_total_hits: true,
  aggs: { orders: orderCount },
  // Ties (same date, same amount, same score) keep a stable order: the newest, then the id.
  sort: [
    { [SORT_FIELD[sort.field]]: { order: sort.order } },
    ...(sort.field === 'date' ? [] : [{ [FIELDS.date]: { order: 'desc' } }]),
    { [FIELDS.id]: { order: 'asc' } },
  ],
});

/** The most currencies one revenue figure is split into. */
export const MAX_CURRENCIES = 20;

/**
 * The orders (distinct order ids) and the revenue, the sum of payment.amount, in total and per currency. The
 * revenue sums documents: the one-per-order pipeline keeps one document per order (per rotated index of the
 * order's date, the only index it files an order under).
 */
const revenueAggregations = {
  orders: orderCount,
  revenue: { sum: { field: FIELDS.amount } },
  currencies: {
    terms: { field: FIELDS.currency, size: MAX_CURRENCIES, order: [{ _count: 'desc' }, { _key: 'asc' }] },
    aggs: { revenue: { sum: { field: FIELDS.amount } } },
  },
};

/** `stats --by day` (or hour, week, month): a UTC date histogram with order count and revenue per period. */
export const histogramRequest = (filters: OrderFilters, interval: Interval, now: Date): RequestBody => {
  // Periods without orders are shown too: from --since (or the first order) to --until (or the last order,
  // or now when only --since is given).
  const last = filters.until ? new Date(filters.until.getTime() - 1) : filters.since ? now : undefined;
  const bounds =
    filters.since || last
      ? {
          extended_bounds: {
            ...(filters.since ? { min: filters.since.toISOString() } : {}),
            ...(last && (!filters.since || last >= filters.since) ? { max: last.toISOString() } : {}),
          },
        }
      : {};
  return {
    query: orderQuery(filters),
    size: 0,
    track_total_hits: true,
    aggs: {
      ...revenueAggregations,
      periods: {
        date_histogram: {
          field: FIELDS.date,
          calendar_interval: interval,
          time_zone: 'UTC',
          min_doc_count: 0,
          ...bounds,
        },
        aggs: revenueAggregations,
      },
    },
  };
};

/** `stats --top skus`, first request: the skus in the most orders (`orders`: the orders holding the sku). */
export const topSkusRequest = (filters: OrderFilters, size: number): RequestBody => ({
  query: orderQuery(filters),
  size: 0,
  track_total_hits: true,
  aggs: {
    ...revenueAggregations,
    distinct: { cardinality: { field: FIELDS.sku } },
    skus: {
      terms: { field: FIELDS.sku, size, order: [{ orders: 'desc' }, { _key: 'asc' }] },
      aggs: { orders: orderCount },
    },
  },
});

/**
 * Units sold per sku, summed over each order's items in `_source`. `items` is an object array, not a nested
 * field, so a terms aggregation on items.sku cannot tell which quantity belongs to which sku: a
 * scripted_metric reads every matching order's items instead. Limited to the skus asked for (the top N),
 * and to the orders that hold one of them.
 */
export const SKU_QUANTITIES_SCRIPT = {
  init_script: 'state.quantities = new HashMap()',
  map_script: [
    'def items = params._source.items;',
    'if (items instanceof List) {',
    '  for (def item : items) {',
    '    if (item instanceof Map && item.sku != null && params.skus.contains(item.sku) && item.quantity instanceof Number) {',
    '      state.quantities.merge(item.sku, ((Number) item.quantity).longValue(), (a, b) -> a + b);',
    '    }',
    '  }',
    '}',
  ].join('\n'),
  combine_script: 'return state.quantities',
  reduce_script: [
    'Map total = new HashMap();',
    'for (def shard : states) {',
    '  if (shard != null) {',
    '    for (def entry : shard.entrySet()) { total.merge(entry.getKey(), entry.getValue(), (a, b) -> a + b); }',
    '  }',
    '}',
    'return total',
  ].join('\n'),
} as const;

/** `stats --top skus`, second request: the units sold of the top skus. */
export const skuQuantitiesRequest = (filters: OrderFilters, skus: readonly string[]): RequestBody => ({
  query: orderQuery({ ...filters, skus: filters.skus.length > 0 ? filters.skus : [...skus] }),
  size: 0,
  aggs: {
    quantities: {
      scripted_metric: { params: { skus: [...skus] }, ...SKU_QUANTITIES_SCRIPT },
    },
  },
});

/** `stats --top customers`: the customers with the most orders (or revenue), with their latest name. */
export const topCustomersRequest = (
  filters: OrderFilters,
  size: number,
  sort: CustomerSort,
): RequestBody => ({
  query: orderQuery(filters),
  size: 0,
  track_total_hits: true,
  aggs: {
    ...revenueAggregations,
    distinct: { cardinality: { field: FIELDS.customer } },
    customers: {
      terms: {
        field: FIELDS.customer,
        size,
        order: [
          sort === 'revenue' ? { revenue: 'desc' } : { orders: 'desc' },
          sort === 'revenue' ? { orders: 'desc' } : { revenue: 'desc' },
          { _key: 'asc' },
        ],
      },
      aggs: {
        ...revenueAggregations,
        latest: {
          top_hits: {
            size: 1,
            sort: [{ [FIELDS.date]: { order: 'desc' } }],
            _source: { includes: [FIELDS.customerName] },
          },
        },
      },
    },
  },
});
