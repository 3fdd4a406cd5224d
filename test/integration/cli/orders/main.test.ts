import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Client } from '@opensearch-project/opensearch';
import { run } from '../../../../cli/orders/main';
import { type OpenSearchNode, startOpenSearchNode } from '../../../../local/opensearch/opensearch-node';
import { plainOpenSearchClient } from '../../../../src/adapters/opensearch-client';
import { rotatedIndexName } from '../../../../src/domain/search';
import { setUpOrderIndex } from '../../../../src/functions/search-index-setup/set-up-order-index';
import { aFirehoseBulkBody, anOrderIndexSettings } from '../../../factories/order-index';
import { runCli } from '../../../helpers/cli';

// A real OpenSearch 2.19 node (local/opensearch/runner, built by scripts/setup.sh), set up exactly as the
// deployment sets up a domain, with orders indexed into daily rotated indices as Firehose indexes them, two
// of them delivered twice.

interface FieldMapping {
  type?: string;
  properties?: Record<string, FieldMapping>;
  [setting: string]: unknown;
}

type Item = [sku: string, name: string, quantity: number, unitPrice: number];

const order = (
  id: string,
  date: string,
  customer: [id: string, name: string],
  amount: number,
  currency: string,
  items: Item[],
  extra: { notes?: string; shippingName?: string } = {},
) => ({
  id,
  date,
  customer: { id: customer[0], name: customer[1], email: `${customer[0]}@example.com` },
  // As the card-data transform leaves it: no number, expiry, holder or CVV.
  payment: { amount, currency, method: 'card', card: { network: 'visa', last4: '1111' } },
  shipping: {
    name: extra.shippingName ?? customer[1],
    line1: '12 Analytical Row',
    city: 'London',
    postalCode: 'N1 7AA',
    country: 'GB',
  },
  items: items.map(([sku, name, quantity, unitPrice]) => ({ sku, name, quantity, unitPrice })),
  ...(extra.notes ? { notes: extra.notes } : {}),
});

const ADA: [string, string] = ['c-ada', 'Ada Lovelace'];
const CHARLES: [string, string] = ['c-charles', 'Charles Babbage'];
const GRACE: [string, string] = ['c-grace', 'Grace Hopper'];
const ALAN: [string, string] = ['c-alan', 'Alan Turing'];
const BOOK = (quantity: number, price: number): Item => [
  'BOOK-001',
  'Notes on the Analytical Engine',
  quantity,
  price,
];
const LAMP = (quantity: number, price: number): Item => ['LAMP-007', 'Brass desk lamp', quantity, price];
const GEAR = (quantity: number, price: number): Item => [
  'GEAR-042',
  'Difference engine gear',
  quantity,
  price,
];

const ORDERS = [
  order('o1', '2026-11-19T08:00:00Z', ADA, 120, 'EUR', [BOOK(2, 20), LAMP(1, 80)], {
    notes: 'Please leave the parcel with the neighbour.',
  }),
  order('o2', '2026-11-19T23:59:59Z', CHARLES, 100.1, 'EUR', [GEAR(5, 20.02)]),
  // 00:30 on the 20th in Paris is 23:30 on the 19th in UTC: the UTC day counts.
  order('o3', '2026-11-20T00:30:00+01:00', GRACE, 250, 'EUR', [LAMP(2, 125)], {
    notes: 'Gift wrap please',
    shippingName: 'Vincent Hopper',
  }),
  order('o4', '2026-11-20T10:00:00Z', ADA, 200.2, 'EUR', [BOOK(1, 50.2), ['PEN-007', 'Fountain pen', 3, 50]]),
  order('o5', '2026-11-20T15:45:00Z', ALAN, 1500, 'USD', [['ENIGMA-1', 'Enigma machine replica', 1, 1500]], {
    notes: 'Deliver to Bletchley Park',
  }),
  order('o6', '2026-11-21T09:15:00Z', GRACE, 300.3, 'EUR', [LAMP(1, 300.3)]),
  order('o7', '2026-11-21T18:00:00Z', ADA, 1000, 'EUR', [BOOK(10, 100)], {
    notes: 'Bulk order for the library',
  }),
  order('o8', '2026-11-21T23:59:59.999Z', CHARLES, 100, 'GBP', [GEAR(1, 100)]),
];
const ALL_NEWEST_FIRST = ['o8', 'o7', 'o6', 'o5', 'o4', 'o2', 'o3', 'o1'];
const ROTATED = ['orders-2026-11-19', 'orders-2026-11-20', 'orders-2026-11-21'];

/** A port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

describe('the orders CLI against a real OpenSearch node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orders-cli-'));
  const outputsFile = join(dir, 'outputs.json');
  let node: OpenSearchNode;
  let client: Client;

  const runOrders = (...argv: string[]) =>
    runCli(run, [...argv, '--outputs', outputsFile], {
      now: () => new Date('2026-11-22T12:00:00Z'),
      cwd: dir,
      env: {},
    });
  /** The ids `search --json` prints, in order. */
  const ids = async (...argv: string[]) => {
    const { code, stdout, stderr } = await runOrders('search', '--json', ...argv);
    expect({ code, stderr: stderr.replace(/^\d+ of \d+ matching orders?.*\n$/, '') }).toEqual({
      code: 0,
      stderr: '',
    });
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { id: string }).id);
  };
  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    node = await startOpenSearchNode({ dataDir: join(dir, 'home'), logFile: join(dir, 'opensearch.log') });
    client = plainOpenSearchClient(node.url);
    await setUpOrderIndex(
      client,
      anOrderIndexSettings(),
      new Logger({ serviceName: 'orders-cli-test', logLevel: 'SILENT' }),
    );
    const body = ORDERS.flatMap((document) => [
      { index: { _index: rotatedIndexName('orders', 'OneDay', new Date(document.date)), _id: document.id } },
      document,
    ]);
    const { body: result } = await client.bulk({ body, refresh: true });
    expect(result.errors).toBe(false);
    // SNS delivers o1 and o7 again, and Firehose indexes them a few days later under ids of its own: the
    // one-per-order pipeline keeps one document of each, so every figure below counts them once.
    const { body: again } = await client.bulk({
      body: aFirehoseBulkBody([ORDERS[0] as object, ORDERS[6] as object], {
        deliveredAt: new Date('2026-11-24T09:00:00Z'),
      }),
      refresh: true,
    });
    expect(again.errors).toBe(false);
    // A record the card-data transform quarantined is indexed too, and is not an order.
    await client.index({
      index: 'orders-2026-11-21',
      body: { quarantine: { reason: 'the record is not valid JSON', maskedText: 'charge **** 1111' } },
      refresh: true,
    });
    writeFileSync(
      outputsFile,
      JSON.stringify({
        AwsEndpointUrl: 'http://127.0.0.1:5050',
        Region: 'us-east-1',
        SearchUrl: node.url,
        SearchIndexAlias: 'orders',
      }),
    );
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the index set up by the deployment', () => {
    it('types the fields: amount scaled_float, date date, ids and skus keyword, names text with a .raw keyword', async () => {
      const index = ROTATED[0] as string;
      const { body } = await client.indices.getMapping({ index });
      const mappings = (body[index] as { mappings: FieldMapping }).mappings;
      /** The mapping of a field by its path: `payment.amount`. */
      const field = (path: string) =>
        path
          .split('.')
          .reduce<FieldMapping | undefined>((mapping, name) => mapping?.properties?.[name], mappings);
      expect(field('payment.amount')).toEqual({ type: 'scaled_float', scaling_factor: 100 });
      expect(field('date')).toMatchObject({ type: 'date' });
      for (const keyword of ['id', 'customer.id', 'items.sku', 'payment.currency']) {
        expect(field(keyword)).toEqual({ type: 'keyword' });
      }
      expect(field('items.quantity')).toEqual({ type: 'integer' });
      const searchable = { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } };
      for (const name of ['customer.name', 'shipping.name', 'items.name'])
        expect(field(name)).toEqual(searchable);
      expect(field('notes')).toEqual({ type: 'text' });
    });

    it('puts each order in the rotated index of its UTC day, and the alias orders spans them all', async () => {
      const { body } = await client.indices.getAlias({ name: 'orders' });
      expect(Object.keys(body).sort()).toEqual(ROTATED);
      const { body: counts } = await client.cat.indices({
        index: 'orders-*',
        format: 'json',
        h: ['index', 'docs.count'],
      });
      expect(
        Object.fromEntries(
          (counts as { index: string; 'docs.count': string }[]).map((row) => [
            row.index,
            Number(row['docs.count']),
          ]),
        ),
      ).toEqual({ 'orders-2026-11-19': 3, 'orders-2026-11-20': 2, 'orders-2026-11-21': 4 });
      expect(await ids('--size', '100')).toEqual(ALL_NEWEST_FIRST);
    });
  });

  describe('search', () => {
    it('prints a table of the newest orders through the alias, then how many match', async () => {
      const { code, stdout, stderr } = await runOrders('search', '--size', '3');
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toBe(
        [
          'ID  DATE                      CUSTOMER        AMOUNT  ITEMS  SKUS',
          'o8  2026-11-21T23:59:59.999Z  c-charles   100.00 GBP      1  GEAR-042',
          'o7  2026-11-21T18:00:00Z      c-ada      1000.00 EUR     10  BOOK-001',
          'o6  2026-11-21T09:15:00Z      c-grace     300.30 EUR      1  LAMP-007',
          '3 of 8 matching orders, newest first',
          '',
        ].join('\n'),
      );
    });

    it('finds the orders from a minimum amount, inclusive', async () => {
      expect(await ids('--min-amount', '250')).toEqual(['o7', 'o6', 'o5', 'o3']);
    });

    it('finds the orders up to a maximum amount, inclusive to the cent', async () => {
      expect(await ids('--max-amount', '100.10')).toEqual(['o8', 'o2']);
      expect(await ids('--max-amount', '100.09')).toEqual(['o8']);
    });

    it('finds the orders within an amount range', async () => {
      expect(await ids('--min-amount', '100.05', '--max-amount', '120')).toEqual(['o2', 'o1']);
    });

    it('finds the orders from --since, inclusive, to --until, exclusive, compared as UTC instants', async () => {
      expect(await ids('--since', '2026-11-20', '--until', '2026-11-21')).toEqual(['o5', 'o4']);
      expect(await ids('--until', '2026-11-19T23:59:59Z')).toEqual(['o3', 'o1']);
      expect(await ids('--since', '2026-11-21T23:59:59.999Z')).toEqual(['o8']);
      expect(await ids('--since', '2026-11-20T00:30+01:00', '--until', '2026-11-20T11:00:01+01:00')).toEqual([
        'o4',
        'o2',
        'o3',
      ]);
    });

    it('finds a relative time range counted back from now', async () => {
      // now is 2026-11-22T12:00Z: 1d ago is 2026-11-21T12:00Z.
      expect(await ids('--since', '1d')).toEqual(['o8', 'o7']);
    });

    it('finds the orders of a customer, or of any of several', async () => {
      expect(await ids('--customer', 'c-ada')).toEqual(['o7', 'o4', 'o1']);
      expect(await ids('--customer', 'c-ada', '--customer', 'c-alan')).toEqual(['o7', 'o5', 'o4', 'o1']);
      expect(await ids('--customer', 'Ada Lovelace')).toEqual([]);
    });

    it('finds the orders that hold a sku, exactly', async () => {
      expect(await ids('--sku', 'LAMP-007')).toEqual(['o6', 'o3', 'o1']);
      expect(await ids('--sku', 'PEN-007', '--sku', 'ENIGMA-1')).toEqual(['o5', 'o4']);
      expect(await ids('--sku', 'lamp-007')).toEqual([]);
    });

    it('finds the orders in a currency, given in any case', async () => {
      expect(await ids('--currency', 'eur')).toEqual(['o7', 'o6', 'o4', 'o2', 'o3', 'o1']);
      expect(await ids('--currency', 'GBP')).toEqual(['o8']);
    });

    it('finds free text in the notes, the item names, the customer name and the shipping name', async () => {
      expect(await ids('--text', 'neighbour')).toEqual(['o1']);
      expect(await ids('--text', 'enigma')).toEqual(['o5']);
      expect(await ids('--text', 'Hopper')).toEqual(['o6', 'o3']);
      expect(await ids('--text', 'Vincent')).toEqual(['o3']);
      expect(await ids('--text', 'brass lamp')).toEqual(['o6', 'o3', 'o1']);
      expect(await ids('--text', 'lamp -gift')).toEqual(['o6', 'o1']);
      expect(await ids('--text', 'lamp bletchley')).toEqual([]);
    });

    it('combines filters: every one must match', async () => {
      expect(await ids('--customer', 'c-ada', '--min-amount', '150', '--since', '2026-11-20')).toEqual([
        'o7',
        'o4',
      ]);
      expect(await ids('--sku', 'LAMP-007', '--text', 'gift', '--currency', 'EUR')).toEqual(['o3']);
    });

    it('sorts by amount, highest first or with :asc lowest first', async () => {
      expect(await ids('--sort', 'amount')).toEqual(['o5', 'o7', 'o6', 'o3', 'o4', 'o1', 'o2', 'o8']);
      expect(await ids('--sort', 'amount:asc')).toEqual(['o8', 'o2', 'o1', 'o4', 'o3', 'o6', 'o7', 'o5']);
    });

    it('prints --json lines that parse to the indexed documents, and counts on stderr', async () => {
      const { code, stdout, stderr } = await runOrders('search', '--json', '--customer', 'c-grace');
      expect(code).toBe(0);
      expect(jsonLines(stdout)).toEqual([ORDERS[5], ORDERS[2]]);
      expect(stderr).toBe('2 of 2 matching orders, newest first\n');
    });

    it('counts every match beyond --size, and no quarantined record', async () => {
      const { stdout } = await runOrders('search', '--size', '0');
      expect(stdout).toBe('0 of 8 matching orders\n');
    });
  });

  describe('stats', () => {
    it('counts the orders and sums the revenue per UTC day, per currency, with the empty days of the range', async () => {
      const { code, stdout, stderr } = await runOrders(
        'stats',
        '--by',
        'day',
        '--since',
        '2026-11-18',
        '--until',
        '2026-11-23',
      );
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toBe(
        [
          'DAY         ORDERS                   REVENUE',
          '2026-11-18       0                      0.00',
          '2026-11-19       3                470.10 EUR',
          '2026-11-20       2  200.20 EUR + 1500.00 USD',
          '2026-11-21       3  1300.30 EUR + 100.00 GBP',
          '2026-11-22       0                      0.00',
          '8 matching orders, revenue 1970.60 EUR + 100.00 GBP + 1500.00 USD, per day (UTC), from 2026-11-18 to 2026-11-22',
          '',
        ].join('\n'),
      );
    });

    it('gives the per-day counts and sums as JSON lines, rounded to cents', async () => {
      const { code, stdout, stderr } = await runOrders('stats', '--by', 'day', '--currency', 'EUR', '--json');
      expect(code).toBe(0);
      expect(jsonLines(stdout)).toEqual([
        { day: '2026-11-19', orders: 3, revenue: 470.1, revenueByCurrency: { EUR: 470.1 } },
        { day: '2026-11-20', orders: 1, revenue: 200.2, revenueByCurrency: { EUR: 200.2 } },
        { day: '2026-11-21', orders: 2, revenue: 1300.3, revenueByCurrency: { EUR: 1300.3 } },
      ]);
      expect(stderr).toBe(
        '6 matching orders, revenue 1970.60 EUR, per day (UTC), from 2026-11-19 to 2026-11-21\n',
      );
    });

    it('counts per month and per week of the filtered orders', async () => {
      const month = await runOrders('stats', '--by', 'month', '--min-amount', '1000', '--json');
      expect(jsonLines(month.stdout)).toEqual([
        { month: '2026-11', orders: 2, revenue: 2500, revenueByCurrency: { USD: 1500, EUR: 1000 } },
      ]);
      const week = await runOrders('stats', '--by', 'week', '--json');
      expect(jsonLines(week.stdout)).toEqual([expect.objectContaining({ week: '2026-11-16', orders: 8 })]);
    });

    it('ranks the top skus by the orders that hold them, with the units sold of each sku alone', async () => {
      const { code, stdout } = await runOrders('stats', '--top', 'skus', '--json');
      expect(code).toBe(0);
      expect(jsonLines(stdout)).toEqual([
        { sku: 'BOOK-001', orders: 3, quantity: 13 },
        // The orders holding LAMP-007 hold 6 units in all, 4 of them lamps.
        { sku: 'LAMP-007', orders: 3, quantity: 4 },
        { sku: 'GEAR-042', orders: 2, quantity: 6 },
        { sku: 'ENIGMA-1', orders: 1, quantity: 1 },
        { sku: 'PEN-007', orders: 1, quantity: 3 },
      ]);
    });

    it('prints the top N skus of the filtered orders as a table', async () => {
      const { stdout } = await runOrders('stats', '--top', 'skus', '--size', '2', '--since', '2026-11-20');
      expect(stdout).toBe(
        [
          'SKU       ORDERS  QUANTITY',
          'BOOK-001       2        11',
          'ENIGMA-1       1         1',
          'top 2 of 5 skus, in 5 matching orders (ORDERS: the orders that hold the sku; QUANTITY: the units sold)',
          '',
        ].join('\n'),
      );
    });

    it('ranks the top customers by orders, with their name and revenue', async () => {
      const { code, stdout } = await runOrders('stats', '--top', 'customers');
      expect(code).toBe(0);
      expect(stdout).toBe(
        [
          'CUSTOMER   NAME             ORDERS                  REVENUE',
          'c-ada      Ada Lovelace          3              1320.20 EUR',
          'c-grace    Grace Hopper          2               550.30 EUR',
          'c-charles  Charles Babbage       2  100.10 EUR + 100.00 GBP',
          'c-alan     Alan Turing           1              1500.00 USD',
          'top 4 of 4 customers by orders, in 8 matching orders, revenue 1970.60 EUR + 100.00 GBP + 1500.00 USD',
          '',
        ].join('\n'),
      );
    });

    it('ranks the top customers by revenue with --sort revenue, as JSON lines', async () => {
      const { stdout } = await runOrders(
        'stats',
        '--top',
        'customers',
        '--sort',
        'revenue',
        '--size',
        '2',
        '--json',
      );
      expect(jsonLines(stdout)).toEqual([
        {
          customer: 'c-alan',
          name: 'Alan Turing',
          orders: 1,
          revenue: 1500,
          revenueByCurrency: { USD: 1500 },
        },
        {
          customer: 'c-ada',
          name: 'Ada Lovelace',
          orders: 3,
          revenue: 1320.2,
          revenueByCurrency: { EUR: 1320.2 },
        },
      ]);
    });
  });

  describe('an order indexed twice before the one-per-order pipeline existed', () => {
    // A second document of o6 under Firehose's id, as an index of a stack set up before the pipeline holds
    // it (the pipeline bypassed).
    const copy = { index: 'orders-2026-11-21', id: 'firehose-id-of-a-second-delivery-of-o6' };

    beforeAll(async () => {
      await client.index({ ...copy, body: ORDERS[5] as object, pipeline: '_none', refresh: true });
    });

    afterAll(async () => {
      await client.delete({ ...copy, refresh: true });
    });

    it('is two documents in the index', async () => {
      const { body } = await client.count({ index: 'orders', body: { query: { term: { id: 'o6' } } } });
      expect(body.count).toBe(2);
    });

    it('is listed once by search, and counted once', async () => {
      expect(await ids('--size', '100')).toEqual(ALL_NEWEST_FIRST);
      expect(await ids('--customer', 'c-grace')).toEqual(['o6', 'o3']);
      expect((await runOrders('search', '--size', '0')).stdout).toBe('0 of 8 matching orders\n');
      expect((await runOrders('search', '--size', '1', '--customer', 'c-grace')).stdout).toMatch(
        /\n1 of 2 matching orders, newest first\n$/,
      );
    });

    it('is counted once among the orders of its day, of its customer and of its sku by stats', async () => {
      const days = jsonLines((await runOrders('stats', '--by', 'day', '--json')).stdout);
      expect(days.map(({ day, orders }) => ({ day, orders }))).toEqual([
        { day: '2026-11-19', orders: 3 },
        { day: '2026-11-20', orders: 2 },
        { day: '2026-11-21', orders: 3 },
      ]);
      expect((await runOrders('stats', '--by', 'day')).stdout).toMatch(/\n8 matching orders, /);
      const customers = jsonLines((await runOrders('stats', '--top', 'customers', '--json')).stdout);
      expect(customers.find(({ customer }) => customer === 'c-grace')).toMatchObject({ orders: 2 });
      const skus = jsonLines((await runOrders('stats', '--top', 'skus', '--json')).stdout);
      expect(skus.find(({ sku }) => sku === 'LAMP-007')).toMatchObject({ orders: 3 });
    });
  });

  describe('failures', () => {
    it('says that no orders are indexed yet when the index or alias does not exist', async () => {
      const { code, stdout, stderr } = await runOrders('search', '--index', 'returns');
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toBe(
        `orders: no orders indexed yet: ${node.url} has no index or alias returns (the search pipeline creates returns-YYYY-MM-DD, in the alias returns, with the first order it indexes; by default it indexes the orders of 100 or more)\n`,
      );
    });

    it('says to start the local stack when its OpenSearch cannot be reached', async () => {
      const closed = `http://127.0.0.1:${await closedPort()}`;
      const unreachable = join(dir, 'unreachable.json');
      writeFileSync(
        unreachable,
        JSON.stringify({ AwsEndpointUrl: 'http://127.0.0.1:5050', SearchUrl: closed }),
      );
      const stderr: string[] = [];
      const code = await run(['stats', '--outputs', unreachable], {
        stdout: { write: () => true },
        stderr: { write: (text: string) => stderr.push(text) },
        cwd: dir,
        env: {},
      });
      expect(code).toBe(1);
      expect(stderr.join('')).toBe(
        `orders: cannot reach OpenSearch at ${closed} (ECONNREFUSED): is the local stack running? npm start\n`,
      );
    });

    it('exits with 2 for bad arguments without querying', async () => {
      const { code, stderr } = await runOrders('stats', '--top', 'regions');
      expect(code).toBe(2);
      expect(stderr).toMatch(/^orders: --top: "regions" is not one of skus, customers\n/);
    });
  });
});
