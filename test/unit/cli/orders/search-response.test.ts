import {
  bucketsOf,
  matchingOrdersOf,
  metricValue,
  ordersOf,
  revenueOf,
  totalOf,
} from '../../../../cli/orders/search-response';

describe('reading search responses', () => {
  it('reads the total as an object, as a number, or from the hits when it is absent', () => {
    expect(totalOf({ hits: { total: { value: 42, relation: 'eq' }, hits: [] } })).toBe(42);
    expect(totalOf({ hits: { total: 7, hits: [] } })).toBe(7);
    expect(totalOf({ hits: { hits: [{}, {}] } })).toBe(2);
  });

  it('reads the orders as the distinct order ids counted, or the documents without that count', () => {
    expect(ordersOf({ orders: { value: 3 } }, 5)).toBe(3);
    expect(ordersOf({ orders: { value: 0 } }, 0)).toBe(0);
    expect(ordersOf({}, 5)).toBe(5);
    expect(ordersOf(undefined, 2)).toBe(2);
    const twice = { hits: { total: { value: 5 }, hits: [] }, aggregations: { orders: { value: 4 } } };
    expect(matchingOrdersOf(twice)).toBe(4);
    expect(matchingOrdersOf({ hits: { total: { value: 5 }, hits: [] } })).toBe(5);
  });

  it('reads buckets and metric values, with none and 0 for absent aggregations', () => {
    const aggregations = { skus: { buckets: [{ key: 'A', doc_count: 1 }] }, revenue: { value: 1.5 } };
    expect(bucketsOf(aggregations, 'skus')).toEqual([{ key: 'A', doc_count: 1 }]);
    expect(bucketsOf(aggregations, 'customers')).toEqual([]);
    expect(bucketsOf(undefined, 'skus')).toEqual([]);
    expect(metricValue(aggregations, 'revenue')).toBe(1.5);
    expect(metricValue(aggregations, 'distinct')).toBe(0);
    expect(metricValue({ revenue: { value: null } }, 'revenue')).toBe(0);
  });

  it('reads the revenue in total and per currency, rounded to cents', () => {
    expect(
      revenueOf({
        revenue: { value: 300.29999999999995 },
        currencies: {
          buckets: [
            { key: 'EUR', doc_count: 2, revenue: { value: 280.29999999999995 } },
            { key: 'USD', doc_count: 1, revenue: { value: 20 } },
          ],
        },
      }),
    ).toEqual({ total: 300.3, byCurrency: { EUR: 280.3, USD: 20 } });
    expect(revenueOf(undefined)).toEqual({ total: 0, byCurrency: {} });
  });
});
