import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from '../../../../cli/orders/main';
import { USAGE, usageOf } from '../../../../cli/orders/options';
import { indexReaderRole } from '../../../../src/domain/search';
import { runCli } from '../../../helpers/cli';

/** A stand-in for OpenSearch that answers every request with the status and body given. */
const fakeOpenSearch = () => {
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const requests: { method?: string; url?: string; body: string }[] = [];
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({
          method: request.method,
          url: request.url,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((closed) => server.close(closed)));
  beforeEach(() => {
    requests.length = 0;
  });
  return {
    url: () => url,
    requests,
    answer: (status: number, body: unknown) => {
      answer = { status, body };
    },
  };
};

describe('the orders CLI', () => {
  const openSearch = fakeOpenSearch();
  const runOrders = (...argv: string[]) =>
    runCli(run, argv, { now: () => new Date('2026-11-21T12:00:00Z'), env: {} });

  it('prints the usage on stdout for --help and exits with 0', async () => {
    const help = await runOrders('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(`${USAGE}\n`);
    const statsHelp = await runOrders('stats', '--help');
    expect(statsHelp.code).toBe(0);
    expect(statsHelp.stdout).toContain(usageOf('stats'));
  });

  it('exits with 2 and points at --help for bad arguments, before any request', async () => {
    const { code, stderr } = await runOrders(
      'search',
      '--min-amount',
      'lots',
      '--endpoint',
      openSearch.url(),
    );
    expect(code).toBe(2);
    expect(stderr).toBe(
      'orders: --min-amount: "lots" is not an amount (a number such as 100 or 99.50)\nRun `npm run orders -- --help` for usage.\n',
    );
    expect(openSearch.requests).toHaveLength(0);
  });

  it('sends the search to the index on the endpoint and prints the table', async () => {
    openSearch.answer(200, {
      hits: {
        total: { value: 1, relation: 'eq' },
        hits: [
          {
            _source: {
              id: 'o-1',
              date: '2026-11-21T10:00:00Z',
              customer: { id: 'c-1' },
              payment: { amount: 150, currency: 'EUR' },
              items: [],
            },
          },
        ],
      },
    });
    const { code, stdout } = await runOrders(
      'search',
      '--endpoint',
      openSearch.url(),
      '--index',
      'sales',
      '--min-amount',
      '100',
    );
    expect(code).toBe(0);
    expect(openSearch.requests[0]).toMatchObject({ method: 'POST', url: '/sales/_search' });
    expect(JSON.parse(openSearch.requests[0]?.body ?? '')).toMatchObject({
      query: { bool: { filter: [{ range: { 'payment.amount': { gte: 100 } } }] } },
    });
    expect(stdout).toContain('o-1  2026-11-21T10:00:00Z  c-1       150.00 EUR');
    expect(stdout).toContain('1 of 1 matching order, newest first');
  });

  it("sends nothing but searches of the index, the one action the analysts' reader role grants", async () => {
    // Enough for every command to send each of its requests: a top sku makes stats ask for its quantities.
    openSearch.answer(200, {
      hits: { total: { value: 1, relation: 'eq' }, hits: [] },
      aggregations: { skus: { buckets: [{ key: 'SKU-1', doc_count: 1 }] } },
    });
    const commands = [
      ['search'],
      ['search', '--text', 'gift', '--sort', 'amount'],
      ['stats', '--by', 'day', '--since', '7d'],
      ['stats', '--top', 'skus'],
      ['stats', '--top', 'customers', '--sort', 'revenue'],
    ];
    for (const command of commands) {
      const { code } = await runOrders(...command, '--endpoint', openSearch.url());
      expect(code).toBe(0);
    }

    expect(openSearch.requests.length).toBeGreaterThan(commands.length);
    expect(new Set(openSearch.requests.map(({ method, url }) => `${method} ${url}`))).toEqual(
      new Set(['POST /orders/_search']),
    );
    expect(indexReaderRole('orders').index_permissions).toEqual([
      { index_patterns: ['orders', 'orders-*'], allowed_actions: ['indices:data/read/search'] },
    ]);
  });

  it('exits with 1 and says so when the endpoint refuses the caller', async () => {
    openSearch.answer(403, { message: 'User: anonymous is not authorized to perform: es:ESHttpPost' });
    const { code, stderr } = await runOrders('stats', '--endpoint', openSearch.url());
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^orders: not authorised: http:\/\/127\.0\.0\.1:\d+ answered 403 User: anonymous is not authorized to perform: es:ESHttpPost \(.*your role must be named in the domain's access policy, e\.g\. the stack's analysts role\)\n$/,
    );
  });

  it('exits with 1 and says that no orders are indexed yet when the alias does not exist', async () => {
    openSearch.answer(404, {
      error: { type: 'index_not_found_exception', reason: 'no such index [orders]' },
      status: 404,
    });
    const { code, stderr } = await runOrders('search', '--endpoint', openSearch.url());
    expect(code).toBe(1);
    expect(stderr).toMatch(/^orders: no orders indexed yet: .* has no index or alias orders /);
  });

  it('exits with 1 when the local stack has not been started', async () => {
    const { code, stderr } = await runOrders('search', '--outputs', '/nonexistent/outputs.json');
    expect(code).toBe(1);
    expect(stderr).toMatch(/does not exist: is the local stack running\? Start it with npm start/);
  });
});
