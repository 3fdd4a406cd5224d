import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../../local/aws-config';
import type {
  DeliveryStreamDefinition,
  LocalDeliveryStream,
} from '../../../../../local/firehose/delivery-stream';
import type { ErrorOutputRecord } from '../../../../../local/firehose/destination';
import type {
  FailedDocumentRecord,
  OpenSearchDestinationSettings,
} from '../../../../../local/firehose/destinations/opensearch';
import { FunctionHost } from '../../../../../local/lambda/function-host';
import { type OpenSearchNode, startOpenSearchNode } from '../../../../../local/opensearch/opensearch-node';
import { plainOpenSearchClient } from '../../../../../src/adapters/opensearch-client';
import { indexTemplateName, orderIndexTemplate, rotatedIndexName } from '../../../../../src/domain/search';
import { setUpOrderIndex } from '../../../../../src/functions/search-index-setup/set-up-order-index';
import { aDeliveryStreamDefinition, anOpenSearchDestination } from '../../../../factories/delivery-stream';
import { anOrderIndexSettings } from '../../../../factories/order-index';
import { aLocalDeliveryStream } from '../../../../helpers/delivery-stream';
import { makeTempDir, type RecordedLog, recordingLog, writeFile } from '../../../../helpers/local-runtime';
import { useMotoServer } from '../../../../helpers/moto';

// A real OpenSearch node (local/opensearch/runner) and moto's S3: without a JDK 17+ this fails and says why.
jest.setTimeout(120_000);

/** Removes the card from each order, as the card-data transform does; an order with "fail" is ProcessingFailed. */
const PROCESSOR = `
export const handler = async (event) => ({
  records: event.records.map(({ recordId, data }) => {
    const order = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
    if (order.fail) return { recordId, result: 'ProcessingFailed', data };
    const { card, ...payment } = order.payment;
    const text = JSON.stringify({ ...order, payment, transformed: true }) + '\\n';
    return { recordId, result: 'Ok', data: Buffer.from(text).toString('base64') };
  }),
});`;

const FAILED_FORMAT_KEYS = [
  'attemptEndingTimestamp',
  'attemptsMade',
  'arrivalTimestamp',
  'errorCode',
  'errorMessage',
  'esDocumentId',
  'esIndexName',
  'rawData',
].sort();

describe('a local delivery stream with an OpenSearch Service destination', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('opensearch-destination');
  const home = join(dir.path, 'opensearch-home');
  const openSearchLog = join(dir.path, 'opensearch.log');
  writeFile(dir.path, 'processor/index.mjs', PROCESSOR);

  let node: OpenSearchNode;
  let port: number;
  let search: Client;
  let s3: S3Client;
  let functions: FunctionHost;
  let kmsKeyArn: string;
  const streams: LocalDeliveryStream[] = [];
  let fixtures = 0;

  beforeAll(async () => {
    node = await startOpenSearchNode({ dataDir: home, logFile: openSearchLog });
    port = Number(new URL(node.url).port);
    search = plainOpenSearchClient(node.url);
    // As the pipeline's custom resource does before the stream exists, but without the one-per-order ingest
    // pipeline as the indices' default: these tests look at the ids and indices Firehose itself gives the
    // documents, which that pipeline replaces with the order's (test/integration/functions/search-index-setup).
    const settings = anOrderIndexSettings();
    await setUpOrderIndex(search, settings, new Logger({ logLevel: 'SILENT' }));
    const template = orderIndexTemplate(settings);
    const { default_pipeline: _, ...withoutPipeline } = template.template.settings;
    await search.indices.putIndexTemplate({
      name: indexTemplateName('orders'),
      body: { ...template, template: { ...template.template, settings: withoutPipeline } },
    });
    s3 = new S3Client(moto.clientConfig());
    functions = new FunctionHost(moto.environment(), dir.path);
    functions.register({
      name: 'card-data-transform',
      logicalId: 'Transform',
      artifactDir: join(dir.path, 'processor'),
      handler: 'index.handler',
      timeoutSeconds: 10,
      memoryMb: 128,
      arn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:card-data-transform`,
      environment: {},
    });
    const { KeyMetadata } = await new KMSClient(moto.clientConfig()).send(new CreateKeyCommand({}));
    kmsKeyArn = KeyMetadata?.Arn as string;
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.stop()));
  });

  afterAll(async () => {
    await functions?.stop();
    await node?.stop();
    dir.remove();
  });

  /** Starts the node again on its home and port, as a restarted domain: the indices are still there. */
  const restartNode = async () => {
    node = await startOpenSearchNode({ dataDir: home, logFile: openSearchLog, port });
    expect(node.url).toBe(`http://127.0.0.1:${port}`);
  };

  interface Fixture {
    stream: LocalDeliveryStream;
    bucket: string;
    log: RecordedLog;
  }

  /**
   * A bucket and a stream of their own, set up as the search pipeline's: index `orders` rotated daily, failed
   * documents backed up under failed/, GZIP, SSE-KMS. Flushed by the tests.
   */
  const setUp = async ({
    openSearch = {},
    transform = false,
    ...definition
  }: Partial<Omit<DeliveryStreamDefinition, 'openSearch'>> & {
    openSearch?: Partial<OpenSearchDestinationSettings>;
    transform?: boolean;
  } = {}): Promise<Fixture> => {
    fixtures += 1;
    const name = `search-stream-${fixtures}`;
    const bucket = `search-backup-${fixtures}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const log = recordingLog();
    const stream = aLocalDeliveryStream(
      aDeliveryStreamDefinition({
        name,
        label: name,
        bucketName: bucket,
        prefix: 'failed/',
        errorOutputPrefix: 'failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
        kmsKeyArn,
        processor: transform
          ? {
              functionName: 'card-data-transform',
              functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:card-data-transform:live`,
              numberOfRetries: 0,
              bufferSizeBytes: 1024 * 1024,
            }
          : undefined,
        openSearch: anOpenSearchDestination(node.url, openSearch),
        ...definition,
      }),
      {
        s3,
        invoke: (functionName, event) => functions.invoke(functionName, event),
        log,
        retryDelayMs: 250,
      },
    );
    streams.push(stream);
    return { stream, bucket, log };
  };

  const orderJson = (id: string, amount: number, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ id, date: '2026-11-21T10:15:30Z', payment: { amount, currency: 'EUR' }, ...extra });

  /** Puts each record; gives back the record ids and the rotated index names they may go to. */
  const put = (stream: LocalDeliveryStream, ...records: string[]) => {
    const before = new Date();
    const ids = records.map((record) => stream.putRecord(Buffer.from(record)));
    const after = new Date();
    const indices = [...new Set([before, after].map((time) => rotatedIndexName('orders', 'OneDay', time)))];
    return { ids, indices };
  };

  /** The document with this _id in any of the indices, with the index it is in. */
  const indexed = async (indices: string[], id: string) => {
    await search.indices.refresh({ index: 'orders-*' });
    const { body } = await search.search({
      index: 'orders-*',
      body: { query: { ids: { values: [id] } } },
    });
    const hits = (body as { hits: { hits: { _index: string; _source: Record<string, unknown> }[] } }).hits
      .hits;
    if (hits.length === 0) return undefined;
    expect(hits).toHaveLength(1);
    expect(indices).toContain(hits[0]?._index);
    return hits[0];
  };

  const keysIn = async (bucket: string, prefix = '') => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return Contents.map((object) => object.Key as string).sort();
  };

  const linesOf = async (bucket: string, key: string) => {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from((await Body?.transformToByteArray()) ?? []);
    return (key.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').trim().split('\n');
  };

  /** The backed-up documents of the one object under failed/AmazonOpenSearchService-failed/. */
  const backedUp = async (bucket: string) => {
    const keys = await keysIn(bucket, 'failed/AmazonOpenSearchService-failed/');
    expect(keys).toHaveLength(1);
    const key = keys[0] as string;
    return {
      key,
      records: (await linesOf(bucket, key)).map((line) => JSON.parse(line) as FailedDocumentRecord),
    };
  };

  const decoded = (record: { rawData: string }) => Buffer.from(record.rawData, 'base64').toString('utf8');

  describe('documents the domain accepts', () => {
    it('are indexed into the rotated index with the record id as _id, and nothing is backed up', async () => {
      const { stream, bucket, log } = await setUp();
      const first = orderJson('order-a1', 150);
      const second = orderJson('order-a2', 250.5);
      const { ids, indices } = put(stream, first, second);
      await stream.flush();

      const documents = await Promise.all(ids.map((id) => indexed(indices, id)));
      expect(documents.map((document) => document?._source)).toEqual([JSON.parse(first), JSON.parse(second)]);
      expect(await keysIn(bucket)).toEqual([]);
      expect(log.text()).toMatch(/order order-a1 indexed in orders-\d{4}-\d{2}-\d{2}/);
      expect(log.text()).toMatch(/order order-a2 indexed in orders-\d{4}-\d{2}-\d{2}/);
    });

    it('are indexed whole when their JSON spans several lines', async () => {
      const { stream } = await setUp();
      const pretty = JSON.stringify(JSON.parse(orderJson('order-m1', 175, { notes: 'a\nb' })), null, 2);
      expect(pretty.split('\n').length).toBeGreaterThan(3);
      const { ids, indices } = put(stream, `${pretty}\r\n`);
      await stream.flush();

      expect((await indexed(indices, ids[0] as string))?._source).toEqual(JSON.parse(pretty));
    });

    it('get the typed mapping and the alias of the template in their rotated index', async () => {
      const { stream } = await setUp();
      const { ids, indices } = put(stream, orderJson('order-b1', 99.95));
      await stream.flush();

      const document = await indexed(indices, ids[0] as string);
      const index = document?._index as string;
      const { body } = await search.indices.getMapping({ index });
      expect(JSON.stringify(body)).toContain('"amount":{"type":"scaled_float","scaling_factor":100}');
      expect(Object.keys((await search.indices.getAlias({ name: 'orders' })).body)).toContain(index);
    });

    it('rotate by the period given, here by the hour', async () => {
      const { stream } = await setUp({ openSearch: { rotation: 'OneHour' } });
      const before = new Date();
      const [id] = [stream.putRecord(Buffer.from(orderJson('order-h1', 120)))];
      const after = new Date();
      await stream.flush();

      const hourly = [before, after].map((time) => rotatedIndexName('orders', 'OneHour', time));
      const document = await indexed(hourly, id as string);
      expect(document?._index).toMatch(/^orders-\d{4}-\d{2}-\d{2}-\d{2}$/);
    });

    it('are the transformed records when there is a processor, and processing failures go to the error output', async () => {
      const { stream, bucket } = await setUp({ transform: true });
      const card = { number: '4111111111111111', cvv: '123' };
      const failing = orderJson('order-p2', 300, { fail: true });
      const { ids, indices } = put(
        stream,
        orderJson('order-p1', 200, { payment: { amount: 200, currency: 'EUR', card } }),
        failing,
      );
      await stream.flush();

      const document = await indexed(indices, ids[0] as string);
      expect(document?._source).toEqual({
        id: 'order-p1',
        date: '2026-11-21T10:15:30Z',
        payment: { amount: 200, currency: 'EUR' },
        transformed: true,
      });
      expect(await indexed(indices, ids[1] as string)).toBeUndefined();
      const errorKeys = await keysIn(bucket, 'failed/processing-failed/');
      expect(errorKeys).toHaveLength(1);
      const [failed, ...others] = (await linesOf(bucket, errorKeys[0] as string)).map(
        (line) => JSON.parse(line) as ErrorOutputRecord,
      );
      expect(others).toEqual([]);
      expect(failed).toMatchObject({
        errorCode: 'Lambda.ProcessingFailedStatus',
        rawData: Buffer.from(failing).toString('base64'),
      });
      expect(await keysIn(bucket, 'failed/AmazonOpenSearchService-failed/')).toEqual([]);
    });
  });

  describe('a document the domain refuses', () => {
    it('is backed up at once, in Firehose format, without retries, while the others are indexed', async () => {
      const { stream, bucket, log } = await setUp({ openSearch: { retryDurationSeconds: 60 } });
      const conflicting = JSON.stringify({ id: 'order-c2', payment: { amount: 'not a number' } });
      const started = Date.now();
      const { ids, indices } = put(stream, orderJson('order-c1', 180), conflicting);
      await stream.flush();

      expect(Date.now() - started).toBeLessThan(10_000);
      expect(log.lines.filter((line) => line.message.includes('retrying'))).toEqual([]);
      expect(await indexed(indices, ids[0] as string)).toBeDefined();
      expect(await indexed(indices, ids[1] as string)).toBeUndefined();

      const { key, records } = await backedUp(bucket);
      expect(key).toMatch(
        new RegExp(
          `^failed/AmazonOpenSearchService-failed/\\d{4}/\\d{2}/\\d{2}/\\d{2}/${stream.definition.name}-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}\\.gz$`,
        ),
      );
      expect(records).toHaveLength(1);
      const [failed] = records as [FailedDocumentRecord];
      expect(Object.keys(failed).sort()).toEqual(FAILED_FORMAT_KEYS);
      expect(failed).toMatchObject({
        attemptsMade: 1,
        errorCode: 'OpenSearch.mapper_parsing_exception',
        errorMessage: expect.stringContaining('payment.amount'),
        esDocumentId: ids[1],
        rawData: Buffer.from(conflicting).toString('base64'),
      });
      expect(indices).toContain(failed.esIndexName);
      expect(decoded(failed)).toBe(conflicting);
      expect(failed.arrivalTimestamp).toBeGreaterThanOrEqual(started);
      expect(failed.attemptEndingTimestamp).toBeGreaterThanOrEqual(failed.arrivalTimestamp);
      expect(log.text()).toContain(`order order-c2 not indexed: backed up to s3://${bucket}/${key}`);

      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ServerSideEncryption).toBe('aws:kms');
      expect(head.SSEKMSKeyId).toBe(kmsKeyArn);
    });

    it('goes under failed/AmazonOpenSearchService-failed/ after the prefix when there is no error output prefix', async () => {
      const { stream, bucket } = await setUp({
        prefix: 'backup/',
        errorOutputPrefix: '',
        compression: 'UNCOMPRESSED',
      });
      put(stream, JSON.stringify({ id: 'order-d1', payment: { amount: 'not a number' } }));
      await stream.flush();

      const keys = await keysIn(bucket);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(
        /^backup\/AmazonOpenSearchService-failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/search-stream-/,
      );
      const [failed] = (await linesOf(bucket, keys[0] as string)).map(
        (line) => JSON.parse(line) as FailedDocumentRecord,
      );
      expect(failed?.errorCode).toBe('OpenSearch.mapper_parsing_exception');
    });

    it('is refused alone when it is not JSON, and the documents with it are indexed', async () => {
      const { stream, bucket, log } = await setUp({ openSearch: { retryDurationSeconds: 5 } });
      const started = Date.now();
      const { ids, indices } = put(
        stream,
        orderJson('order-j1', 110),
        'this is not JSON',
        orderJson('order-j3', 130),
      );
      await stream.flush();

      expect(Date.now() - started).toBeLessThan(4_000);
      expect(log.lines.filter((line) => line.message.includes('retrying'))).toEqual([]);
      expect(await indexed(indices, ids[0] as string)).toBeDefined();
      expect(await indexed(indices, ids[2] as string)).toBeDefined();
      const { records } = await backedUp(bucket);
      expect(records.map((record) => [record.esDocumentId, decoded(record), record.attemptsMade])).toEqual([
        [ids[1], 'this is not JSON', 1],
      ]);
      expect(records[0]?.errorCode).toBe('OpenSearch.mapper_parsing_exception');
    });
  });

  describe('with S3 backup mode AllDocuments', () => {
    it('writes every document under the prefix, and the failed ones under AmazonOpenSearchService-failed/ too', async () => {
      const { stream, bucket } = await setUp({
        openSearch: { backupMode: 'AllDocuments' },
        prefix: 'all/',
        errorOutputPrefix: '',
      });
      const records = [
        orderJson('order-e1', 101),
        JSON.stringify({ id: 'order-e2', payment: { amount: 'lots' } }),
        orderJson('order-e3', 103),
      ];
      const { ids, indices } = put(stream, ...records.map((record) => `${record}\n`));
      await stream.flush();

      const allKeys = (await keysIn(bucket, 'all/')).filter(
        (key) => !key.includes('AmazonOpenSearchService-failed'),
      );
      expect(allKeys).toHaveLength(1);
      expect(allKeys[0]).toMatch(/^all\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/search-stream-\d+-1-.*\.gz$/);
      expect(await linesOf(bucket, allKeys[0] as string)).toEqual(records);

      const failedKeys = await keysIn(bucket, 'all/AmazonOpenSearchService-failed/');
      expect(failedKeys).toHaveLength(1);
      const failed = (await linesOf(bucket, failedKeys[0] as string)).map(
        (line) => JSON.parse(line) as FailedDocumentRecord,
      );
      expect(failed.map((record) => record.esDocumentId)).toEqual([ids[1]]);
      expect(await indexed(indices, ids[0] as string)).toBeDefined();
      expect(await indexed(indices, ids[2] as string)).toBeDefined();
    });
  });

  // These stop the node; they come last and leave it running again.
  describe('while the domain is down', () => {
    it('retries for the retry duration, then backs every document up, none lost', async () => {
      const { stream, bucket, log } = await setUp({ openSearch: { retryDurationSeconds: 3 } });
      await node.kill();
      try {
        const records = [orderJson('order-f1', 140), orderJson('order-f2', 160)];
        const started = Date.now();
        const { ids, indices } = put(stream, ...records);
        await stream.flush();
        const elapsed = Date.now() - started;

        const retries = log.lines.filter((line) => line.message.startsWith('indexing 2 documents failed'));
        expect(retries.length).toBeGreaterThanOrEqual(2);
        expect(retries[0]?.message).toMatch(/\(attempt 1: .+\); retrying for up to 3 s$/);
        expect(elapsed).toBeGreaterThanOrEqual(2_500);
        expect(elapsed).toBeLessThan(15_000);

        const { records: failed } = await backedUp(bucket);
        expect(failed.map((record) => record.esDocumentId)).toEqual(ids);
        expect(failed.map(decoded)).toEqual(records);
        for (const record of failed) {
          expect(record.errorCode).toBe('OpenSearch.ConnectionFailed');
          expect(record.attemptsMade).toBe(retries.length + 1);
          expect(indices).toContain(record.esIndexName);
        }
        expect(log.text()).toContain('order order-f1 not indexed: backed up to');
        expect(log.text()).toContain('order order-f2 not indexed: backed up to');
      } finally {
        await restartNode();
      }
      const { records: failed } = await backedUp(bucket);
      for (const record of failed)
        expect(await indexed([record.esIndexName], record.esDocumentId)).toBeUndefined();
    });

    it('indexes the documents instead when the domain is back within the retry duration', async () => {
      const { stream, bucket, log } = await setUp({ openSearch: { retryDurationSeconds: 60 } });
      await node.kill();
      let delivered: Promise<void> = Promise.resolve();
      let put1: ReturnType<typeof put>;
      try {
        put1 = put(stream, orderJson('order-g1', 170), orderJson('order-g2', 190));
        delivered = stream.flush();
        const deadline = Date.now() + 10_000;
        while (!log.text().includes('indexing 2 documents failed (attempt 1')) {
          if (Date.now() > deadline) throw new Error(`no retry was logged:\n${log.text()}`);
          await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
        }
      } finally {
        await restartNode();
      }
      await delivered;

      for (const id of put1.ids) expect(await indexed(put1.indices, id)).toBeDefined();
      expect(await keysIn(bucket)).toEqual([]);
      expect(log.text()).toMatch(/order order-g1 indexed in orders-/);
      expect(log.text()).toMatch(/order order-g2 indexed in orders-/);
    });
  });
});
