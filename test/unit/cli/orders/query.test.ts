import {
  EXACT_ORDER_COUNT_UP_TO,
  histogramRequest,
  type OrderFilters,
  orderCount,
  orderQuery,
  SKU_QUANTITIES_SCRIPT,
  searchRequest,
  skuQuantitiesRequest,
  TEXT_FIELDS,
  topCustomersRequest,
  topSkusRequest,
} from '../../../../cli/orders/query';
import { ORDER_MAPPINGS } from '../../../../src/domain/search';

const NOW = new Date('2026-11-21T10:15:30Z');
const filters = (overrides: Partial<OrderFilters> = {}): OrderFilters => ({
  customers: [],
  skus: [],
  currencies: [],
  ...overrides,
});

/** The type of a field in the index template's mappings (`payment.amount` -> scaled_float). */
const mappedType = (path: string): string | undefined => {
  let properties: Record<string, unknown> = ORDER_MAPPINGS.properties;
  const parts = path.split('.');
  for (const [index, part] of parts.entries()) {
    const field = properties[part] as { type?: string; properties?: Record<string, unknown> } | undefined;
    if (index === parts.length - 1) return field?.type;
    properties = field?.properties ?? {};
  }
  return undefined;
};

describe('building the OpenSearch query', () => {
  it('matches every order without filters, and no quarantined record (a document without an id)', () => {
    expect(orderQuery(filters())).toEqual({ exists: { field: 'id' } });
  });

  it('filters on a range of payment.amount, inclusive at both ends', () => {
    expect(orderQuery(filters({ minAmount: 100 }))).toEqual({
      bool: { filter: [{ range: { 'payment.amount': { gte: 100 } } }] },
    });
    expect(orderQuery(filters({ maxAmount: 250.5 }))).toEqual({
      bool: { filter: [{ range: { 'payment.amount': { lte: 250.5 } } }] },
    });
    expect(orderQuery(filters({ minAmount: 0, maxAmount: 99.99 }))).toEqual({
      bool: { filter: [{ range: { 'payment.amount': { gte: 0, lte: 99.99 } } }] },
    });
  });

  it('filters on a range of date, from --since inclusive to --until exclusive, as ISO instants', () => {
    expect(
      orderQuery(
        filters({ since: new Date('2026-11-20T00:00:00Z'), until: new Date('2026-11-21T00:00:00Z') }),
      ),
    ).toEqual({
      bool: {
        filter: [
          {
            range: {
              date: {
                gte: '2026-11-20T00:00:00.000Z',
                lt: '2026-11-21T00:00:00.000Z',
                format: 'strict_date_optional_time',
              },
            },
          },
        ],
      },
    });
    expect(orderQuery(filters({ since: new Date('2026-11-20T00:00:00Z') }))).toEqual({
      bool: {
        filter: [
          { range: { date: { gte: '2026-11-20T00:00:00.000Z', format: 'strict_date_optional_time' } } },
        ],
      },
    });
  });

  it('filters on the exact customer id, sku and currency with term queries', () => {
    expect(orderQuery(filters({ customers: ['customer-1001'] }))).toEqual({
      bool: { filter: [{ term: { 'customer.id': 'customer-1001' } }] },
    });
    expect(orderQuery(filters({ skus: ['BOOK-001'] }))).toEqual({
      bool: { filter: [{ term: { 'items.sku': 'BOOK-001' } }] },
    });
    expect(orderQuery(filters({ currencies: ['EUR'] }))).toEqual({
      bool: { filter: [{ term: { 'payment.currency': 'EUR' } }] },
    });
  });

  it('uses a terms query for several values of one filter', () => {
    expect(orderQuery(filters({ skus: ['A', 'B'] }))).toEqual({
      bool: { filter: [{ terms: { 'items.sku': ['A', 'B'] } }] },
    });
  });

  it('searches free text with simple_query_string over the notes, item names, customer and shipping names, every word required', () => {
    expect(orderQuery(filters({ text: 'brass lamp' }))).toEqual({
      bool: {
        must: [
          {
            simple_query_string: {
              query: 'brass lamp',
              fields: ['notes', 'items.name', 'customer.name', 'shipping.name'],
              default_operator: 'and',
            },
          },
        ],
      },
    });
  });

  it('combines every filter in bool.filter and the text in bool.must', () => {
    const query = orderQuery(
      filters({
        minAmount: 100,
        since: new Date('2026-11-20T00:00:00Z'),
        customers: ['c-1'],
        skus: ['BOOK-001'],
        currencies: ['EUR'],
        text: 'lamp',
      }),
    ) as { bool: { filter: unknown[]; must: unknown[] } };
    expect(query.bool.filter).toHaveLength(5);
    expect(query.bool.must).toHaveLength(1);
  });

  it('only names fields with the types the index template gives them', () => {
    expect(mappedType('payment.amount')).toBe('scaled_float');
    expect(mappedType('date')).toBe('date');
    for (const keyword of ['id', 'customer.id', 'items.sku', 'payment.currency']) {
      expect(mappedType(keyword)).toBe('keyword');
    }
    for (const field of TEXT_FIELDS) expect(mappedType(field)).toBe('text');
  });
});

describe('the search request', () => {
  it('asks for the size given, one hit per order id, the orders counted, newest first, with the id as tie-breaker', () => {
    expect(searchRequest(filters(), { size: 20, sort: { field: 'date', order: 'desc' } })).toEqual({
      query: { exists: { field: 'id' } },
      size: 20,
      collapse: { field: 'id' },
      track_total_hits: true,
      aggs: { orders: { cardinality: { field: 'id', precision_threshold: 40_000 } } },
      sort: [{ date: { order: 'desc' } }, { id: { order: 'asc' } }],
    });
  });

  it('counts the orders exactly up to the highest precision OpenSearch allows', () => {
    expect(EXACT_ORDER_COUNT_UP_TO).toBe(40_000);
    expect(orderCount).toEqual({
      cardinality: { field: 'id', precision_threshold: EXACT_ORDER_COUNT_UP_TO },
    });
  });

  it('sorts by amount or relevance, then newest first', () => {
    expect(searchRequest(filters(), { size: 5, sort: { field: 'amount', order: 'asc' } }).sort).toEqual([
      { 'payment.amount': { order: 'asc' } },
      { date: { order: 'desc' } },
      { id: { order: 'asc' } },
    ]);
    expect(searchRequest(filters(), { size: 5, sort: { field: 'relevance', order: 'desc' } }).sort).toEqual([
      { _score: { order: 'desc' } },
      { date: { order: 'desc' } },
      { id: { order: 'asc' } },
    ]);
  });
});

describe('the aggregation requests', () => {
  const revenue = {
    orders: { cardinality: { field: 'id', precision_threshold: 40_000 } },
    revenue: { sum: { field: 'payment.amount' } },
    currencies: {
      terms: { field: 'payment.currency', size: 20, order: [{ _count: 'desc' }, { _key: 'asc' }] },
      aggs: { revenue: { sum: { field: 'payment.amount' } } },
    },
  };

  it('counts the orders by id and sums per UTC day with a date histogram, empty days included', () => {
    const body = histogramRequest(filters({ minAmount: 100 }), 'day', NOW);
    expect(body).toMatchObject({
      query: { bool: { filter: [{ range: { 'payment.amount': { gte: 100 } } }] } },
      size: 0,
      track_total_hits: true,
      aggs: {
        ...revenue,
        periods: {
          date_histogram: { field: 'date', calendar_interval: 'day', time_zone: 'UTC', min_doc_count: 0 },
          aggs: revenue,
        },
      },
    });
    expect((body.aggs as { periods: { date_histogram: object } }).periods.date_histogram).not.toHaveProperty(
      'extended_bounds',
    );
  });

  it('extends the histogram from --since to the last instant before --until, or to now', () => {
    const bounded = histogramRequest(
      filters({ since: new Date('2026-11-19T00:00:00Z'), until: new Date('2026-11-22T00:00:00Z') }),
      'day',
      NOW,
    );
    expect(bounded).toMatchObject({
      aggs: {
        periods: {
          date_histogram: {
            extended_bounds: { min: '2026-11-19T00:00:00.000Z', max: '2026-11-21T23:59:59.999Z' },
          },
        },
      },
    });
    expect(histogramRequest(filters({ since: new Date('2026-11-19T00:00:00Z') }), 'week', NOW)).toMatchObject(
      {
        aggs: {
          periods: {
            date_histogram: {
              calendar_interval: 'week',
              extended_bounds: { min: '2026-11-19T00:00:00.000Z', max: NOW.toISOString() },
            },
          },
        },
      },
    );
  });

  it('ranks the skus by the orders (ids) that hold them, with their distinct count', () => {
    expect(topSkusRequest(filters({ currencies: ['EUR'] }), 5)).toEqual({
      query: { bool: { filter: [{ term: { 'payment.currency': 'EUR' } }] } },
      size: 0,
      track_total_hits: true,
      aggs: {
        ...revenue,
        distinct: { cardinality: { field: 'items.sku' } },
        skus: {
          terms: { field: 'items.sku', size: 5, order: [{ orders: 'desc' }, { _key: 'asc' }] },
          aggs: { orders: { cardinality: { field: 'id', precision_threshold: 40_000 } } },
        },
      },
    });
  });

  it('sums the units of the top skus with a scripted metric over the orders that hold them', () => {
    expect(skuQuantitiesRequest(filters({ minAmount: 100 }), ['A', 'B'])).toEqual({
      query: {
        bool: {
          filter: [{ range: { 'payment.amount': { gte: 100 } } }, { terms: { 'items.sku': ['A', 'B'] } }],
        },
      },
      size: 0,
      aggs: { quantities: { scripted_metric: { params: { skus: ['A', 'B'] }, ...SKU_QUANTITIES_SCRIPT } } },
    });
    // A --sku filter keeps its own set of orders: the top skus' units within the orders holding it.
    expect(skuQuantitiesRequest(filters({ skus: ['A'] }), ['A', 'B']).query).toEqual({
      bool: { filter: [{ term: { 'items.sku': 'A' } }] },
    });
    expect(SKU_QUANTITIES_SCRIPT.map_script).toContain('params._source.items');
  });

  it('ranks the customers by orders (ids), or by revenue, with their revenue and latest name', () => {
    const byOrders = topCustomersRequest(filters(), 3, 'orders');
    expect(byOrders).toMatchObject({
      size: 0,
      track_total_hits: true,
      aggs: {
        ...revenue,
        distinct: { cardinality: { field: 'customer.id' } },
        customers: {
          terms: {
            field: 'customer.id',
            size: 3,
            order: [{ orders: 'desc' }, { revenue: 'desc' }, { _key: 'asc' }],
          },
          aggs: {
            ...revenue,
            latest: {
              top_hits: {
                size: 1,
                sort: [{ date: { order: 'desc' } }],
                _source: { includes: ['customer.name'] },
              },
            },
          },
        },
      },
    });
    expect(topCustomersRequest(filters(), 3, 'revenue')).toMatchObject({
      aggs: { customers: { terms: { order: [{ revenue: 'desc' }, { orders: 'desc' }, { _key: 'asc' }] } } },
    });
  });
});
