import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import type { FirehoseTransformationEvent, FirehoseTransformationResultRecord } from 'aws-lambda';
import { type IndexRotationPeriod, rotatedIndexName } from '../../src/domain/search';
import type { InvocationResult } from '../lambda/function-host';
import { orderIdOf, type RuntimeLog } from '../log';
import { OpenSearchIndexer } from './opensearch-indexer';
import { evaluatePrefix, objectName } from './prefix';

/** Firehose's limits: a record is at most 1,000 KiB; a Lambda invocation request at most 6 MB. */
export const MAX_RECORD_BYTES = 1000 * 1024;
const MAX_INVOCATION_BYTES = 6 * 1024 * 1024;

export type Compression = 'UNCOMPRESSED' | 'GZIP';

export interface DeliveryStreamDefinition {
  name: string;
  arn: string;
  /** Shown in log lines: the pipeline the stream belongs to. */
  label: string;
  bucketName: string;
  prefix: string;
  errorOutputPrefix: string;
  /** The template's buffering interval, and the one used locally (never longer). */
  bufferIntervalSeconds: number;
  localBufferIntervalSeconds: number;
  bufferSizeBytes: number;
  compression: Compression;
  kmsKeyArn?: string;
  processor?: { functionName: string; functionArn: string; numberOfRetries: number; bufferSizeBytes: number };
  /**
   * An OpenSearch destination; the bucket, prefixes, compression and key above are then its S3 backup
   * (S3Configuration).
   */
  openSearch?: OpenSearchDestination;
}

export interface OpenSearchDestination {
  endpoint: string;
  indexName: string;
  rotation: IndexRotationPeriod | 'NoRotation';
  retryDurationSeconds: number;
  backupMode: 'FailedDocumentsOnly' | 'AllDocuments';
}

/** Firehose's record format for a document it could not index (under AmazonOpenSearchService-failed/). */
export interface FailedDocumentRecord {
  attemptsMade: number;
  arrivalTimestamp: number;
  errorCode: string;
  errorMessage: string;
  attemptEndingTimestamp: number;
  rawData: string;
  esDocumentId: string;
  esIndexName: string;
}

const OPENSEARCH_FAILED = 'AmazonOpenSearchService-failed';

export interface DeliveryStreamDependencies {
  s3: S3Client;
  invoke(functionName: string, event: FirehoseTransformationEvent): Promise<InvocationResult>;
  log: RuntimeLog;
  /** Pause between retries of a failed transform invocation or S3 write. */
  retryDelayMs?: number;
}

interface BufferedRecord {
  recordId: string;
  data: Buffer;
  arrivalTimestamp: number;
}

/** Firehose's documented record format for the error output. */
export interface ErrorOutputRecord {
  attemptsMade: number;
  arrivalTimestamp: number;
  errorCode: string;
  errorMessage: string;
  attemptEndingTimestamp: number;
  rawData: string;
  lambdaArn: string;
}

type TransformOutcome = { delivered: BufferedRecord[]; failed: ErrorOutputRecord[]; dropped: number };

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Why a transform response is unusable, or undefined when it answers every record exactly once. */
export const invalidTransformResponse = (
  records: readonly BufferedRecord[],
  response: unknown,
): string | undefined => {
  const results = (response as { records?: unknown } | null)?.records;
  if (!Array.isArray(results)) return 'the response has no records array';
  const expected = new Set(records.map((record) => record.recordId));
  const seen = new Set<string>();
  for (const result of results as Partial<FirehoseTransformationResultRecord>[]) {
    if (typeof result?.recordId !== 'string' || !expected.has(result.recordId) || seen.has(result.recordId)) {
      return `record id ${String(result?.recordId)} is unknown or repeated`;
    }
    seen.add(result.recordId);
    if (!['Ok', 'Dropped', 'ProcessingFailed'].includes(String(result.result))) {
      return `record ${result.recordId} has result ${String(result.result)}`;
    }
    if (result.result === 'Ok' && typeof result.data !== 'string')
      return `record ${result.recordId} is Ok without data`;
  }
  return seen.size === expected.size
    ? undefined
    : `${expected.size - seen.size} records are missing from the response`;
};

/**
 * An Amazon Data Firehose delivery stream with an S3 destination: buffers records by size and interval,
 * calls the Lambda processor with the real event and honours its answers (Ok, Dropped, ProcessingFailed,
 * retries), compresses, and writes objects with SSE-KMS under the evaluated prefix; records that fail
 * go under the error prefix in Firehose's error-record format.
 */
export class LocalDeliveryStream {
  private buffer: BufferedRecord[] = [];
  private bufferedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private nextRecordNumber = 0;

  constructor(
    readonly definition: DeliveryStreamDefinition,
    private readonly dependencies: DeliveryStreamDependencies,
  ) {}

  /** PutRecord: accepts the record into the buffer; it is delivered at the next flush. */
  putRecord(data: Buffer): string {
    if (data.byteLength > MAX_RECORD_BYTES) {
      throw new Error(`A record is at most ${MAX_RECORD_BYTES} bytes; this one has ${data.byteLength}`);
    }
    const recordId = `${Date.now()}${String(this.nextRecordNumber++).padStart(12, '0')}`;
    this.buffer.push({ recordId, data, arrivalTimestamp: Date.now() });
    this.bufferedBytes += data.byteLength;
    if (this.bufferedBytes >= this.definition.bufferSizeBytes) void this.flush();
    else
      this.timer ??= setTimeout(() => void this.flush(), this.definition.localBufferIntervalSeconds * 1000);
    return recordId;
  }

  /**
   * Delivers what is buffered now; flushes run one after another. A delivery that fails unexpectedly is
   * logged, and neither rejects (flushes started by a timer have nobody to catch it) nor stops the
   * flushes after it.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.buffer;
    this.buffer = [];
    this.bufferedBytes = 0;
    this.flushing = this.flushing.then(async () => {
      if (records.length === 0) return;
      try {
        await this.deliver(records);
      } catch (error) {
        this.dependencies.log.warn(
          this.definition.label,
          `delivering ${records.length} records failed: ${(error as Error).message}`,
        );
      }
    });
    return this.flushing;
  }

  private async deliver(records: BufferedRecord[]) {
    const { delivered, failed, dropped } = await this.transform(records);
    const { label, bucketName } = this.definition;
    if (this.definition.openSearch) {
      await this.deliverToOpenSearch(this.definition.openSearch, delivered);
    } else if (delivered.length > 0) {
      const key = await this.write(
        this.definition.prefix,
        undefined,
        delivered,
        Buffer.concat(delivered.map((record) => record.data)),
      );
      for (const record of delivered) {
        for (const line of record.data.toString('utf8').split('\n').filter(Boolean)) {
          this.dependencies.log.info(label, `order ${orderIdOf(line)} archived in s3://${bucketName}/${key}`);
        }
      }
    }
    if (failed.length > 0) {
      const key = await this.write(
        this.definition.errorOutputPrefix,
        'processing-failed',
        failed.map((record) => ({ arrivalTimestamp: record.arrivalTimestamp })),
        Buffer.from(failed.map((record) => `${JSON.stringify(record)}\n`).join('')),
      );
      this.dependencies.log.warn(
        label,
        `${failed.length} records failed processing: s3://${bucketName}/${key}`,
      );
    }
    if (dropped > 0) this.dependencies.log.info(label, `${dropped} records dropped by the transform`);
  }

  /** Indexes the documents (retrying for the retry duration); backs up what failed, or everything. */
  private async deliverToOpenSearch(destination: OpenSearchDestination, records: BufferedRecord[]) {
    if (records.length === 0) return;
    const { label, bucketName, prefix, errorOutputPrefix } = this.definition;
    const { log } = this.dependencies;
    const documents = records.map((record) => ({
      record,
      document: {
        id: record.recordId,
        index: rotatedIndexName(
          destination.indexName,
          destination.rotation,
          new Date(record.arrivalTimestamp),
        ),
        body: record.data.toString('utf8').trim(),
      },
    }));
    const indexer = new OpenSearchIndexer(
      destination.endpoint,
      (message) => log.warn(label, message),
      this.dependencies.retryDelayMs,
    );
    const { failures, indexedIn } = await indexer.index(
      documents.map(({ document }) => document),
      destination.retryDurationSeconds,
    );
    const failedIds = new Set(failures.map((failure) => failure.document.id));
    for (const { document } of documents.filter(({ document }) => !failedIds.has(document.id))) {
      // Where OpenSearch put it: the index's ingest pipeline may move an order to the index of its date.
      const index = indexedIn.get(document.id) ?? document.index;
      log.info(label, `order ${orderIdOf(document.body)} indexed in ${index}`);
    }
    if (destination.backupMode === 'AllDocuments') {
      await this.write(prefix, undefined, records, Buffer.concat(records.map((record) => record.data)));
    }
    if (failures.length === 0) return;
    const attemptEndingTimestamp = Date.now();
    const arrival = new Map(records.map((record) => [record.recordId, record.arrivalTimestamp]));
    const failed: FailedDocumentRecord[] = failures.map(
      ({ document, errorCode, errorMessage, attemptsMade }) => ({
        attemptsMade,
        arrivalTimestamp: arrival.get(document.id) ?? attemptEndingTimestamp,
        errorCode,
        errorMessage,
        attemptEndingTimestamp,
        rawData: Buffer.from(document.body).toString('base64'),
        esDocumentId: document.id,
        esIndexName: document.index,
      }),
    );
    // Firehose puts failed documents under the error prefix, or else under AmazonOpenSearchService-failed/.
    const key = await this.write(
      errorOutputPrefix || `${prefix}${OPENSEARCH_FAILED}/`,
      errorOutputPrefix ? OPENSEARCH_FAILED : undefined,
      failed,
      Buffer.from(failed.map((record) => `${JSON.stringify(record)}\n`).join('')),
    );
    for (const { document } of failures) {
      log.warn(
        label,
        `order ${orderIdOf(document.body)} not indexed: backed up to s3://${bucketName}/${key}`,
      );
    }
  }

  private async transform(records: BufferedRecord[]): Promise<TransformOutcome> {
    const { processor } = this.definition;
    if (!processor) return { delivered: records, failed: [], dropped: 0 };
    const outcome: TransformOutcome = { delivered: [], failed: [], dropped: 0 };
    for (const batch of this.processorBatches(records, processor.bufferSizeBytes)) {
      const { delivered, failed, dropped } = await this.invokeProcessor(batch, processor);
      outcome.delivered.push(...delivered);
      outcome.failed.push(...failed);
      outcome.dropped += dropped;
    }
    return outcome;
  }

  /** Records in groups of at most the processor's buffer size, each within Lambda's 6 MB request limit. */
  private processorBatches(records: BufferedRecord[], bufferSizeBytes: number): BufferedRecord[][] {
    const limit = Math.min(bufferSizeBytes, (MAX_INVOCATION_BYTES * 3) / 4 - 64 * 1024);
    const batches: BufferedRecord[][] = [[]];
    let size = 0;
    for (const record of records) {
      const current = batches[batches.length - 1] as BufferedRecord[];
      if (current.length > 0 && size + record.data.byteLength > limit) {
        batches.push([record]);
        size = record.data.byteLength;
      } else {
        current.push(record);
        size += record.data.byteLength;
      }
    }
    return batches;
  }

  private async invokeProcessor(
    records: BufferedRecord[],
    processor: NonNullable<DeliveryStreamDefinition['processor']>,
  ): Promise<TransformOutcome> {
    const event: FirehoseTransformationEvent = {
      invocationId: randomUUID(),
      deliveryStreamArn: this.definition.arn,
      region: this.definition.arn.split(':')[3] ?? 'us-east-1',
      records: records.map(({ recordId, data, arrivalTimestamp }) => ({
        recordId,
        approximateArrivalTimestamp: arrivalTimestamp,
        data: data.toString('base64'),
      })),
    };
    const attempts = processor.numberOfRetries + 1;
    let failure = { errorCode: 'Lambda.FunctionError', errorMessage: '' };
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const invocation = await this.invokeOnce(processor.functionName, event);
      const problem = invocation.ok ? invalidTransformResponse(records, invocation.result) : undefined;
      if (invocation.ok && !problem)
        return this.outcomeOf(records, invocation.result, attempt, processor.functionArn);
      failure = invocation.ok
        ? {
            errorCode: 'Lambda.InvalidResponse',
            errorMessage: `The Lambda function returned an invalid response: ${problem}`,
          }
        : {
            errorCode: 'Lambda.FunctionError',
            errorMessage: `${invocation.error.errorType}: ${invocation.error.errorMessage}`,
          };
      this.dependencies.log.warn(
        this.definition.label,
        `transform attempt ${attempt} of ${attempts} failed (${failure.errorCode}): ${failure.errorMessage}`,
      );
      if (attempt < attempts) await sleep(this.dependencies.retryDelayMs ?? 500);
    }
    const attemptEndingTimestamp = Date.now();
    return {
      delivered: [],
      dropped: 0,
      failed: records.map((record) => ({
        attemptsMade: attempts,
        arrivalTimestamp: record.arrivalTimestamp,
        ...failure,
        attemptEndingTimestamp,
        rawData: record.data.toString('base64'),
        lambdaArn: processor.functionArn,
      })),
    };
  }

  /** One invocation; one that cannot even start (e.g. the environment fails to load) is a function error. */
  private async invokeOnce(
    functionName: string,
    event: FirehoseTransformationEvent,
  ): Promise<InvocationResult> {
    try {
      return await this.dependencies.invoke(functionName, event);
    } catch (error) {
      const { name = 'Error', message = String(error) } = error as Partial<Error>;
      return { ok: false, requestId: '', error: { errorType: name, errorMessage: message }, durationMs: 0 };
    }
  }

  private outcomeOf(
    records: BufferedRecord[],
    response: unknown,
    attempt: number,
    lambdaArn: string,
  ): TransformOutcome {
    const results = new Map(
      ((response as { records: FirehoseTransformationResultRecord[] }).records ?? []).map((result) => [
        result.recordId,
        result,
      ]),
    );
    const outcome: TransformOutcome = { delivered: [], failed: [], dropped: 0 };
    const attemptEndingTimestamp = Date.now();
    for (const record of records) {
      const result = results.get(record.recordId) as FirehoseTransformationResultRecord;
      if (result.result === 'Ok')
        outcome.delivered.push({ ...record, data: Buffer.from(result.data ?? '', 'base64') });
      else if (result.result === 'Dropped') outcome.dropped += 1;
      else {
        outcome.failed.push({
          attemptsMade: attempt,
          arrivalTimestamp: record.arrivalTimestamp,
          errorCode: 'Lambda.ProcessingFailedStatus',
          errorMessage: 'ProcessingFailed status is returned for the record.',
          attemptEndingTimestamp,
          rawData: record.data.toString('base64'),
          lambdaArn,
        });
      }
    }
    return outcome;
  }

  /** Writes one object, retrying S3 until it succeeds (Firehose keeps retrying while S3 is down). */
  private async write(
    prefix: string,
    errorOutputType: string | undefined,
    records: readonly { arrivalTimestamp: number }[],
    body: Buffer,
  ): Promise<string> {
    const { name, compression, kmsKeyArn, bucketName, label } = this.definition;
    const oldest = new Date(Math.min(...records.map((record) => record.arrivalTimestamp)));
    const gzip = compression === 'GZIP';
    const key = `${evaluatePrefix(prefix, { timestamp: oldest, errorOutputType })}${objectName(name, oldest, randomUUID(), gzip ? '.gz' : '')}`;
    const input: PutObjectCommandInput = {
      Bucket: bucketName,
      Key: key,
      Body: gzip ? gzipSync(body) : body,
      ...(kmsKeyArn ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyArn } : {}),
    };
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.dependencies.s3.send(new PutObjectCommand(input));
        return key;
      } catch (error) {
        this.dependencies.log.warn(
          label,
          `writing s3://${bucketName}/${key} failed (attempt ${attempt}): ${(error as Error).message}`,
        );
        await sleep(Math.min(30_000, (this.dependencies.retryDelayMs ?? 500) * 2 ** attempt));
      }
    }
  }

  /** Delivers whatever is still buffered (Ctrl-C loses nothing that was accepted). */
  async stop() {
    await this.flush();
  }
}
