import { randomUUID } from 'node:crypto';
import type { FirehoseTransformationEvent, FirehoseTransformationResultRecord } from 'aws-lambda';
import { parseArn } from '../arn';
import type { InvocationResult } from '../lambda/function-host';
import type { RuntimeLog } from '../log';
import { type HandleKind, handleKind, type ResourceHandle } from '../stack/handles';
import type {
  DeliveryDestination,
  DeliveryRecord,
  ErrorOutputRecord,
  ProcessingConfigurationDescription,
} from './destination';
import type { OpenSearchDestinationSettings } from './destinations/opensearch';
import type { S3DestinationSettings } from './destinations/s3';

/** Firehose's limits: a record is at most 1,000 KiB; a Lambda invocation request at most 6 MB. */
export const MAX_RECORD_BYTES = 1000 * 1024;
const MAX_INVOCATION_BYTES = 6 * 1024 * 1024;
const MIB = 1024 * 1024;

export interface LambdaProcessor {
  functionName: string;
  functionArn: string;
  numberOfRetries: number;
  bufferSizeBytes: number;
  /** The processor's BufferIntervalInSeconds: described; locally the stream's own interval applies. */
  bufferIntervalSeconds?: number;
}

/** The stream itself: what it buffers and how it transforms, whatever its destination. */
export interface DeliveryStreamSettings {
  name: string;
  arn: string;
  /** Shown in log lines: the pipeline the stream belongs to. */
  label: string;
  /** The template's buffering interval, and the one used locally (never longer). */
  bufferIntervalSeconds: number;
  localBufferIntervalSeconds: number;
  bufferSizeBytes: number;
  processor?: LambdaProcessor;
  /**
   * Server-side encryption of the stream (DeliveryStreamEncryptionConfigurationInput): described, and
   * answered as `Encrypted` by PutRecord; locally the buffer is only in memory.
   */
  encryption?: { keyType: string; keyArn?: string };
}

/**
 * A stream as configured: its own settings and its destination's, an S3 bucket or an OpenSearch domain
 * (the bucket, prefixes, compression and key then being its S3 backup, S3Configuration). The stream reads
 * only its own settings; the rest is what it is described with.
 */
export type DeliveryStreamDefinition = DeliveryStreamSettings &
  S3DestinationSettings & { openSearch?: OpenSearchDestinationSettings };

export interface DeliveryStreamDependencies {
  /** Where the records go once buffered and transformed. */
  destination: DeliveryDestination;
  invoke(functionName: string, event: FirehoseTransformationEvent): Promise<InvocationResult>;
  log: RuntimeLog;
  /** Pause between retries of a failed transform invocation. */
  retryDelayMs?: number;
}

type TransformOutcome = { delivered: DeliveryRecord[]; failed: ErrorOutputRecord[]; dropped: number };

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** DescribeDeliveryStream's description of a stream (timestamps in epoch seconds, as in the JSON protocol). */
export interface DeliveryStreamDescription {
  DeliveryStreamName: string;
  DeliveryStreamARN: string;
  DeliveryStreamStatus: 'ACTIVE';
  DeliveryStreamEncryptionConfiguration: {
    KeyARN?: string;
    KeyType?: string;
    Status: 'ENABLED' | 'DISABLED';
  };
  DeliveryStreamType: 'DirectPut';
  VersionId: string;
  CreateTimestamp: number;
  Destinations: ({ DestinationId: string } & Record<string, unknown>)[];
  HasMoreDestinations: boolean;
}

/** The id Firehose gives a stream's one destination. */
export const DESTINATION_ID = 'destinationId-000000000001';

/** Why a transform response is unusable, or undefined when it answers every record exactly once. */
export const invalidTransformResponse = (
  records: readonly DeliveryRecord[],
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

/** Delivery streams are found in the runtime's handles by this kind (by ARN, by name). */
export const DELIVERY_STREAM: HandleKind<LocalDeliveryStream> = handleKind('firehose-delivery-stream');

/**
 * An Amazon Data Firehose delivery stream: buffers records by size and interval, calls the Lambda processor
 * with the real event and honours its answers (Ok, Dropped, ProcessingFailed, retries), and hands what
 * comes out to its destination: the transformed records to deliver, the failed ones for the error output.
 * It knows nothing of what the records hold.
 */
export class LocalDeliveryStream implements ResourceHandle {
  readonly kind = DELIVERY_STREAM.kind;
  /** Flushes once nothing puts records into it any more (SNS bridges and the Firehose API have stopped). */
  readonly stopPhase = 'buffers';
  readonly bannerPosition = 800;
  /** When the stream was created (CreateTimestamp). */
  readonly createdAt = new Date();
  private buffer: DeliveryRecord[] = [];
  private bufferedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private nextRecordNumber = 0;

  constructor(
    readonly definition: DeliveryStreamDefinition,
    private readonly dependencies: DeliveryStreamDependencies,
  ) {}

  get name() {
    return this.definition.name;
  }

  /** Its line in the start-up banner: where it delivers, its processor, how it buffers. */
  bannerLines() {
    const stream = this.definition;
    const processor = stream.processor ? `, transform ${stream.processor.functionName}` : '';
    const buffering = `flushes at ${stream.bufferSizeBytes / MIB} MiB or after ${stream.localBufferIntervalSeconds} s locally; ${stream.bufferIntervalSeconds} s in AWS`;
    const search = stream.openSearch;
    const destination = search
      ? `OpenSearch ${search.endpoint} index ${search.indexName} (${search.rotation}, retries ${search.retryDurationSeconds} s, backup s3://${stream.bucketName}/${stream.prefix})`
      : `s3://${stream.bucketName}/${stream.prefix} (${stream.compression})`;
    return [`  Firehose          ${stream.name} -> ${destination}${processor}; ${buffering}`];
  }

  /** Whether the stream has server-side encryption (PutRecord's `Encrypted`). */
  get encrypted(): boolean {
    return this.definition.encryption !== undefined;
  }

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

  /** The stream as DescribeDeliveryStream describes it, its destination included. */
  describe(): DeliveryStreamDescription {
    const { name, arn, encryption, bufferSizeBytes, bufferIntervalSeconds } = this.definition;
    const destination = this.dependencies.destination.describe({
      BufferingHints: { SizeInMBs: bufferSizeBytes / MIB, IntervalInSeconds: bufferIntervalSeconds },
      ProcessingConfiguration: this.describeProcessing(),
    });
    return {
      DeliveryStreamName: name,
      DeliveryStreamARN: arn,
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamEncryptionConfiguration: encryption
        ? {
            ...(encryption.keyArn ? { KeyARN: encryption.keyArn } : {}),
            KeyType: encryption.keyType,
            Status: 'ENABLED',
          }
        : { Status: 'DISABLED' },
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
      CreateTimestamp: this.createdAt.getTime() / 1000,
      Destinations: [{ DestinationId: DESTINATION_ID, ...destination }],
      HasMoreDestinations: false,
    };
  }

  private describeProcessing(): ProcessingConfigurationDescription {
    const { processor } = this.definition;
    if (!processor) return { Enabled: false, Processors: [] };
    const parameters: [string, unknown][] = [
      ['LambdaArn', processor.functionArn],
      ['NumberOfRetries', processor.numberOfRetries],
      ['BufferSizeInMBs', processor.bufferSizeBytes / MIB],
      ['BufferIntervalInSeconds', processor.bufferIntervalSeconds],
    ];
    return {
      Enabled: true,
      Processors: [
        {
          Type: 'Lambda',
          Parameters: parameters
            .filter(([, value]) => value !== undefined)
            .map(([ParameterName, value]) => ({ ParameterName, ParameterValue: String(value) })),
        },
      ],
    };
  }

  private async deliver(records: DeliveryRecord[]) {
    const { destination, log } = this.dependencies;
    const { delivered, failed, dropped } = await this.transform(records);
    if (delivered.length > 0) await destination.deliver(delivered);
    if (failed.length > 0) await destination.deliverProcessingFailures(failed);
    if (dropped > 0) log.info(this.definition.label, `${dropped} records dropped by the transform`);
  }

  private async transform(records: DeliveryRecord[]): Promise<TransformOutcome> {
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
  private processorBatches(records: DeliveryRecord[], bufferSizeBytes: number): DeliveryRecord[][] {
    const limit = Math.min(bufferSizeBytes, (MAX_INVOCATION_BYTES * 3) / 4 - 64 * 1024);
    const batches: DeliveryRecord[][] = [[]];
    let size = 0;
    for (const record of records) {
      const current = batches[batches.length - 1] as DeliveryRecord[];
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
    records: DeliveryRecord[],
    processor: LambdaProcessor,
  ): Promise<TransformOutcome> {
    const event: FirehoseTransformationEvent = {
      invocationId: randomUUID(),
      deliveryStreamArn: this.definition.arn,
      region: parseArn(this.definition.arn).region,
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
    records: DeliveryRecord[],
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

  /** Delivers whatever is still buffered (Ctrl-C loses nothing accepted), then closes the destination. */
  async stop() {
    await this.flush();
    await this.dependencies.destination.close?.();
  }
}
