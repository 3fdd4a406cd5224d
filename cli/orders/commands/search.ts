/** `orders search`: the matching orders as a table (or JSON lines), and how many match in all. */
import { plural } from '../../shared/format';
import type { CliIo } from '../../shared/io';
import { formatDate, formatMoney, formatTable } from '../format';
import type { SearchSort } from '../options';
import { type OrderFilters, searchRequest } from '../query';
import { matchingOrdersOf, type SearchOrders } from '../search-response';

export interface SearchArguments {
  filters: OrderFilters;
  size: number;
  sort: SearchSort;
  json: boolean;
}

interface IndexedOrder {
  id?: unknown;
  date?: unknown;
  customer?: { id?: unknown };
  payment?: { amount?: unknown; currency?: unknown };
  items?: unknown;
}

const text = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '-';

const itemsOf = (order: IndexedOrder): { sku?: unknown; quantity?: unknown }[] =>
  Array.isArray(order.items) ? order.items.filter((item) => item !== null && typeof item === 'object') : [];

/** One table row: id, date (UTC), customer, amount and currency, units, distinct skus. */
export const orderRow = (order: IndexedOrder): string[] => {
  const items = itemsOf(order);
  const units = items.reduce(
    (total, item) => total + (typeof item.quantity === 'number' ? item.quantity : 0),
    0,
  );
  const skus = [...new Set(items.flatMap((item) => (typeof item.sku === 'string' ? [item.sku] : [])))];
  const amount = order.payment?.amount;
  const currency = order.payment?.currency;
  return [
    text(order.id),
    formatDate(order.date),
    text(order.customer?.id),
    typeof amount === 'number'
      ? formatMoney(amount, typeof currency === 'string' ? currency : undefined)
      : '-',
    String(units),
    skus.length > 0 ? skus.join(',') : '-',
  ];
};

export const ORDER_HEADER = ['ID', 'DATE', 'CUSTOMER', 'AMOUNT', 'ITEMS', 'SKUS'];
const ORDER_ALIGN = ['left', 'left', 'left', 'right', 'right', 'left'] as const;

const SORT_TEXT = {
  date: { desc: 'newest first', asc: 'oldest first' },
  amount: { desc: 'highest amount first', asc: 'lowest amount first' },
  relevance: { desc: 'most relevant first', asc: 'least relevant first' },
} as const;

/** `3 of 5 matching orders, newest first`. */
export const countLine = (shown: number, total: number, sort: SearchSort) =>
  `${shown} of ${plural(total, 'matching order')}${shown > 0 ? `, ${SORT_TEXT[sort.field][sort.order]}` : ''}`;

export const searchCommand = async (search: SearchOrders, args: SearchArguments, io: CliIo) => {
  const response = await search(searchRequest(args.filters, args));
  // One hit per order id (the request collapses on it), and the orders counted once each.
  const orders = response.hits.hits.map((hit) => (hit._source ?? {}) as IndexedOrder);
  const total = matchingOrdersOf(response);
  if (args.json) {
    for (const order of orders) io.stdout.write(`${JSON.stringify(order)}\n`);
    io.stderr.write(`${countLine(orders.length, total, args.sort)}\n`);
    return;
  }
  if (orders.length > 0) io.stdout.write(formatTable(ORDER_HEADER, orders.map(orderRow), ORDER_ALIGN));
  io.stdout.write(`${countLine(orders.length, total, args.sort)}\n`);
};
