import { gunzipSync } from 'node:zlib';
import type { DeliveryRecord, ErrorOutputRecord } from '../../../../../local/firehose/destination';
import { S3Destination, type S3DestinationSettings } from '../../../../../local/firehose/destinations/s3';
import { formatTimestamp } from '../../../../../local/firehose/prefix';
import { aDeliveryStreamDefinition } from '../../../../factories/delivery-stream';
import { recordingS3 } from '../../../../helpers/delivery-stream';
import { recordingLog } from '../../../../helpers/local-runtime';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/0b6c2d1e-1111-4222-8333-944445555666';
const ARRIVAL = Date.UTC(2026, 10, 21, 10, 15, 30);

const stream = aDeliveryStreamDefinition({ name: 'orders-archive', label: 'Storage/DeliveryStream' });

const settings = (overrides: Partial<S3DestinationSettings> = {}): S3DestinationSettings => ({
  bucketName: 'archive',
  prefix: 'orders/!{timestamp:yyyy/MM/dd/HH}/',
  errorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
  compression: 'UNCOMPRESSED',
  ...overrides,
});

const record = (text: string, arrivalTimestamp = ARRIVAL): DeliveryRecord => ({
  recordId: `id-${text}`,
  data: Buffer.from(text),
  arrivalTimestamp,
});

const anErrorRecord = (rawText: string): ErrorOutputRecord => ({
  attemptsMade: 1,
  arrivalTimestamp: ARRIVAL,
  errorCode: 'Lambda.ProcessingFailedStatus',
  errorMessage: 'ProcessingFailed status is returned for the record.',
  attemptEndingTimestamp: ARRIVAL + 1000,
  rawData: Buffer.from(rawText).toString('base64'),
  lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:transform',
});

/** Names each record by its first word, as a provisioner's describer would name its order. */
const firstWord = (data: Buffer | string) => `item ${String(data).split(' ')[0]}`;

const aDestination = (overrides: Partial<S3DestinationSettings> = {}, { failures = 0 } = {}) => {
  const { s3, puts } = recordingS3({ failures });
  const log = recordingLog();
  const destination = new S3Destination(stream, settings(overrides), {
    s3,
    log,
    describeRecord: firstWord,
    retryDelayMs: 1,
  });
  return { destination, puts, log };
};

const bodyOf = (put: { Body?: unknown } | undefined) => Buffer.from(put?.Body as Buffer);

describe('the S3 destination', () => {
  it('writes the records of a delivery as one object, concatenated, under the prefix evaluated at the oldest arrival', async () => {
    const { destination, puts } = aDestination();
    await destination.deliver([record('b line\n', ARRIVAL + 5000), record('a line\n', ARRIVAL)]);

    expect(puts).toHaveLength(1);
    const [put] = puts;
    expect(put?.Bucket).toBe('archive');
    expect(put?.Key).toMatch(
      new RegExp(`^orders/2026/11/21/10/orders-archive-1-2026-11-21-10-15-30-${UUID}$`),
    );
    expect(bodyOf(put).toString()).toBe('b line\na line\n');
    expect(put?.ServerSideEncryption).toBeUndefined();
  });

  it('gzips the object and names it .gz with GZIP compression', async () => {
    const { destination, puts } = aDestination({ compression: 'GZIP' });
    await destination.deliver([record('zipped\n')]);

    expect(puts[0]?.Key).toMatch(/\.gz$/);
    expect(gunzipSync(bodyOf(puts[0])).toString()).toBe('zipped\n');
  });

  it('asks for SSE-KMS with the key it is given', async () => {
    const { destination, puts } = aDestination({ kmsKeyArn: KEY_ARN });
    await destination.deliver([record('secret\n')]);

    expect(puts[0]).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN });
  });

  it('logs each line of each record as archived, described by the describer it was given', async () => {
    const { destination, puts, log } = aDestination();
    await destination.deliver([record('first one\nsecond one\n'), record('third one\n')]);

    const where = `s3://archive/${puts[0]?.Key}`;
    expect(log.lines).toEqual(
      ['first', 'second', 'third'].map((word) => ({
        level: 'info',
        component: 'Storage/DeliveryStream',
        message: `item ${word} archived in ${where}`,
      })),
    );
  });

  it('writes nothing for an empty delivery', async () => {
    const { destination, puts } = aDestination();
    await destination.deliver([]);
    await destination.deliverProcessingFailures([]);
    expect(puts).toEqual([]);
  });

  it('writes processing failures as JSON lines under the error output prefix for processing-failed, and says where', async () => {
    const { destination, puts, log } = aDestination({ compression: 'GZIP', kmsKeyArn: KEY_ARN });
    const failures = [anErrorRecord('{"id":"x"}'), anErrorRecord('not json')];
    await destination.deliverProcessingFailures(failures);

    const [put] = puts;
    expect(put?.Key).toMatch(
      new RegExp(
        `^errors/processing-failed/2026/11/21/10/orders-archive-1-2026-11-21-10-15-30-${UUID}\\.gz$`,
      ),
    );
    expect(put).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KEY_ARN });
    const lines = gunzipSync(bodyOf(put)).toString().trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(failures);
    expect(log.lines).toEqual([
      {
        level: 'warn',
        component: 'Storage/DeliveryStream',
        message: `2 records failed processing: s3://archive/${put?.Key}`,
      },
    ]);
  });

  it('appends the default yyyy/MM/dd/HH/ to a prefix without expressions', async () => {
    const { destination, puts } = aDestination({ prefix: 'plain/' });
    await destination.deliver([record('x\n')]);
    expect(puts[0]?.Key?.startsWith(`plain/${formatTimestamp('yyyy/MM/dd/HH', new Date(ARRIVAL))}/`)).toBe(
      true,
    );
  });

  it('retries a write S3 refuses until S3 takes it, logging each failure, and loses nothing', async () => {
    const { destination, puts, log } = aDestination({}, { failures: 2 });
    await destination.deliver([record('persistent\n')]);

    expect(puts).toHaveLength(1);
    expect(bodyOf(puts[0]).toString()).toBe('persistent\n');
    const failures = log.lines.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(failures).toEqual([
      expect.stringMatching(
        /^writing s3:\/\/archive\/orders\/.* failed \(attempt 1\): S3 is down \(call 1\)$/,
      ),
      expect.stringMatching(
        /^writing s3:\/\/archive\/orders\/.* failed \(attempt 2\): S3 is down \(call 2\)$/,
      ),
    ]);
  });

  describe('its description', () => {
    const parts = {
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
      ProcessingConfiguration: { Enabled: false, Processors: [] },
    };

    it('is both an S3 and an extended S3 destination description, with the bucket ARN in the stream partition', () => {
      const { destination } = aDestination({
        compression: 'GZIP',
        kmsKeyArn: KEY_ARN,
        roleArn: 'arn:aws:iam::123456789012:role/delivery',
      });
      const s3 = {
        RoleARN: 'arn:aws:iam::123456789012:role/delivery',
        BucketARN: 'arn:aws:s3:::archive',
        Prefix: 'orders/!{timestamp:yyyy/MM/dd/HH}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
        BufferingHints: parts.BufferingHints,
        CompressionFormat: 'GZIP',
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: KEY_ARN } },
      };
      expect(destination.describe(parts)).toEqual({
        S3DestinationDescription: s3,
        ExtendedS3DestinationDescription: {
          ...s3,
          ProcessingConfiguration: parts.ProcessingConfiguration,
          S3BackupMode: 'Disabled',
        },
      });
    });

    it('says NoEncryption without a key, and leaves out the prefixes and role it does not have', () => {
      const { destination } = aDestination({ prefix: '', errorOutputPrefix: '' });
      const description = destination.describe(parts).S3DestinationDescription;
      expect(description?.EncryptionConfiguration).toEqual({ NoEncryptionConfig: 'NoEncryption' });
      expect(description).not.toHaveProperty('Prefix');
      expect(description).not.toHaveProperty('ErrorOutputPrefix');
      expect(description).not.toHaveProperty('RoleARN');
    });
  });
});
