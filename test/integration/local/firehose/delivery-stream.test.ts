import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import {
  type DeliveryStreamDefinition,
  type LocalDeliveryStream,
  MAX_RECORD_BYTES,
} from '../../../../local/firehose/delivery-stream';
import type { ErrorOutputRecord } from '../../../../local/firehose/destination';
import { formatTimestamp } from '../../../../local/firehose/prefix';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { aDeliveryStreamDefinition } from '../../../factories/delivery-stream';
import { aLocalDeliveryStream } from '../../../helpers/delivery-stream';
import {
  makeTempDir,
  type RecordedLog,
  recordingLog,
  waitFor,
  writeFile,
} from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

/**
 * Processors. Each appends the event it gets to INVOCATION_LOG. `transform` marks each JSON record as
 * transformed and ends it with a newline; a record with "drop" is Dropped and one with "fail" is
 * ProcessingFailed. `throws` always throws; `invalid` answers without a records array; `flaky` throws
 * on its first invocation only.
 */
const PROCESSORS = `
import { appendFileSync, readFileSync } from 'node:fs';
const record = (event) => appendFileSync(process.env.INVOCATION_LOG, JSON.stringify(event) + '\\n');
const invocations = () => readFileSync(process.env.INVOCATION_LOG, 'utf8').trim().split('\\n').length;
const transformed = (event) => ({
  records: event.records.map(({ recordId, data }) => {
    const order = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
    if (order.drop) return { recordId, result: 'Dropped', data };
    if (order.fail) return { recordId, result: 'ProcessingFailed', data };
    const text = JSON.stringify({ ...order, transformed: true }) + '\\n';
    return { recordId, result: 'Ok', data: Buffer.from(text).toString('base64') };
  }),
});
export const transform = async (event) => {
  record(event);
  return transformed(event);
};
export const throws = async (event) => {
  record(event);
  throw new TypeError('transform exploded');
};
export const invalid = async (event) => {
  record(event);
  return { batchItemFailures: [] };
};
export const flaky = async (event) => {
  record(event);
  if (invocations() === 1) throw new Error('cold and grumpy');
  return transformed(event);
};`;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('LocalDeliveryStream against moto S3', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('delivery-stream');
  const artifactDir = join(dir.path, 'processors');
  writeFile(artifactDir, 'index.mjs', PROCESSORS);

  let s3: S3Client;
  let functions: FunctionHost;
  let kmsKeyArn: string;
  const streams: LocalDeliveryStream[] = [];
  let fixtures = 0;

  beforeAll(async () => {
    s3 = new S3Client(moto.clientConfig());
    functions = new FunctionHost(moto.environment(), dir.path);
    const { KeyMetadata } = await new KMSClient(moto.clientConfig()).send(new CreateKeyCommand({}));
    kmsKeyArn = KeyMetadata?.Arn as string;
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.stop()));
  });

  afterAll(async () => {
    await functions.stop();
    dir.remove();
  });

  interface Fixture {
    stream: LocalDeliveryStream;
    bucket: string;
    log: RecordedLog;
    functionArn: string;
    /** The events the processor got, in order. */
    invocations(): FirehoseTransformationEvent[];
  }

  /**
   * A bucket and a stream of their own; with `processor`, a function of its own running that export of
   * PROCESSORS. Buffers 1 MiB or 60 s unless told otherwise, so tests flush when they mean to.
   */
  const setUp = async ({
    processor,
    numberOfRetries = 3,
    processorBufferSizeBytes = 1024 * 1024,
    ...definition
  }: Omit<Partial<DeliveryStreamDefinition>, 'processor'> & {
    processor?: 'transform' | 'throws' | 'invalid' | 'flaky' | 'missing';
    numberOfRetries?: number;
    processorBufferSizeBytes?: number;
  } = {}): Promise<Fixture> => {
    fixtures += 1;
    const name = `stream-${fixtures}`;
    const bucket = `bucket-${fixtures}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const invocationLog = join(dir.path, `${name}.jsonl`);
    const functionArn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}-processor`;
    if (processor && processor !== 'missing') {
      functions.register({
        name: `${name}-processor`,
        logicalId: name,
        artifactDir,
        handler: `index.${processor}`,
        timeoutSeconds: 10,
        memoryMb: 128,
        arn: functionArn,
        environment: { INVOCATION_LOG: invocationLog },
      });
    }
    const log = recordingLog();
    const stream = aLocalDeliveryStream(
      aDeliveryStreamDefinition({
        name,
        label: name,
        bucketName: bucket,
        bufferSizeBytes: 1024 * 1024,
        kmsKeyArn,
        processor: processor && {
          functionName: `${name}-processor`,
          functionArn,
          numberOfRetries,
          bufferSizeBytes: processorBufferSizeBytes,
        },
        ...definition,
      }),
      { s3, invoke: (functionName, event) => functions.invoke(functionName, event), log, retryDelayMs: 10 },
    );
    streams.push(stream);
    const invocations = () =>
      existsSync(invocationLog)
        ? readFileSync(invocationLog, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as FirehoseTransformationEvent)
        : [];
    return { stream, bucket, log, functionArn, invocations };
  };

  const keysIn = async (bucket: string, prefix = '') => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return Contents.map((object) => object.Key as string).sort();
  };

  const bodyOf = async (bucket: string, key: string) => {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from((await Body?.transformToByteArray()) ?? []);
    return key.endsWith('.gz') ? gunzipSync(bytes) : bytes;
  };

  /** Waits for exactly one object under `prefix` and returns its key. */
  const theObjectUnder = async (bucket: string, prefix: string) => {
    const [key, ...others] = await waitFor(`an object under s3://${bucket}/${prefix}`, async () => {
      const keys = await keysIn(bucket, prefix);
      return keys.length > 0 && keys;
    });
    expect(others).toEqual([]);
    return key as string;
  };

  const errorRecordsIn = async (bucket: string, key: string) =>
    (await bodyOf(bucket, key))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ErrorOutputRecord);

  const order = (id: string, extra: Record<string, unknown> = {}) =>
    Buffer.from(JSON.stringify({ id, amount: 10, ...extra }));

  const transformedLine = (id: string, extra: Record<string, unknown> = {}) =>
    `${JSON.stringify({ id, amount: 10, ...extra, transformed: true })}\n`;

  describe('buffering', () => {
    it('writes nothing while the buffer is under its size, and everything once a record fills it', async () => {
      const { stream, bucket } = await setUp({ bufferSizeBytes: 100, compression: 'UNCOMPRESSED' });
      const records = ['a', 'b', 'c', 'd'].map((letter) => Buffer.from(`record-${letter}-`.padEnd(30, '.')));
      for (const record of records.slice(0, 3)) stream.putRecord(record);

      await sleep(500);
      expect(await keysIn(bucket)).toEqual([]);

      stream.putRecord(records[3] as Buffer);
      const key = await theObjectUnder(bucket, 'orders/');
      expect((await bodyOf(bucket, key)).toString()).toBe(Buffer.concat(records).toString());
    });

    it('writes what is buffered once the local interval has passed since the first record', async () => {
      const { stream, bucket } = await setUp({ localBufferIntervalSeconds: 1, compression: 'UNCOMPRESSED' });
      const firstPutAt = Date.now();
      stream.putRecord(Buffer.from('one\n'));
      stream.putRecord(Buffer.from('two\n'));

      await sleep(400);
      expect(await keysIn(bucket)).toEqual([]);

      const key = await theObjectUnder(bucket, 'orders/');
      expect(Date.now() - firstPutAt).toBeGreaterThanOrEqual(1000);
      expect((await bodyOf(bucket, key)).toString()).toBe('one\ntwo\n');
    });

    it('writes what is buffered when stopped, without waiting for the interval', async () => {
      const { stream, bucket } = await setUp({ compression: 'UNCOMPRESSED' });
      stream.putRecord(Buffer.from('left over\n'));

      await stream.stop();
      const keys = await keysIn(bucket, 'orders/');
      expect(keys).toHaveLength(1);
      expect((await bodyOf(bucket, keys[0] as string)).toString()).toBe('left over\n');
    });

    it('refuses a record larger than 1,000 KiB and buffers nothing of it, but takes one of exactly 1,000 KiB', async () => {
      const { stream, bucket } = await setUp({ compression: 'GZIP', kmsKeyArn: undefined });
      expect(MAX_RECORD_BYTES).toBe(1_024_000);
      expect(() => stream.putRecord(Buffer.alloc(MAX_RECORD_BYTES + 1, 'x'))).toThrow(
        /at most 1024000 bytes/,
      );

      const largest = Buffer.alloc(MAX_RECORD_BYTES, 'y');
      expect(stream.putRecord(largest)).toMatch(/^\d+$/);
      await stream.stop();
      const keys = await keysIn(bucket);
      expect(keys).toHaveLength(1);
      expect((await bodyOf(bucket, keys[0] as string)).equals(largest)).toBe(true);
    });
  });

  describe('the objects it writes', () => {
    it('names them <evaluated prefix><stream>-1-<yyyy-MM-dd-HH-mm-ss>-<uuid>.gz after the oldest record', async () => {
      const { stream, bucket } = await setUp();
      const before = new Date();
      stream.putRecord(order('o-1'));
      const after = new Date();
      stream.putRecord(order('o-2'));
      await stream.flush();

      const [key] = await keysIn(bucket);
      const match = new RegExp(
        `^orders/(\\d{4}/\\d{2}/\\d{2}/\\d{2})/${stream.definition.name}-1-(\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2})-${UUID}\\.gz$`,
      ).exec(key ?? '');
      expect(match).not.toBeNull();
      const [, hourPrefix, stamp] = match as RegExpExecArray;
      expect([before, after].map((time) => formatTimestamp('yyyy/MM/dd/HH', time))).toContain(hourPrefix);
      expect([before, after].map((time) => formatTimestamp('yyyy-MM-dd-HH-mm-ss', time))).toContain(stamp);
    });

    it('gzips the records into one object that decompresses to their concatenation', async () => {
      const { stream, bucket } = await setUp({ compression: 'GZIP' });
      const records = [order('g-1'), order('g-2'), order('g-3')].map((data) =>
        Buffer.concat([data, Buffer.from('\n')]),
      );
      for (const record of records) stream.putRecord(record);
      await stream.flush();

      const key = await theObjectUnder(bucket, 'orders/');
      expect(key.endsWith('.gz')).toBe(true);
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const stored = Buffer.from((await Body?.transformToByteArray()) ?? []);
      expect(stored.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      expect(gunzipSync(stored).toString()).toBe(Buffer.concat(records).toString());
    });

    it('writes them as they are, without an extension, when UNCOMPRESSED', async () => {
      const { stream, bucket } = await setUp({ compression: 'UNCOMPRESSED' });
      stream.putRecord(Buffer.from('plain one\n'));
      stream.putRecord(Buffer.from('plain two\n'));
      await stream.flush();

      const key = await theObjectUnder(bucket, 'orders/');
      expect(key).toMatch(new RegExp(`-${UUID}$`));
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(await Body?.transformToString()).toBe('plain one\nplain two\n');
    });

    it('asks S3 for SSE-KMS with the stream key, and for no encryption without one', async () => {
      const encrypted = await setUp();
      encrypted.stream.putRecord(order('k-1'));
      await encrypted.stream.flush();
      const [encryptedKey] = await keysIn(encrypted.bucket);
      const head = await s3.send(new HeadObjectCommand({ Bucket: encrypted.bucket, Key: encryptedKey }));
      expect(head.ServerSideEncryption).toBe('aws:kms');
      expect(head.SSEKMSKeyId).toBe(kmsKeyArn);

      const plain = await setUp({ kmsKeyArn: undefined });
      plain.stream.putRecord(order('k-2'));
      await plain.stream.flush();
      const [plainKey] = await keysIn(plain.bucket);
      const plainHead = await s3.send(new HeadObjectCommand({ Bucket: plain.bucket, Key: plainKey }));
      expect(plainHead.ServerSideEncryption).toBeUndefined();
      expect(plainHead.SSEKMSKeyId).toBeUndefined();
    });

    it('appends the default yyyy/MM/dd/HH/ to a prefix without expressions', async () => {
      const { stream, bucket } = await setUp({ prefix: 'plain/' });
      const before = new Date();
      stream.putRecord(order('p-1'));
      await stream.flush();
      const [key] = await keysIn(bucket);
      expect(key).toMatch(/^plain\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/stream-\d+-1-/);
      expect(key?.startsWith(`plain/${formatTimestamp('yyyy/MM/dd/HH', before)}/`)).toBe(true);
    });
  });

  describe('the Lambda processor', () => {
    it('gets the Firehose transformation event: invocation id, stream ARN, region and base64 records', async () => {
      const { stream, invocations } = await setUp({ processor: 'transform' });
      const before = Date.now();
      const ids = [stream.putRecord(order('e-1')), stream.putRecord(order('e-2'))];
      const after = Date.now();
      await stream.flush();

      const [event, ...more] = invocations();
      expect(more).toEqual([]);
      expect(event?.invocationId).toMatch(new RegExp(`^${UUID}$`));
      expect(event?.deliveryStreamArn).toBe(stream.definition.arn);
      expect(event?.region).toBe(LOCAL_REGION);
      expect(event?.records.map((record) => record.recordId)).toEqual(ids);
      expect(new Set(ids).size).toBe(2);
      expect(event?.records.map((record) => Buffer.from(record.data, 'base64').toString())).toEqual([
        order('e-1').toString(),
        order('e-2').toString(),
      ]);
      for (const record of event?.records ?? []) {
        expect(Object.keys(record).sort()).toEqual(['approximateArrivalTimestamp', 'data', 'recordId']);
        expect(record.approximateArrivalTimestamp).toBeGreaterThanOrEqual(before);
        expect(record.approximateArrivalTimestamp).toBeLessThanOrEqual(after);
      }
    });

    it('delivers the transformed data of Ok records, in order, and leaves Dropped records out', async () => {
      const { stream, bucket, log } = await setUp({ processor: 'transform' });
      stream.putRecord(order('d-1'));
      stream.putRecord(order('d-2', { drop: true }));
      stream.putRecord(order('d-3'));
      await stream.flush();

      const key = await theObjectUnder(bucket, 'orders/');
      expect((await bodyOf(bucket, key)).toString()).toBe(transformedLine('d-1') + transformedLine('d-3'));
      expect(await keysIn(bucket, 'errors/')).toEqual([]);
      expect(log.text()).toContain('1 records dropped by the transform');
      expect(log.text()).toContain(`order d-1 archived in s3://${bucket}/${key}`);
    });

    it('writes ProcessingFailed records under the error prefix in the documented format, and delivers the rest', async () => {
      const { stream, bucket, functionArn, log } = await setUp({ processor: 'transform' });
      stream.putRecord(order('f-1'));
      const failing = order('f-2', { fail: true });
      stream.putRecord(failing);
      await stream.flush();

      const dataKey = await theObjectUnder(bucket, 'orders/');
      expect((await bodyOf(bucket, dataKey)).toString()).toBe(transformedLine('f-1'));
      const errorKey = await theObjectUnder(bucket, 'errors/');
      expect(errorKey).toMatch(
        new RegExp(
          `^errors/processing-failed/\\d{4}/\\d{2}/\\d{2}/\\d{2}/${stream.definition.name}-1-.*\\.gz$`,
        ),
      );
      const [failed, ...others] = await errorRecordsIn(bucket, errorKey);
      expect(others).toEqual([]);
      expect(Object.keys(failed ?? {}).sort()).toEqual(
        [
          'attemptEndingTimestamp',
          'attemptsMade',
          'arrivalTimestamp',
          'errorCode',
          'errorMessage',
          'lambdaArn',
          'rawData',
        ].sort(),
      );
      expect(failed).toMatchObject({
        attemptsMade: 1,
        errorCode: 'Lambda.ProcessingFailedStatus',
        errorMessage: expect.stringContaining('ProcessingFailed'),
        rawData: failing.toString('base64'),
        lambdaArn: functionArn,
      });
      expect(failed?.attemptEndingTimestamp).toBeGreaterThanOrEqual(failed?.arrivalTimestamp ?? Infinity);
      expect(log.text()).toContain(`1 records failed processing: s3://${bucket}/${errorKey}`);
    });

    it('retries a processor that throws NumberOfRetries times, then writes every record as Lambda.FunctionError', async () => {
      const { stream, bucket, functionArn, invocations, log } = await setUp({
        processor: 'throws',
        numberOfRetries: 2,
      });
      const records = [order('t-1'), order('t-2')];
      const ids = records.map((record) => stream.putRecord(record));
      await stream.flush();

      expect(invocations()).toHaveLength(3);
      expect(invocations().map((event) => event.records.map((record) => record.recordId))).toEqual([
        ids,
        ids,
        ids,
      ]);
      expect(await keysIn(bucket, 'orders/')).toEqual([]);
      const errorKey = await theObjectUnder(bucket, 'errors/processing-failed/');
      const failed = await errorRecordsIn(bucket, errorKey);
      expect(failed.map((record) => record.rawData)).toEqual(
        records.map((record) => record.toString('base64')),
      );
      for (const record of failed) {
        expect(record).toMatchObject({
          attemptsMade: 3,
          errorCode: 'Lambda.FunctionError',
          errorMessage: 'TypeError: transform exploded',
          lambdaArn: functionArn,
        });
      }
      expect(log.text()).toContain('transform attempt 3 of 3 failed (Lambda.FunctionError)');

      await sleep(300);
      expect(invocations()).toHaveLength(3);
    });

    it('treats a response without a records array as Lambda.InvalidResponse, retried like an error', async () => {
      const { stream, bucket, invocations } = await setUp({ processor: 'invalid', numberOfRetries: 1 });
      stream.putRecord(order('i-1'));
      await stream.flush();

      expect(invocations()).toHaveLength(2);
      const [failed] = await errorRecordsIn(
        bucket,
        await theObjectUnder(bucket, 'errors/processing-failed/'),
      );
      expect(failed).toMatchObject({
        attemptsMade: 2,
        errorCode: 'Lambda.InvalidResponse',
        errorMessage: expect.stringContaining('the response has no records array'),
        rawData: order('i-1').toString('base64'),
      });
      expect(await keysIn(bucket, 'orders/')).toEqual([]);
    });

    it('invokes the processor once with NumberOfRetries 0', async () => {
      const { stream, bucket, invocations } = await setUp({ processor: 'throws', numberOfRetries: 0 });
      stream.putRecord(order('z-1'));
      await stream.flush();

      expect(invocations()).toHaveLength(1);
      const [failed] = await errorRecordsIn(bucket, await theObjectUnder(bucket, 'errors/'));
      expect(failed?.attemptsMade).toBe(1);
    });

    it('delivers normally when the processor fails once and then succeeds', async () => {
      const { stream, bucket, invocations, log } = await setUp({ processor: 'flaky', numberOfRetries: 3 });
      stream.putRecord(order('r-1'));
      stream.putRecord(order('r-2'));
      await stream.flush();

      expect(invocations()).toHaveLength(2);
      const key = await theObjectUnder(bucket, 'orders/');
      expect((await bodyOf(bucket, key)).toString()).toBe(transformedLine('r-1') + transformedLine('r-2'));
      expect(await keysIn(bucket, 'errors/')).toEqual([]);
      expect(log.text()).toContain(
        'transform attempt 1 of 4 failed (Lambda.FunctionError): Error: cold and grumpy',
      );
    });

    it('invokes the processor once per processor buffer size, and writes the results as one object', async () => {
      const { stream, bucket, invocations } = await setUp({
        processor: 'transform',
        processorBufferSizeBytes: 100,
      });
      const ids = ['b-1', 'b-2', 'b-3', 'b-4', 'b-5'];
      const note = { note: 'padded' };
      const records = ids.map((id) => order(id, note));
      // 40 bytes each: two make 80, a third would make 120.
      expect(records.map((record) => record.byteLength)).toEqual([40, 40, 40, 40, 40]);
      for (const record of records) stream.putRecord(record);
      await stream.flush();

      const events = invocations();
      expect(events.map((event) => event.records.length)).toEqual([2, 2, 1]);
      for (const event of events) {
        const bytes = event.records.reduce(
          (sum, record) => sum + Buffer.from(record.data, 'base64').length,
          0,
        );
        expect(bytes).toBeLessThanOrEqual(100);
      }
      expect(new Set(events.map((event) => event.invocationId)).size).toBe(3);
      const key = await theObjectUnder(bucket, 'orders/');
      expect((await bodyOf(bucket, key)).toString()).toBe(
        ids.map((id) => transformedLine(id, note)).join(''),
      );
    });

    it('writes the records to the error output when the processor cannot even be invoked', async () => {
      const { stream, bucket, log } = await setUp({ processor: 'missing', numberOfRetries: 1 });
      stream.putRecord(order('m-1'));
      await expect(stream.flush()).resolves.toBeUndefined();

      const [failed] = await errorRecordsIn(
        bucket,
        await theObjectUnder(bucket, 'errors/processing-failed/'),
      );
      expect(failed).toMatchObject({
        attemptsMade: 2,
        errorCode: 'Lambda.FunctionError',
        errorMessage: expect.stringContaining('No function named stream-'),
      });
      expect(log.text()).toContain('transform attempt 2 of 2 failed');
    });
  });

  describe('a delivery that fails unexpectedly', () => {
    it('is logged without rejecting, and the flushes after it still run', async () => {
      // The provisioner refuses such a prefix; built directly, the stream fails at the write.
      const { stream, bucket, log } = await setUp({ prefix: 'bad/!{firehose:error-output-type}/' });
      stream.putRecord(order('x-1'));
      await expect(stream.flush()).resolves.toBeUndefined();
      stream.putRecord(order('x-2'));
      await expect(stream.flush()).resolves.toBeUndefined();

      const failures = log.lines.filter((line) => line.message.startsWith('delivering 1 records failed'));
      expect(failures).toHaveLength(2);
      expect(failures[0]?.message).toContain('only allowed in the error output prefix');
      expect(await keysIn(bucket)).toEqual([]);
    });
  });
});
