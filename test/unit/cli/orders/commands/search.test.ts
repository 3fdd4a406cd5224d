import { countLine, orderRow, searchCommand } from '../../../../../cli/orders/commands/search';
import type { SearchResponseBody } from '../../../../../cli/orders/search-response';

const ORDER = {
  id: 'ord-1',
  date: '2026-11-21T11:15:30+01:00',
  customer: { id: 'customer-1001', name: 'Ada Lovelace' },
  payment: { amount: 159.97, currency: 'EUR', method: 'card' },
  items: [
    { sku: 'BOOK-001', name: 'Notes', quantity: 2, unitPrice: 19.99 },
    { sku: 'LAMP-007', name: 'Lamp', quantity: 1, unitPrice: 119.99 },
    { sku: 'BOOK-001', name: 'Notes', quantity: 1, unitPrice: 0 },
  ],
};

const capture = () => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => stdout.push(text) },
      stderr: { write: (text: string) => stderr.push(text) },
    },
    stdout: () => stdout.join(''),
    stderr: () => stderr.join(''),
  };
};

/** A search answering `orders` as hits, `total` matching documents and, when given, `distinct` order ids. */
const respond = (orders: unknown[], total: number, distinct?: number) => {
  const bodies: unknown[] = [];
  const search = async (body: unknown): Promise<SearchResponseBody> => {
    bodies.push(body);
    return {
      hits: { total: { value: total, relation: 'eq' }, hits: orders.map((_source) => ({ _source })) },
      ...(distinct === undefined ? {} : { aggregations: { orders: { value: distinct } } }),
    };
  };
  return { search, bodies };
};

const ARGS = {
  filters: { customers: [], skus: [], currencies: [], minAmount: 100 },
  size: 20,
  sort: { field: 'date', order: 'desc' } as const,
  json: false,
};

describe('a row of the search table', () => {
  it('shows the id, the UTC date, the customer, amount and currency, the units and the distinct skus', () => {
    expect(orderRow(ORDER)).toEqual([
      'ord-1',
      '2026-11-21T10:15:30Z',
      'customer-1001',
      '159.97 EUR',
      '4',
      'BOOK-001,LAMP-007',
    ]);
  });

  it('shows - for what an indexed document lacks', () => {
    expect(orderRow({ id: 'x' })).toEqual(['x', '-', '-', '-', '0', '-']);
  });
});

describe('the count line', () => {
  it('says how many of how many matching orders are shown, and in which order', () => {
    expect(countLine(3, 5, { field: 'date', order: 'desc' })).toBe('3 of 5 matching orders, newest first');
    expect(countLine(1, 1, { field: 'amount', order: 'asc' })).toBe(
      '1 of 1 matching order, lowest amount first',
    );
    expect(countLine(0, 0, { field: 'date', order: 'desc' })).toBe('0 of 0 matching orders');
  });
});

describe('orders search', () => {
  it('sends the search request and prints a table, then the count line', async () => {
    const { search, bodies } = respond([ORDER], 7);
    const out = capture();
    await searchCommand(search, ARGS, out.io);
    expect(bodies).toEqual([
      expect.objectContaining({
        size: 20,
        query: { bool: { filter: [{ range: { 'payment.amount': { gte: 100 } } }] } },
      }),
    ]);
    expect(out.stdout()).toBe(
      [
        'ID     DATE                  CUSTOMER           AMOUNT  ITEMS  SKUS',
        'ord-1  2026-11-21T10:15:30Z  customer-1001  159.97 EUR      4  BOOK-001,LAMP-007',
        '1 of 7 matching orders, newest first',
        '',
      ].join('\n'),
    );
    expect(out.stderr()).toBe('');
  });

  it('collapses the hits on the order id and counts the distinct order ids, not the documents', async () => {
    // 9 documents match, of 7 orders: 2 were indexed twice before the one-per-order pipeline.
    const { search, bodies } = respond([ORDER], 9, 7);
    const out = capture();
    await searchCommand(search, ARGS, out.io);
    expect(bodies).toEqual([
      expect.objectContaining({ collapse: { field: 'id' }, aggs: { orders: expect.anything() } }),
    ]);
    expect(out.stdout()).toMatch(/\n1 of 7 matching orders, newest first\n$/);
  });

  it('prints only the count line when nothing matches', async () => {
    const out = capture();
    await searchCommand(respond([], 0).search, ARGS, out.io);
    expect(out.stdout()).toBe('0 of 0 matching orders\n');
  });

  it('prints each order as one JSON line with --json, and the count line on stderr', async () => {
    const out = capture();
    await searchCommand(respond([ORDER, { id: 'ord-2' }], 2).search, { ...ARGS, json: true }, out.io);
    expect(
      out
        .stdout()
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([ORDER, { id: 'ord-2' }]);
    expect(out.stderr()).toBe('2 of 2 matching orders, newest first\n');
  });
});
