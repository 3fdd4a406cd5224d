/** `orders stats`: order count and revenue per period, top skus, top customers; a table or JSON lines. */
import { plural } from '../../shared/format';
import { type CliIo, nowOf } from '../../shared/io';
import { type Align, formatRevenue, formatTable, type Revenue } from '../format';
import type { CustomerSort, Interval, StatsKind } from '../options';
import {
  histogramRequest,
  type OrderFilters,
  skuQuantitiesRequest,
  topCustomersRequest,
  topSkusRequest,
} from '../query';
import {
  bucketsOf,
  matchingOrdersOf,
  metricValue,
  ordersOf,
  revenueOf,
  type SearchOrders,
  type SearchResponseBody,
} from '../search-response';

export interface StatsArguments {
  filters: OrderFilters;
  kind: StatsKind;
  size: number;
  json: boolean;
}

/** What one stats command prints: rows as a table or JSON lines, then one summary line. */
export interface StatsReport {
  header: string[];
  align: Align[];
  rows: string[][];
  json: Record<string, unknown>[];
  summary: string;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The label of a UTC period starting at `start`: `2026-11-21T10:00Z`, `2026-11-21`, the week's Monday, `2026-11`. */
export const periodLabel = (start: Date, interval: Interval): string => {
  const day = `${start.getUTCFullYear()}-${pad(start.getUTCMonth() + 1)}-${pad(start.getUTCDate())}`;
  switch (interval) {
    case 'hour':
      return `${day}T${pad(start.getUTCHours())}:00Z`;
    case 'day':
    case 'week':
      return day;
    case 'month':
      return day.slice(0, 7);
  }
};

const revenueJson = (revenue: Revenue) => ({ revenue: revenue.total, revenueByCurrency: revenue.byCurrency });

/** `stats --by day`: one row per period, empty periods included. */
export const periodReport = (response: SearchResponseBody, interval: Interval): StatsReport => {
  const periods = bucketsOf(response.aggregations, 'periods').map((bucket) => ({
    label: periodLabel(new Date(Number(bucket.key)), interval),
    orders: ordersOf(bucket, bucket.doc_count),
    revenue: revenueOf(bucket),
  }));
  const total = matchingOrdersOf(response);
  const first = periods[0]?.label;
  const last = periods.at(-1)?.label;
  const span = first === undefined ? '' : first === last ? `, ${first}` : `, from ${first} to ${last}`;
  const heading = interval === 'week' ? 'WEEK OF' : interval.toUpperCase();
  return {
    header: [heading, 'ORDERS', 'REVENUE'],
    align: ['left', 'right', 'right'],
    rows: periods.map(({ label, orders, revenue }) => [label, String(orders), formatRevenue(revenue)]),
    json: periods.map(({ label, orders, revenue }) => ({
      [interval]: label,
      orders,
      ...revenueJson(revenue),
    })),
    summary: `${plural(total, 'matching order')}, revenue ${formatRevenue(revenueOf(response.aggregations))}, per ${interval === 'week' ? 'week (UTC, from Monday)' : `${interval} (UTC)`}${span}`,
  };
};

/** `stats --top skus`: orders holding each sku and, when the quantities could be read, the units sold. */
export const skuReport = (
  response: SearchResponseBody,
  quantities: Record<string, number> | undefined,
): StatsReport => {
  const skus = bucketsOf(response.aggregations, 'skus').map((bucket) => ({
    sku: String(bucket.key),
    orders: ordersOf(bucket, bucket.doc_count),
    quantity: quantities ? (quantities[String(bucket.key)] ?? 0) : null,
  }));
  const distinct = Math.max(skus.length, metricValue(response.aggregations, 'distinct'));
  return {
    header: ['SKU', 'ORDERS', 'QUANTITY'],
    align: ['left', 'right', 'right'],
    rows: skus.map(({ sku, orders, quantity }) => [
      sku,
      String(orders),
      quantity === null ? '-' : String(quantity),
    ]),
    json: skus,
    summary: `top ${skus.length} of ${plural(distinct, 'sku')}, in ${plural(matchingOrdersOf(response), 'matching order')} (ORDERS: the orders that hold the sku; QUANTITY: the units sold)`,
  };
};

interface CustomerHit {
  _source?: { customer?: { name?: unknown } };
}

/** `stats --top customers`: their order count, revenue and (latest) name. */
export const customerReport = (response: SearchResponseBody, sort: CustomerSort): StatsReport => {
  const customers = bucketsOf(response.aggregations, 'customers').map((bucket) => {
    const hit = (bucket.latest as { hits?: { hits?: CustomerHit[] } } | undefined)?.hits?.hits?.[0];
    const name = hit?._source?.customer?.name;
    return {
      customer: String(bucket.key),
      name: typeof name === 'string' ? name : null,
      orders: ordersOf(bucket, bucket.doc_count),
      revenue: revenueOf(bucket),
    };
  });
  const distinct = Math.max(customers.length, metricValue(response.aggregations, 'distinct'));
  return {
    header: ['CUSTOMER', 'NAME', 'ORDERS', 'REVENUE'],
    align: ['left', 'left', 'right', 'right'],
    rows: customers.map(({ customer, name, orders, revenue }) => [
      customer,
      name ?? '-',
      String(orders),
      formatRevenue(revenue),
    ]),
    json: customers.map(({ revenue, ...customer }) => ({ ...customer, ...revenueJson(revenue) })),
    summary: `top ${customers.length} of ${plural(distinct, 'customer')} by ${sort === 'revenue' ? 'revenue' : 'orders'}, in ${plural(matchingOrdersOf(response), 'matching order')}, revenue ${formatRevenue(revenueOf(response.aggregations))}`,
  };
};

const statusOf = (error: unknown) => (error as { meta?: { statusCode?: number } }).meta?.statusCode;

/**
 * The units sold of the top skus, or undefined (with a warning) when the cluster refuses the script
 * (scripting disabled, a script limit): the order counts are still right.
 */
const skuQuantities = async (
  search: SearchOrders,
  filters: OrderFilters,
  skus: string[],
  io: CliIo,
): Promise<Record<string, number> | undefined> => {
  if (skus.length === 0) return {};
  try {
    const response = await search(skuQuantitiesRequest(filters, skus));
    const value = (response.aggregations?.quantities as { value?: unknown } | undefined)?.value;
    if (value === null || typeof value !== 'object') return {};
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([sku, quantity]) => [sku, Number(quantity) || 0]),
    );
  } catch (error) {
    const status = statusOf(error);
    if ((error as Error).name !== 'ResponseError' || status === 401 || status === 403 || status === 404) {
      throw error;
    }
    io.stderr.write(
      `the units sold could not be summed (OpenSearch answered ${status} to the scripted_metric aggregation: ${(error as Error).message}); QUANTITY is left out\n`,
    );
    return undefined;
  }
};

export const statsCommand = async (search: SearchOrders, args: StatsArguments, io: CliIo) => {
  const { filters, kind, size } = args;
  let report: StatsReport;
  if ('by' in kind) {
    report = periodReport(await search(histogramRequest(filters, kind.by, nowOf(io))), kind.by);
  } else if (kind.top === 'skus') {
    const response = await search(topSkusRequest(filters, size));
    const skus = bucketsOf(response.aggregations, 'skus').map((bucket) => String(bucket.key));
    report = skuReport(response, await skuQuantities(search, filters, skus, io));
  } else {
    report = customerReport(await search(topCustomersRequest(filters, size, kind.sort)), kind.sort);
  }
  if (args.json) {
    for (const row of report.json) io.stdout.write(`${JSON.stringify(row)}\n`);
    io.stderr.write(`${report.summary}\n`);
    return;
  }
  if (report.rows.length > 0) io.stdout.write(formatTable(report.header, report.rows, report.align));
  io.stdout.write(`${report.summary}\n`);
};
