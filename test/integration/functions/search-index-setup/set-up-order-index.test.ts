import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Client } from '@opensearch-project/opensearch';
import { type OpenSearchNode, startOpenSearchNode } from '../../../../local/opensearch/opensearch-node';
import { plainOpenSearchClient } from '../../../../src/adapters/opensearch-client';
import type { OrderEvent } from '../../../../src/domain/order';
import { type IndexRotationPeriod, ORDER_MAPPINGS, rotatedIndexName } from '../../../../src/domain/search';
import {
  removeOrderIndexSetup,
  setUpOrderIndex,
} from '../../../../src/functions/search-index-setup/set-up-order-index';
import { anOrderEvent, anOrderOfAmount } from '../../../factories/order';
import { aFirehoseBulkBody, anOrderIndexSettings } from '../../../factories/order-index';
import { makeTempDir } from '../../../helpers/local-runtime';

// A real OpenSearch node from local/opensearch/runner: without a JDK 17+ these tests fail and say why.
jest.setTimeout(120_000);

const SETTINGS = anOrderIndexSettings();

/** An order as the transform indexes it: the order event, its card reduced to network and last 4. */
const indexedOrder = (amount: number, overrides: Parameters<typeof anOrderOfAmount>[1] = {}): OrderEvent => {
  const order = anOrderOfAmount(amount, overrides);
  return anOrderEvent({ ...order, payment: order.payment });
};

/** A field of an index mapping, with its sub-fields. */
interface FieldMapping {
  type?: string;
  properties?: Record<string, FieldMapping>;
  [setting: string]: unknown;
}

interface Hits {
  hits: { total: { value: number }; hits: { _id: string; _index: string; _source: { id: string } }[] };
}

describe('setUpOrderIndex on a real OpenSearch node', () => {
  const dir = makeTempDir('set-up-order-index');
  const logger = new Logger({ serviceName: 'search-index-setup-test', logLevel: 'SILENT' });
  let node: OpenSearchNode;
  let client: Client;

  beforeAll(async () => {
    node = await startOpenSearchNode({
      dataDir: join(dir.path, 'home'),
      logFile: join(dir.path, 'opensearch.log'),
    });
    client = plainOpenSearchClient(node.url);
  });

  afterAll(async () => {
    await node?.stop();
    dir.remove();
  });

  afterEach(() => jest.restoreAllMocks());

  const index = async (indexName: string, id: string, document: object) => {
    await client.index({ index: indexName, id, body: document, refresh: true });
  };

  const search = async (target: string, query: object) =>
    (await client.search({ index: target, body: { query } })).body as unknown as Hits;

  const idsFound = async (target: string, query: object) =>
    (await search(target, query)).hits.hits.map((hit) => hit._source.id).sort();

  describe('on a node without the index management plugin', () => {
    it('creates the template, reports the retention policy as unavailable with a warning, and does not fail', async () => {
      const warn = jest.spyOn(logger, 'warn');

      const result = await setUpOrderIndex(client, SETTINGS, logger);

      expect(result).toEqual({
        IndexTemplate: 'orders-template',
        Alias: 'orders',
        RetentionPolicy: 'unavailable',
      });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('no index state management plugin'));
      const { body } = await client.indices.getIndexTemplate({ name: 'orders-template' });
      const [stored] = (
        body as { index_templates: { name: string; index_template: Record<string, unknown> }[] }
      ).index_templates;
      expect(stored?.name).toBe('orders-template');
      expect(stored?.index_template).toMatchObject({
        index_patterns: ['orders-*'],
        template: {
          aliases: { orders: {} },
          settings: {
            index: {
              number_of_replicas: '0',
              number_of_shards: '1',
              default_pipeline: 'orders-one-per-order',
            },
          },
        },
      });
      const { body: pipelines } = await client.ingest.getPipeline({ id: 'orders-one-per-order' });
      expect(Object.keys(pipelines)).toEqual(['orders-one-per-order']);
    });
  });

  describe('a rotated index', () => {
    const rotated = rotatedIndexName('orders', 'OneDay', new Date('2026-11-21T10:15:30Z'));
    const big = indexedOrder(150.25, { customer: { name: 'Grace Hopper' } });
    const small = indexedOrder(49.99, {
      items: [{ sku: 'PEN-042', name: 'Fountain pen', quantity: 1, unitPrice: 49.99 }],
    });

    beforeAll(async () => {
      await setUpOrderIndex(client, SETTINGS, logger);
      expect(rotated).toBe('orders-2026-11-21');
      await index(rotated, 'record-1', big);
      await index(rotated, 'record-2', small);
    });

    it('gets the typed mapping of the template', async () => {
      const { body } = await client.indices.getMapping({ index: rotated });
      const mappings = (body as Record<string, { mappings: FieldMapping }>)[rotated]?.mappings;
      const field = (path: string) =>
        path
          .split('.')
          .reduce<FieldMapping | undefined>((mapping, name) => mapping?.properties?.[name], mappings);
      expect(field('payment.amount')).toEqual({ type: 'scaled_float', scaling_factor: 100 });
      expect(field('items.unitPrice')).toEqual({ type: 'scaled_float', scaling_factor: 100 });
      expect(field('date')).toEqual(ORDER_MAPPINGS.properties.date);
      expect(field('id')).toEqual({ type: 'keyword' });
      expect(field('customer.id')).toEqual({ type: 'keyword' });
      expect(field('items.sku')).toEqual({ type: 'keyword' });
      expect(field('payment.card.network')).toEqual({ type: 'keyword' });
      expect(field('payment.card.last4')).toEqual({ type: 'keyword' });
      expect(field('customer.name')).toEqual({
        type: 'text',
        fields: { raw: { type: 'keyword', ignore_above: 256 } },
      });
    });

    it('is green on a single node, with the replicas of the settings', async () => {
      const { body } = await client.cluster.health({
        index: rotated,
        wait_for_status: 'green',
        timeout: '10s',
      });
      expect((body as { status: string }).status).toBe('green');
    });

    it('is found through the alias named as the index, each order under its own id', async () => {
      const { body } = await client.indices.getAlias({ name: 'orders' });
      expect(Object.keys(body)).toContain(rotated);

      const found = await search('orders', { match_all: {} });
      expect(found.hits.hits.map((hit) => [hit._index, hit._id]).sort()).toEqual(
        [
          [rotated, big.id],
          [rotated, small.id],
        ].sort(),
      );
    });

    it('answers numeric, date, keyword and word queries as the types promise', async () => {
      expect(await idsFound('orders', { range: { 'payment.amount': { gte: 100 } } })).toEqual([big.id]);
      expect(await idsFound('orders', { range: { 'payment.amount': { lt: 50 } } })).toEqual([small.id]);
      expect(
        await idsFound('orders', {
          range: { date: { gte: '2026-11-21T10:00:00Z', lt: '2026-11-21T11:00:00Z' } },
        }),
      ).toEqual([big.id, small.id].sort());
      expect(await idsFound('orders', { range: { date: { gte: '2026-11-22' } } })).toEqual([]);
      expect(await idsFound('orders', { term: { 'items.sku': 'GIFT-CARD' } })).toEqual([big.id]);
      // A keyword matches exactly only: part of an sku finds nothing.
      expect(await idsFound('orders', { term: { 'items.sku': 'GIFT' } })).toEqual([]);
      expect(await idsFound('orders', { match: { 'customer.name': 'hopper' } })).toEqual([big.id]);
      expect(await idsFound('orders', { term: { 'customer.name.raw': 'Grace Hopper' } })).toEqual([big.id]);
    });

    it('sums amounts exactly to the cent', async () => {
      const { body } = await client.search({
        index: 'orders',
        body: { size: 0, aggs: { revenue: { sum: { field: 'payment.amount' } } } },
      });
      const revenue = (body as unknown as { aggregations: { revenue: { value: number } } }).aggregations
        .revenue.value;
      expect(revenue).toBeCloseTo(200.24, 2);
    });

    it('stays as it is when the set-up runs again, which is harmless', async () => {
      await expect(setUpOrderIndex(client, SETTINGS, logger)).resolves.toEqual({
        IndexTemplate: 'orders-template',
        Alias: 'orders',
        RetentionPolicy: 'unavailable',
      });
      expect((await search('orders', { match_all: {} })).hits.total.value).toBe(2);
      const { body } = await client.indices.getIndexTemplate({ name: 'orders-template' });
      expect((body as { index_templates: unknown[] }).index_templates).toHaveLength(1);
    });

    it('gets the new settings of a set-up run again with them, from its next rotated index on', async () => {
      await setUpOrderIndex(client, { ...SETTINGS, replicas: 1 }, logger);
      const next = rotatedIndexName('orders', 'OneDay', new Date('2026-11-22T00:00:00Z'));
      await index(next, 'record-3', indexedOrder(120, { date: '2026-11-22T08:00:00Z' }));

      const { body } = await client.indices.getSettings({ index: [rotated, next].join(',') });
      const replicas = (name: string) =>
        (body as Record<string, { settings: { index: { number_of_replicas: string } } }>)[name]?.settings
          .index.number_of_replicas;
      expect(replicas(rotated)).toBe('0');
      expect(replicas(next)).toBe('1');
      await setUpOrderIndex(client, SETTINGS, logger);
      await client.indices.delete({ index: next });
    });
  });

  describe('the one-per-order pipeline', () => {
    const SHOP = anOrderIndexSettings({ indexName: 'shop' });

    interface BulkItem {
      index: { _index: string; _id: string; result?: string; status: number; error?: unknown };
    }

    /** Bulk-indexes the documents as Firehose does; gives back where each went, as OpenSearch answered. */
    const deliver = async (documents: object[], deliveredAt: Date, settings = SHOP) => {
      const { body } = await client.bulk({
        body: aFirehoseBulkBody(documents, { deliveredAt, settings }),
        refresh: true,
      });
      const items = (body as unknown as { items: BulkItem[] }).items.map(({ index }) => index);
      expect(items.filter((item) => item.status >= 300)).toEqual([]);
      return items.map(({ _index, _id, result }) => ({ index: _index, id: _id, result }));
    };

    const hitsFor = async (target: string, query: object) => {
      const { body } = await client.search({ index: target, body: { query, size: 100 } });
      return (body as unknown as Hits).hits.hits.map(({ _index, _id, _source }) => ({
        _index,
        _id,
        _source,
      }));
    };

    beforeAll(async () => {
      await setUpOrderIndex(client, SHOP, logger);
    });

    it('keeps one document per order that Firehose delivers twice, under ids of its own, the second time days later', async () => {
      // 22:30 on the 21st in New York is 03:30 on the 22nd in UTC: the order's UTC day is the 22nd.
      const order = indexedOrder(180, { date: '2026-11-21T22:30:00-05:00' });

      const first = await deliver([order], new Date('2026-11-22T03:30:05Z'));
      const second = await deliver([order], new Date('2026-11-25T10:00:00Z'));

      expect(first).toEqual([{ index: 'shop-2026-11-22', id: order.id, result: 'created' }]);
      expect(second).toEqual([{ index: 'shop-2026-11-22', id: order.id, result: 'updated' }]);
      expect(await hitsFor('shop', { term: { id: order.id } })).toEqual([
        { _index: 'shop-2026-11-22', _id: order.id, _source: order },
      ]);
      // The index of the second delivery's day was never created: nothing was left in it.
      expect((await client.indices.exists({ index: 'shop-2026-11-25' })).body).toBe(false);
    });

    it('keeps one document per order delivered twice in the same batch', async () => {
      const order = indexedOrder(220);

      const delivered = await deliver([order, order], new Date('2026-11-21T10:16:00Z'));

      expect(delivered.map(({ id, result }) => [id, result])).toEqual([
        [order.id, 'created'],
        [order.id, 'updated'],
      ]);
      expect(await hitsFor('shop', { term: { id: order.id } })).toHaveLength(1);
    });

    it("indexes a record the transform quarantined under Firehose's id, in the index of its delivery", async () => {
      const quarantined = {
        quarantine: { reason: 'the record is not valid JSON', maskedText: 'pay **** 1111' },
      };

      const [delivered] = await deliver([quarantined], new Date('2026-11-26T08:00:00Z'));

      expect(delivered).toMatchObject({ index: 'shop-2026-11-26', result: 'created' });
      expect(await hitsFor('shop', { exists: { field: 'quarantine.reason' } })).toEqual([
        { _index: 'shop-2026-11-26', _id: delivered?.id, _source: quarantined },
      ]);
    });

    it('indexes an order whose date does not parse under its id, in the index of its delivery, its date as written', async () => {
      const order = { ...indexedOrder(130), date: '21/11/2026 10:15' };

      const first = await deliver([order], new Date('2026-11-27T09:00:00Z'));
      await deliver([order], new Date('2026-11-27T09:05:00Z'));

      expect(first).toEqual([{ index: 'shop-2026-11-27', id: order.id, result: 'created' }]);
      const { body } = await client.get({ index: 'shop-2026-11-27', id: order.id });
      const stored = body as unknown as { _source: object; _version: number; _ignored?: string[] };
      expect(stored._source).toEqual(order);
      expect(stored._version).toBe(2);
      // Kept, only not searchable by date.
      expect(stored._ignored).toEqual(['date']);
      expect(await hitsFor('shop', { term: { 'customer.id': order.customer.id } })).toHaveLength(1);
    });

    it('indexes an order without a date under its id, in the index of its delivery', async () => {
      const { date: _, ...order } = indexedOrder(140);

      expect(await deliver([order], new Date('2026-11-28T09:00:00Z'))).toEqual([
        { index: 'shop-2026-11-28', id: order.id, result: 'created' },
      ]);
    });

    it("leaves Firehose its id when the order's id is not one the order schema allows", async () => {
      const long = { ...indexedOrder(150), id: 'x'.repeat(129) };
      const numeric = { ...indexedOrder(160), id: 42 };
      const empty = { ...indexedOrder(170), id: '' };

      const delivered = await deliver([long, numeric, empty], new Date('2026-11-21T11:00:00Z'));

      for (const { id, result } of delivered) {
        expect(result).toBe('created');
        expect(id).toMatch(/^\d+-[0-9a-f-]{36}$/);
      }
    });

    describe.each<IndexRotationPeriod>(['OneHour', 'OneDay', 'OneWeek', 'OneMonth'])(
      'with the delivery stream rotated %s',
      (rotation) => {
        const settings = anOrderIndexSettings({ indexName: `by-${rotation.toLowerCase()}`, rotation });
        // The edges of hours, days, ISO weeks, months and years, in UTC and with offsets.
        const dates = [
          '2021-01-03T12:00:00Z',
          '2021-01-04T00:00:00Z',
          '2020-12-31T23:59:59Z',
          '2026-12-31T10:00:00Z',
          '2027-01-01T10:00:00Z',
          '2027-01-04T10:00:00Z',
          '2024-12-29T23:00:00Z',
          '2024-12-30T00:00:00Z',
          '2025-12-29T08:00:00Z',
          '2026-01-01T00:00:00Z',
          '2026-11-22T23:59:59.999Z',
          '2026-11-23T00:00:00.000Z',
          '2027-01-01T01:30:00+01:00',
          '2026-12-31T20:00:00-05:00',
          '2024-02-29T12:34:56.789Z',
          '2026-11-21',
        ];

        it('files each order under the index rotatedIndexName names for its date, the document unchanged', async () => {
          await setUpOrderIndex(client, settings, logger);
          const orders = dates.map((date) => indexedOrder(100, { date }));

          const delivered = await deliver(orders, new Date('2030-06-15T12:00:00Z'), settings);

          expect(delivered.map(({ index, id }) => [id, index])).toEqual(
            orders.map((order) => [
              order.id,
              rotatedIndexName(settings.indexName, rotation, new Date(order.date)),
            ]),
          );
          const stored = await hitsFor(settings.indexName, { match_all: {} });
          expect(stored.map((hit) => hit._source).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
            [...orders].sort((a, b) => a.id.localeCompare(b.id)),
          );
        });
      },
    );

    it('gives the pipeline to the rotated indices that exist already when the set-up runs', async () => {
      // An index of a stack set up before the pipeline existed.
      await client.indices.create({ index: 'legacy-2026-11-20' });
      const legacy = anOrderIndexSettings({ indexName: 'legacy' });

      await setUpOrderIndex(client, legacy, logger);

      const { body } = await client.indices.getSettings({ index: 'legacy-2026-11-20' });
      expect(
        (body as Record<string, { settings: { index: { default_pipeline?: string } } }>)['legacy-2026-11-20']
          ?.settings.index.default_pipeline,
      ).toBe('legacy-one-per-order');
      const order = indexedOrder(190, { date: '2026-11-20T09:00:00Z' });
      await deliver([order], new Date('2026-11-20T09:00:01Z'), legacy);
      await deliver([order], new Date('2026-11-20T09:00:02Z'), legacy);
      expect((await client.count({ index: 'legacy-*' })).body.count).toBe(1);
    });
  });

  describe('removeOrderIndexSetup', () => {
    it('removes the template and keeps the indices, their documents and their alias', async () => {
      await setUpOrderIndex(client, SETTINGS, logger);
      const kept = rotatedIndexName('orders', 'OneDay', new Date('2026-11-23T08:00:00Z'));
      await index(kept, 'kept-1', indexedOrder(300, { date: '2026-11-23T08:00:00Z' }));

      await removeOrderIndexSetup(client, 'orders');

      const template = await client.indices.existsIndexTemplate({ name: 'orders-template' });
      expect(template.body).toBe(false);
      expect((await client.indices.exists({ index: kept })).body).toBe(true);
      expect((await client.count({ index: kept })).body.count).toBe(1);
      expect(Object.keys((await client.indices.getAlias({ name: 'orders' })).body)).toContain(kept);

      // Indices created from now on are plain: no alias, amounts typed by dynamic mapping.
      const after = rotatedIndexName('orders', 'OneDay', new Date('2026-11-24T08:00:00Z'));
      await index(after, 'after-1', indexedOrder(10, { date: '2026-11-24T08:00:00Z' }));
      expect(Object.keys((await client.indices.getAlias({ name: 'orders' })).body)).not.toContain(after);
      // The pipeline stays: the indices that stay name it as their default pipeline and still take documents.
      const { body: pipelines } = await client.ingest.getPipeline({ id: 'orders-one-per-order' });
      expect(Object.keys(pipelines)).toEqual(['orders-one-per-order']);
      await index(kept, 'kept-2', indexedOrder(310, { date: '2026-11-23T09:00:00Z' }));
      expect((await client.count({ index: kept })).body.count).toBe(2);
    });

    it('is harmless when there is nothing left to remove', async () => {
      await expect(removeOrderIndexSetup(client, 'orders')).resolves.toBeUndefined();
      await expect(removeOrderIndexSetup(client, 'never-set-up')).resolves.toBeUndefined();
    });
  });
});
