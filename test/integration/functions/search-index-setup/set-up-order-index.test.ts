import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Client } from '@opensearch-project/opensearch';
import { type OpenSearchNode, startOpenSearchNode } from '../../../../local/opensearch/opensearch-node';
import { plainOpenSearchClient } from '../../../../src/adapters/opensearch-client';
import type { OrderEvent } from '../../../../src/domain/order';
import { ORDER_MAPPINGS, rotatedIndexName } from '../../../../src/domain/search';
import {
  removeOrderIndexSetup,
  setUpOrderIndex,
} from '../../../../src/functions/search-index-setup/set-up-order-index';
import { anOrderEvent, anOrderOfAmount } from '../../../factories/order';
import { makeTempDir } from '../../../helpers/local-runtime';

// A real OpenSearch node from local/opensearch/runner: without a JDK 17+ these tests fail and say why.
jest.setTimeout(120_000);

const SETTINGS = { indexName: 'orders', replicas: 0, retentionDays: 30 };

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
          settings: { index: { number_of_replicas: '0', number_of_shards: '1' } },
        },
      });
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

    it('is found through the alias named as the index', async () => {
      const { body } = await client.indices.getAlias({ name: 'orders' });
      expect(Object.keys(body)).toContain(rotated);

      const found = await search('orders', { match_all: {} });
      expect(found.hits.hits.map((hit) => [hit._index, hit._id]).sort()).toEqual([
        [rotated, 'record-1'],
        [rotated, 'record-2'],
      ]);
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
      await index(next, 'record-3', indexedOrder(120));

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

  describe('removeOrderIndexSetup', () => {
    it('removes the template and keeps the indices, their documents and their alias', async () => {
      await setUpOrderIndex(client, SETTINGS, logger);
      const kept = rotatedIndexName('orders', 'OneDay', new Date('2026-11-23T08:00:00Z'));
      await index(kept, 'kept-1', indexedOrder(300));

      await removeOrderIndexSetup(client, 'orders');

      const template = await client.indices.existsIndexTemplate({ name: 'orders-template' });
      expect(template.body).toBe(false);
      expect((await client.indices.exists({ index: kept })).body).toBe(true);
      expect((await client.count({ index: kept })).body.count).toBe(1);
      expect(Object.keys((await client.indices.getAlias({ name: 'orders' })).body)).toContain(kept);

      // Indices created from now on are plain: no alias, amounts typed by dynamic mapping.
      const after = rotatedIndexName('orders', 'OneDay', new Date('2026-11-24T08:00:00Z'));
      await index(after, 'after-1', indexedOrder(10));
      expect(Object.keys((await client.indices.getAlias({ name: 'orders' })).body)).not.toContain(after);
    });

    it('is harmless when there is nothing left to remove', async () => {
      await expect(removeOrderIndexSetup(client, 'orders')).resolves.toBeUndefined();
      await expect(removeOrderIndexSetup(client, 'never-set-up')).resolves.toBeUndefined();
    });
  });
});
