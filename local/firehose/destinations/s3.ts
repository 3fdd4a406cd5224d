import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { parseArn } from '../../arn';
import type { RuntimeLog } from '../../log';
import type {
  BufferingHintsDescription,
  DeliveryDestination,
  DeliveryRecord,
  DestinationDescription,
  ErrorOutputRecord,
  RecordDescriber,
  StreamDescriptionParts,
} from '../destination';
import { evaluatePrefix, objectName } from '../prefix';

export type Compression = 'UNCOMPRESSED' | 'GZIP';

/** An S3 destination (ExtendedS3DestinationConfiguration), or the S3 backup of another destination. */
export interface S3DestinationSettings {
  bucketName: string;
  prefix: string;
  errorOutputPrefix: string;
  compression: Compression;
  /** SSE-KMS with this key (EncryptionConfiguration.KMSEncryptionConfig); no encryption without one. */
  kmsKeyArn?: string;
  /** The delivery role: described, not assumed, locally. */
  roleArn?: string;
}

/** The stream that writes: its name begins every object name, its label every log line. */
export interface WritingStream {
  name: string;
  arn: string;
  label: string;
}

export interface S3Dependencies {
  s3: S3Client;
  log: RuntimeLog;
  /** Pause before the first retry of a failed write; it doubles with each attempt, up to 30 s. */
  retryDelayMs?: number;
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Firehose's error records, one JSON document per line. */
export const jsonLines = (records: readonly object[]) =>
  Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join(''));

/**
 * Writes objects as Firehose does: under the evaluated prefix, named after the stream and the oldest
 * record, compressed and with SSE-KMS as configured, retrying S3 until it succeeds (Firehose keeps retrying
 * while S3 is down).
 */
export class S3ObjectWriter {
  constructor(
    readonly stream: WritingStream,
    readonly settings: S3DestinationSettings,
    private readonly dependencies: S3Dependencies,
  ) {}

  url(key: string) {
    return `s3://${this.settings.bucketName}/${key}`;
  }

  /** Writes one object and gives back its key. */
  async write(
    prefix: string,
    errorOutputType: string | undefined,
    records: readonly { arrivalTimestamp: number }[],
    body: Buffer,
  ): Promise<string> {
    const { compression, kmsKeyArn, bucketName } = this.settings;
    const oldest = new Date(Math.min(...records.map((record) => record.arrivalTimestamp)));
    const gzip = compression === 'GZIP';
    const key = `${evaluatePrefix(prefix, { timestamp: oldest, errorOutputType })}${objectName(this.stream.name, oldest, randomUUID(), gzip ? '.gz' : '')}`;
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
          this.stream.label,
          `writing ${this.url(key)} failed (attempt ${attempt}): ${(error as Error).message}`,
        );
        await sleep(Math.min(30_000, (this.dependencies.retryDelayMs ?? 500) * 2 ** attempt));
      }
    }
  }

  /** Writes the records the processor failed under the error output prefix, as `processing-failed`. */
  async writeProcessingFailures(failed: readonly ErrorOutputRecord[]) {
    if (failed.length === 0) return;
    const key = await this.write(
      this.settings.errorOutputPrefix,
      'processing-failed',
      failed,
      jsonLines(failed),
    );
    this.dependencies.log.warn(
      this.stream.label,
      `${failed.length} records failed processing: ${this.url(key)}`,
    );
  }

  /** The S3DestinationDescription of DescribeDeliveryStream, with these buffering hints. */
  describe(bufferingHints: BufferingHintsDescription): Record<string, unknown> {
    const { bucketName, prefix, errorOutputPrefix, compression, kmsKeyArn, roleArn } = this.settings;
    return {
      ...(roleArn ? { RoleARN: roleArn } : {}),
      BucketARN: `arn:${parseArn(this.stream.arn).partition}:s3:::${bucketName}`,
      ...(prefix ? { Prefix: prefix } : {}),
      ...(errorOutputPrefix ? { ErrorOutputPrefix: errorOutputPrefix } : {}),
      BufferingHints: bufferingHints,
      CompressionFormat: compression,
      EncryptionConfiguration: kmsKeyArn
        ? { KMSEncryptionConfig: { AWSKMSKeyARN: kmsKeyArn } }
        : { NoEncryptionConfig: 'NoEncryption' },
    };
  }
}

/**
 * An S3 destination: each flush becomes one object of the delivered records, concatenated, under the
 * prefix; each line of it is logged as archived (one line per record line: NDJSON holds one per line).
 */
export class S3Destination implements DeliveryDestination {
  private readonly writer: S3ObjectWriter;

  constructor(
    stream: WritingStream,
    settings: S3DestinationSettings,
    private readonly dependencies: S3Dependencies & { describeRecord: RecordDescriber },
  ) {
    this.writer = new S3ObjectWriter(stream, settings, dependencies);
  }

  async deliver(records: readonly DeliveryRecord[]) {
    if (records.length === 0) return;
    const { prefix } = this.writer.settings;
    const key = await this.writer.write(
      prefix,
      undefined,
      records,
      Buffer.concat(records.map((record) => record.data)),
    );
    const { log, describeRecord } = this.dependencies;
    for (const record of records) {
      for (const line of record.data.toString('utf8').split('\n').filter(Boolean)) {
        log.info(this.writer.stream.label, `${describeRecord(line)} archived in ${this.writer.url(key)}`);
      }
    }
  }

  deliverProcessingFailures(records: readonly ErrorOutputRecord[]) {
    return this.writer.writeProcessingFailures(records);
  }

  /** As Firehose describes an extended S3 destination: both its S3 and its extended S3 description. */
  describe({ BufferingHints, ProcessingConfiguration }: StreamDescriptionParts): DestinationDescription {
    const s3 = this.writer.describe(BufferingHints);
    return {
      S3DestinationDescription: s3,
      ExtendedS3DestinationDescription: { ...s3, ProcessingConfiguration, S3BackupMode: 'Disabled' },
    };
  }
}
