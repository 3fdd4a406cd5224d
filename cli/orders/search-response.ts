/** The parts of an OpenSearch search response that `npm run orders` reads. */
import type { Revenue } from './format';
import { roundMoney } from './format';
import type { RequestBody } from './query';

export interface SearchResponseBody {
  hits: {
    /** `{ value, relation }`, or a number with rest_total_hits_as_int. */
    total?: { value: number; relation?: string } | number;
    hits: { _id?: string; _index?: string; _source?: unknown }[];
  };
  aggregations?: Record<string, unknown>;
}

/** Sends one search request to the index or alias being queried. */
export type SearchOrders = (body: RequestBody) => Promise<SearchResponseBody>;

/** The documents that match: `hits.total`. */
export const totalOf = (response: SearchResponseBody): number => {
  const total = response.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? response.hits.hits.length);
};

/**
 * The orders in a bucket, or in the whole response: the distinct order ids its `orders` aggregation counted,
 * or, without one, its `documents`.
 */
export const ordersOf = (container: unknown, documents: number): number => {
  const value = (container as Record<string, { value?: unknown } | undefined> | undefined)?.orders?.value;
  return typeof value === 'number' ? value : documents;
};

/** The orders that match the whole search (an order indexed twice counts once). */
export const matchingOrdersOf = (response: SearchResponseBody): number =>
  ordersOf(response.aggregations, totalOf(response));

export interface TermsBucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  [aggregation: string]: unknown;
}

/** The buckets of a terms or histogram aggregation; none when it is absent. */
export const bucketsOf = (container: unknown, name: string): TermsBucket[] => {
  const aggregation = (container as Record<string, { buckets?: unknown } | undefined> | undefined)?.[name];
  return Array.isArray(aggregation?.buckets) ? (aggregation.buckets as TermsBucket[]) : [];
};

/** The value of a single-value metric (sum, cardinality); 0 when absent. */
export const metricValue = (container: unknown, name: string): number => {
  const value = (container as Record<string, { value?: unknown } | undefined> | undefined)?.[name]?.value;
  return typeof value === 'number' ? value : 0;
};

/** The revenue of a bucket (or of the whole response): `revenue` in total, `currencies` per currency. */
export const revenueOf = (container: unknown): Revenue => ({
  total: roundMoney(metricValue(container, 'revenue')),
  byCurrency: Object.fromEntries(
    bucketsOf(container, 'currencies').map((bucket) => [
      String(bucket.key),
      roundMoney(metricValue(bucket, 'revenue')),
    ]),
  ),
});
