import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { run as runOrdersCli } from '../../cli/orders/main';
import { localClientConfig } from '../../local/aws-config';
import { type OpenSearchNode, startOpenSearchNode } from '../../local/opensearch/opensearch-node';
import { SnsOrderPublisher } from '../../src/adapters/sns-order-publisher';
import type { OrderRequest } from '../../src/domain/order';
import { anOrderEvent, anOrderOfAmount } from '../factories/order';
import { cardDataIn } from '../helpers/card-data';
import { runCli } from '../helpers/cli';
import { type LocalStackProcess, startLocalStackProcess } from './local-stack-process';
import { PartnerClient } from './partner-client';
import { eventually } from './stack-outputs';

/** The pipeline's retry duration (RetryDurationInSeconds in pipelines/search-analytics/template.yaml). */
const RETRY_DURATION_SECONDS = 30;

/**
 * A local stack of this file's own, whose OpenSearch node the test starts itself (OPENSEARCH_URL), so
 * that it can stop it and see what the pipeline does while the domain is down.
 */
describe('the search and analytics pipeline through the local stack', () => {
  let node: OpenSearchNode;
  let stack: LocalStackProcess;
  let s3: S3Client;

  const post = async (order: OrderRequest) => {
    const response = await new PartnerClient(stack.outputs).postOrder(order);
    expect(response.status).toBe(202);
  };

  type IndexedOrder = { _index: string; _source: Record<string, unknown> };

  /**
   * The indexed orders among `ids`. Until Firehose's first bulk request creates the day's index, the
   * alias does not exist (404); while that index's primary shard is still starting, a search answers
   * 503 (all shards failed). Both mean "nothing searchable yet"; any other error fails the test.
   */
  const indexedOrders = async (ids: string[]): Promise<IndexedOrder[]> => {
    const response = await fetch(`${node.url}/${stack.outputs.SearchIndexAlias}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 100, query: { terms: { id: ids } } }),
    });
    if (response.status === 404 || response.status === 503) return [];
    const body = await response.text();
    if (!response.ok) throw new Error(`OpenSearch answered the search with ${response.status}: ${body}`);
    return (JSON.parse(body) as { hits: { hits: IndexedOrder[] } }).hits.hits;
  };

  const backedUpDocuments = async () => {
    const documents: { esIndexName: string; errorCode: string; document: { id: string } }[] = [];
    const bucket = stack.outputs.SearchBackupBucketName as string;
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: 'failed/' })) {
      for (const object of page.Contents ?? []) {
        const body = await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }))
        ).Body?.transformToByteArray();
        for (const line of gunzipSync(Buffer.from(body ?? []))
          .toString('utf8')
          .split('\n')
          .filter(Boolean)) {
          const record = JSON.parse(line) as { rawData: string; esIndexName: string; errorCode: string };
          documents.push({
            ...record,
            document: JSON.parse(Buffer.from(record.rawData, 'base64').toString('utf8')),
          });
        }
      }
    }
    return documents;
  };

  beforeAll(async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'checkout-search-'));
    node = await startOpenSearchNode({
      dataDir: join(stateDir, 'node'),
      logFile: join(stateDir, 'opensearch.log'),
    });
    stack = await startLocalStackProcess(stateDir, { LOCAL_SKIP_BUILD: '1', OPENSEARCH_URL: node.url });
    s3 = new S3Client(localClientConfig(stack.outputs.AwsEndpointUrl as string, stack.outputs.Region));
  });

  afterAll(async () => {
    await stack?.interrupt();
    await node?.stop();
  });

  it('indexes exactly the orders of 100 or more, without card data, behind the alias', async () => {
    const orders = [150, 99.99, 100, 50, 250.5].map((amount) =>
      anOrderOfAmount(amount, { notes: 'card 4111 1111 1111 1111, call +44 20 7946 0958' }),
    );
    for (const order of orders) await post(order);
    const expected = orders.filter((order) => order.payment.amount >= 100).map((order) => order.id);

    const indexed = await eventually(
      async () => {
        const hits = await indexedOrders(orders.map((order) => order.id));
        return hits.length >= expected.length ? hits : undefined;
      },
      30_000,
      'the orders of 100 or more in OpenSearch',
    );
    // The others are filtered out by the subscription: give them the same time to (not) arrive.
    await new Promise((resolveWait) => setTimeout(resolveWait, 3000));
    const final = await indexedOrders(orders.map((order) => order.id));

    expect(final.map((hit) => hit._source.id).sort()).toEqual([...expected].sort());
    expect(indexed.every((hit) => /^orders-\d{4}-\d{2}-\d{2}$/.test(hit._index))).toBe(true);
    for (const hit of final) {
      expect((hit._source.payment as Record<string, unknown>).card).toEqual({
        network: 'visa',
        last4: '1111',
      });
      expect(cardDataIn(JSON.stringify(hit._source), { number: '4111111111111111', cvv: '123' })).toEqual([]);
      expect(hit._source.notes).toContain('+44 20 7946 0958');
    }
  });

  it('lists and counts once an order the topic delivered twice', async () => {
    // Published straight to the topic twice, body and attributes as the API publishes them: SNS delivers at
    // least once, and Firehose indexes every delivery under a document id of its own.
    const order = anOrderEvent(anOrderOfAmount(180.5));
    const sns = new SNSClient(
      localClientConfig(stack.outputs.AwsEndpointUrl as string, stack.outputs.Region),
    );
    const publisher = new SnsOrderPublisher(sns, stack.outputs.TopicArn as string);
    await publisher.publish(order);
    await publisher.publish(order);

    // Both deliveries indexed: the second replaced the first, under the order id.
    const indexed = await eventually(
      async () => {
        const response = await fetch(`${node.url}/${stack.outputs.SearchIndexAlias}/_search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ version: true, query: { term: { id: order.id } } }),
        });
        if (!response.ok) return undefined;
        const { hits } = (await response.json()) as {
          hits: { hits: { _id: string; _index: string; _version: number }[] };
        };
        return hits.hits.some((hit) => hit._version >= 2) ? hits.hits : undefined;
      },
      30_000,
      'the second delivery of the order in OpenSearch',
    );
    expect(indexed.map(({ _id, _index, _version }) => ({ _id, _index, _version }))).toEqual([
      { _id: order.id, _index: 'orders-2026-11-21', _version: 2 },
    ]);

    const orders = (...argv: string[]) =>
      runCli(
        runOrdersCli,
        [
          ...argv,
          '--customer',
          order.customer.id,
          '--json',
          '--outputs',
          join(stack.stateDir, 'outputs.json'),
        ],
        {
          env: {},
        },
      );
    const lines = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const search = await orders('search');
    expect({ code: search.code, stderr: search.stderr }).toEqual({
      code: 0,
      stderr: '1 of 1 matching order, newest first\n',
    });
    expect(lines(search.stdout).map(({ id }) => id)).toEqual([order.id]);
    const stats = await orders('stats', '--by', 'day');
    expect(stats.code).toBe(0);
    expect(lines(stats.stdout)).toEqual([
      { day: '2026-11-21', orders: 1, revenue: 180.5, revenueByCurrency: { EUR: 180.5 } },
    ]);
    expect(stats.stderr).toMatch(/^1 matching order, revenue 180\.50 EUR, /);
  });

  it('backs up to S3 every order sent while OpenSearch is down for longer than the retry duration', async () => {
    await node.stop();
    const orders = [anOrderOfAmount(180), anOrderOfAmount(320.25)];
    for (const order of orders) await post(order);

    const backedUp = await eventually(
      async () => {
        const documents = (await backedUpDocuments()).filter((entry) =>
          orders.some((order) => order.id === entry.document.id),
        );
        return documents.length >= orders.length ? documents : undefined;
      },
      (RETRY_DURATION_SECONDS + 40) * 1000,
      'the orders in the backup bucket',
    );

    expect(backedUp.map((entry) => entry.document.id).sort()).toEqual(orders.map((order) => order.id).sort());
    for (const entry of backedUp) {
      expect(entry.errorCode).toBe('OpenSearch.ConnectionFailed');
      expect(entry.esIndexName).toMatch(/^orders-\d{4}-\d{2}-\d{2}$/);
      expect(cardDataIn(JSON.stringify(entry.document), { number: '4111111111111111', cvv: '123' })).toEqual(
        [],
      );
    }
  });
});
