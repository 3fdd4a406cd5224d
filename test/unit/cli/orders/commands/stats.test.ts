import {
  customerReport,
  periodLabel,
  periodReport,
  skuReport,
  statsCommand,
} from '../../../../../cli/orders/commands/stats';
import type { SearchResponseBody } from '../../../../../cli/orders/search-response';

const NOW = new Date('2026-11-23T12:00:00Z');
const FILTERS = { customers: [], skus: [], currencies: [] };

const currencies = (entries: [string, number, number][]) => ({
  buckets: entries.map(([key, doc_count, value]) => ({ key, doc_count, revenue: { value } })),
});

const response = (aggregations: Record<string, unknown>, total: number): SearchResponseBody => ({
  hits: { total: { value: total, relation: 'eq' }, hits: [] },
  aggregations,
});

const DAYS = response(
  {
    revenue: { value: 460.27000000000004 },
    currencies: currencies([['EUR', 3, 460.27000000000004]]),
    periods: {
      buckets: [
        {
          key: Date.parse('2026-11-20T00:00:00Z'),
          doc_count: 2,
          revenue: { value: 260.07000000000005 },
          currencies: currencies([['EUR', 2, 260.07000000000005]]),
        },
        {
          key: Date.parse('2026-11-21T00:00:00Z'),
          doc_count: 0,
          revenue: { value: 0 },
          currencies: currencies([]),
        },
        {
          key: Date.parse('2026-11-22T00:00:00Z'),
          doc_count: 1,
          revenue: { value: 200.2 },
          currencies: currencies([['EUR', 1, 200.2]]),
        },
      ],
    },
  },
  3,
);

const capture = () => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => stdout.push(text) },
      stderr: { write: (text: string) => stderr.push(text) },
      now: () => NOW,
    },
    stdout: () => stdout.join(''),
    stderr: () => stderr.join(''),
  };
};

describe('period labels', () => {
  it('names hours, days, weeks (by their Monday) and months in UTC', () => {
    const start = new Date('2026-11-16T09:00:00Z');
    expect(periodLabel(start, 'hour')).toBe('2026-11-16T09:00Z');
    expect(periodLabel(start, 'day')).toBe('2026-11-16');
    expect(periodLabel(start, 'week')).toBe('2026-11-16');
    expect(periodLabel(start, 'month')).toBe('2026-11');
  });
});

describe('the per-day report', () => {
  it('has one row per day with the order count and the revenue rounded to cents, empty days included', () => {
    const report = periodReport(DAYS, 'day');
    expect(report.rows).toEqual([
      ['2026-11-20', '2', '260.07 EUR'],
      ['2026-11-21', '0', '0.00'],
      ['2026-11-22', '1', '200.20 EUR'],
    ]);
    expect(report.json).toEqual([
      { day: '2026-11-20', orders: 2, revenue: 260.07, revenueByCurrency: { EUR: 260.07 } },
      { day: '2026-11-21', orders: 0, revenue: 0, revenueByCurrency: {} },
      { day: '2026-11-22', orders: 1, revenue: 200.2, revenueByCurrency: { EUR: 200.2 } },
    ]);
    expect(report.summary).toBe(
      '3 matching orders, revenue 460.27 EUR, per day (UTC), from 2026-11-20 to 2026-11-22',
    );
  });

  it('splits revenue in several currencies instead of adding them up', () => {
    const report = periodReport(
      response(
        {
          revenue: { value: 320 },
          currencies: currencies([
            ['EUR', 2, 300],
            ['USD', 1, 20],
          ]),
          periods: {
            buckets: [
              {
                key: Date.parse('2026-11-01T00:00:00Z'),
                doc_count: 3,
                revenue: { value: 320 },
                currencies: currencies([
                  ['EUR', 2, 300],
                  ['USD', 1, 20],
                ]),
              },
            ],
          },
        },
        3,
      ),
      'month',
    );
    expect(report.header).toEqual(['MONTH', 'ORDERS', 'REVENUE']);
    expect(report.rows).toEqual([['2026-11', '3', '300.00 EUR + 20.00 USD']]);
    expect(report.json).toEqual([
      { month: '2026-11', orders: 3, revenue: 320, revenueByCurrency: { EUR: 300, USD: 20 } },
    ]);
  });
});

describe('the top skus report', () => {
  const SKUS = response(
    {
      distinct: { value: 5 },
      skus: {
        buckets: [
          { key: 'BOOK-001', doc_count: 3 },
          { key: 'LAMP-007', doc_count: 2 },
        ],
      },
    },
    6,
  );

  it('shows the orders holding each sku and the units sold', () => {
    const report = skuReport(SKUS, { 'BOOK-001': 7, 'LAMP-007': 2 });
    expect(report.rows).toEqual([
      ['BOOK-001', '3', '7'],
      ['LAMP-007', '2', '2'],
    ]);
    expect(report.json).toEqual([
      { sku: 'BOOK-001', orders: 3, quantity: 7 },
      { sku: 'LAMP-007', orders: 2, quantity: 2 },
    ]);
    expect(report.summary).toMatch(/^top 2 of 5 skus, in 6 matching orders /);
  });

  it('shows - for the units sold when they could not be summed', () => {
    expect(skuReport(SKUS, undefined).rows).toEqual([
      ['BOOK-001', '3', '-'],
      ['LAMP-007', '2', '-'],
    ]);
    expect(skuReport(SKUS, undefined).json[0]).toEqual({ sku: 'BOOK-001', orders: 3, quantity: null });
  });
});

describe('the top customers report', () => {
  it('shows each customer with the latest name, orders and revenue', () => {
    const report = customerReport(
      response(
        {
          revenue: { value: 460.27 },
          currencies: currencies([['EUR', 3, 460.27]]),
          distinct: { value: 2 },
          customers: {
            buckets: [
              {
                key: 'c-1',
                doc_count: 2,
                revenue: { value: 360.16999999999996 },
                currencies: currencies([['EUR', 2, 360.16999999999996]]),
                latest: { hits: { hits: [{ _source: { customer: { name: 'Ada Lovelace' } } }] } },
              },
              {
                key: 'c-2',
                doc_count: 1,
                revenue: { value: 100.1 },
                currencies: currencies([['EUR', 1, 100.1]]),
                latest: { hits: { hits: [{ _source: {} }] } },
              },
            ],
          },
        },
        3,
      ),
      'orders',
    );
    expect(report.rows).toEqual([
      ['c-1', 'Ada Lovelace', '2', '360.17 EUR'],
      ['c-2', '-', '1', '100.10 EUR'],
    ]);
    expect(report.json).toEqual([
      {
        customer: 'c-1',
        name: 'Ada Lovelace',
        orders: 2,
        revenue: 360.17,
        revenueByCurrency: { EUR: 360.17 },
      },
      { customer: 'c-2', name: null, orders: 1, revenue: 100.1, revenueByCurrency: { EUR: 100.1 } },
    ]);
    expect(report.summary).toBe('top 2 of 2 customers by orders, in 3 matching orders, revenue 460.27 EUR');
  });
});

describe('the reports of orders indexed more than once', () => {
  // Each order id counted by the `orders` cardinality aggregation: 3 orders in 4 documents, one of them indexed
  // twice before the one-per-order pipeline existed.
  const orders = (value: number) => ({ orders: { value } });

  it('count the distinct order ids per period and in all, not the documents', () => {
    const report = periodReport(
      response(
        {
          ...orders(3),
          revenue: { value: 300 },
          periods: {
            buckets: [
              {
                key: Date.parse('2026-11-20T00:00:00Z'),
                doc_count: 3,
                ...orders(2),
                revenue: { value: 200 },
              },
              {
                key: Date.parse('2026-11-21T00:00:00Z'),
                doc_count: 1,
                ...orders(1),
                revenue: { value: 100 },
              },
            ],
          },
        },
        4,
      ),
      'day',
    );
    expect(report.rows.map((row) => row.slice(0, 2))).toEqual([
      ['2026-11-20', '2'],
      ['2026-11-21', '1'],
    ]);
    expect(report.summary).toMatch(/^3 matching orders,/);
  });

  it('count the distinct orders holding each sku', () => {
    const report = skuReport(
      response({ ...orders(3), skus: { buckets: [{ key: 'A', doc_count: 4, ...orders(3) }] } }, 4),
      { A: 3 },
    );
    expect(report.json).toEqual([{ sku: 'A', orders: 3, quantity: 3 }]);
    expect(report.summary).toMatch(/, in 3 matching orders /);
  });

  it('count the distinct orders of each customer', () => {
    const report = customerReport(
      response({ ...orders(3), customers: { buckets: [{ key: 'c-1', doc_count: 4, ...orders(3) }] } }, 4),
      'orders',
    );
    expect(report.json[0]).toMatchObject({ customer: 'c-1', orders: 3 });
    expect(report.summary).toMatch(/, in 3 matching orders,/);
  });
});

describe('orders stats', () => {
  it('prints the per-day table and the summary line', async () => {
    const out = capture();
    await statsCommand(
      async () => DAYS,
      { filters: FILTERS, kind: { by: 'day' }, size: 10, json: false },
      out.io,
    );
    expect(out.stdout()).toBe(
      [
        'DAY         ORDERS     REVENUE',
        '2026-11-20       2  260.07 EUR',
        '2026-11-21       0        0.00',
        '2026-11-22       1  200.20 EUR',
        '3 matching orders, revenue 460.27 EUR, per day (UTC), from 2026-11-20 to 2026-11-22',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON lines with --json and the summary on stderr', async () => {
    const out = capture();
    await statsCommand(
      async () => DAYS,
      { filters: FILTERS, kind: { by: 'day' }, size: 10, json: true },
      out.io,
    );
    expect(
      out
        .stdout()
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toHaveLength(3);
    expect(out.stderr()).toMatch(/^3 matching orders/);
  });

  it('asks for the units of the top skus in a second request', async () => {
    const bodies: Record<string, unknown>[] = [];
    const search = async (body: Record<string, unknown>): Promise<SearchResponseBody> => {
      bodies.push(body);
      if (bodies.length === 1) {
        return response({ distinct: { value: 1 }, skus: { buckets: [{ key: 'A', doc_count: 2 }] } }, 2);
      }
      return response({ quantities: { value: { A: 5 } } }, 2);
    };
    const out = capture();
    await statsCommand(search, { filters: FILTERS, kind: { top: 'skus' }, size: 3, json: true }, out.io);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toMatchObject({
      aggs: { quantities: { scripted_metric: { params: { skus: ['A'] } } } },
    });
    expect(JSON.parse(out.stdout())).toEqual({ sku: 'A', orders: 2, quantity: 5 });
  });

  it('still shows the order counts of the top skus when the cluster refuses the script', async () => {
    let calls = 0;
    const search = async (): Promise<SearchResponseBody> => {
      calls += 1;
      if (calls === 1) return response({ skus: { buckets: [{ key: 'A', doc_count: 2 }] } }, 2);
      throw Object.assign(new Error('script_exception'), {
        name: 'ResponseError',
        meta: { statusCode: 400 },
      });
    };
    const out = capture();
    await statsCommand(search, { filters: FILTERS, kind: { top: 'skus' }, size: 3, json: false }, out.io);
    expect(out.stdout()).toContain('A         2         -');
    expect(out.stderr()).toMatch(
      /the units sold could not be summed \(OpenSearch answered 400 .*QUANTITY is left out/,
    );
  });

  it('does not ask for units when no sku matches', async () => {
    let calls = 0;
    const search = async () => {
      calls += 1;
      return response({ skus: { buckets: [] } }, 0);
    };
    const out = capture();
    await statsCommand(search, { filters: FILTERS, kind: { top: 'skus' }, size: 3, json: false }, out.io);
    expect(calls).toBe(1);
    expect(out.stdout()).toMatch(/^top 0 of 0 skus, in 0 matching orders/);
  });
});
