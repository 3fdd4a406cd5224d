import type { DeliveryRecord, ErrorOutputRecord } from '../../../../../local/firehose/destination';
import {
  type FailedDocumentRecord,
  OpenSearchDestination,
  type OpenSearchDestinationSettings,
} from '../../../../../local/firehose/destinations/opensearch';
import type { S3DestinationSettings } from '../../../../../local/firehose/destinations/s3';
import { aDeliveryStreamDefinition, anOpenSearchDestination } from '../../../../factories/delivery-stream';
import { recordingS3 } from '../../../../helpers/delivery-stream';
import { recordingLog } from '../../../../helpers/local-runtime';
import { type RecordingServer, startRecordingServer } from '../../../../helpers/recording-server';

const ARRIVAL = Date.UTC(2026, 10, 21, 10, 15, 30);
const stream = aDeliveryStreamDefinition({ name: 'orders-search', label: 'Search/DeliveryStream' });
const BACKUP: S3DestinationSettings = {
  bucketName: 'backup',
  prefix: 'failed/',
  errorOutputPrefix: 'failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
  compression: 'UNCOMPRESSED',
};

interface BulkAction {
  index: { _index: string; _id: string };
}

/**
 * A stand-in for an OpenSearch domain's _bulk API: it refuses documents that say "refuse" (a mapping error),
 * answers 429 to those that say "busy" until `busyFor` bulk requests have been made, and indexes the rest
 * where they were sent.
 */
const aDomain = ({ busyFor = 0 } = {}) => {
  let bulkRequests = 0;
  return startRecordingServer((request, response) => {
    bulkRequests += 1;
    const lines = request.body.trim().split('\n');
    const items = [];
    for (let line = 0; line < lines.length; line += 2) {
      const { index } = JSON.parse(lines[line] as string) as BulkAction;
      const document = lines[line + 1] as string;
      if (document.includes('refuse')) {
        items.push({
          index: {
            ...index,
            status: 400,
            error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [payment.amount]' },
          },
        });
      } else if (document.includes('busy') && bulkRequests <= busyFor) {
        items.push({ index: { ...index, status: 429, error: { type: 'es_rejected_execution_exception' } } });
      } else {
        items.push({ index: { ...index, status: 201 } });
      }
    }
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ took: 1, errors: items.some((item) => item.index.status >= 300), items }));
  });
};

const record = (text: string): DeliveryRecord => ({
  recordId: `id-${text.split(' ')[0]}`,
  data: Buffer.from(`${text}\n`),
  arrivalTimestamp: ARRIVAL,
});

/** Names each record by its first word, as a provisioner's describer would name its order. */
const firstWord = (data: Buffer | string) => `item ${String(data).split(' ')[0]}`;

describe('the OpenSearch Service destination', () => {
  const domains: RecordingServer[] = [];

  afterEach(async () => {
    await Promise.all(domains.splice(0).map((domain) => domain.close()));
  });

  const aDestination = async (
    settings: Partial<OpenSearchDestinationSettings> = {},
    domainOptions: { busyFor?: number } = {},
  ) => {
    const domain = await aDomain(domainOptions);
    domains.push(domain);
    const { s3, puts } = recordingS3();
    const log = recordingLog();
    const destination = new OpenSearchDestination(
      stream,
      anOpenSearchDestination(domain.url, { retryDurationSeconds: 5, ...settings }),
      BACKUP,
      { s3, log, describeRecord: firstWord, retryDelayMs: 10 },
    );
    return { destination, domain, puts, log };
  };

  const bulkActions = (domain: RecordingServer) =>
    domain.requests.flatMap((request) =>
      request.body
        .trim()
        .split('\n')
        .filter((_, line) => line % 2 === 0)
        .map((line) => (JSON.parse(line) as BulkAction).index),
    );

  it('indexes each record under its record id in the index rotated by its arrival, and logs it as indexed', async () => {
    const { destination, domain, puts, log } = await aDestination();
    await destination.deliver([record('first document'), record('second document')]);

    expect(domain.requests.map((request) => [request.method, request.path])).toEqual([['POST', '/_bulk']]);
    expect(bulkActions(domain)).toEqual([
      { _index: 'orders-2026-11-21', _id: 'id-first' },
      { _index: 'orders-2026-11-21', _id: 'id-second' },
    ]);
    expect(domain.requests[0]?.body.trim().split('\n')[1]).toBe('first document');
    expect(puts).toEqual([]);
    expect(log.lines.map((line) => line.message)).toEqual([
      'item first indexed in orders-2026-11-21',
      'item second indexed in orders-2026-11-21',
    ]);
  });

  it('backs a refused document up at once in the failed-document format, and indexes the others', async () => {
    const { destination, domain, puts, log } = await aDestination();
    await destination.deliver([record('fine document'), record('refuse this')]);

    expect(domain.requests).toHaveLength(1);
    expect(puts).toHaveLength(1);
    const [put] = puts;
    expect(put?.Key).toMatch(/^failed\/AmazonOpenSearchService-failed\/2026\/11\/21\/10\/orders-search-1-/);
    const [failed, ...others] = Buffer.from(put?.Body as Buffer)
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as FailedDocumentRecord);
    expect(others).toEqual([]);
    expect(failed).toEqual({
      attemptsMade: 1,
      arrivalTimestamp: ARRIVAL,
      errorCode: 'OpenSearch.mapper_parsing_exception',
      errorMessage: 'failed to parse field [payment.amount]',
      attemptEndingTimestamp: expect.any(Number),
      rawData: Buffer.from('refuse this').toString('base64'),
      esDocumentId: 'id-refuse',
      esIndexName: 'orders-2026-11-21',
    });
    expect(log.lines.map((line) => [line.level, line.message])).toEqual([
      ['info', 'item fine indexed in orders-2026-11-21'],
      ['warn', `item refuse not indexed: backed up to s3://backup/${put?.Key}`],
    ]);
  });

  it('retries the documents the domain is too busy for, and indexes them once it takes them', async () => {
    const { destination, domain, puts, log } = await aDestination({}, { busyFor: 2 });
    await destination.deliver([record('calm document'), record('busy document')]);

    expect(bulkActions(domain).map((action) => action._id)).toEqual([
      'id-calm',
      'id-busy',
      'id-busy',
      'id-busy',
    ]);
    expect(puts).toEqual([]);
    expect(log.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      expect.stringMatching(/^indexing 1 documents failed \(attempt 1: .*\); retrying for up to 5 s$/),
      expect.stringMatching(/^indexing 1 documents failed \(attempt 2: .*\); retrying for up to 5 s$/),
    ]);
    expect(log.lines.at(-1)?.message).toBe('item busy indexed in orders-2026-11-21');
  });

  it('backs every document up under the prefix too with AllDocuments', async () => {
    const { destination, puts } = await aDestination({ backupMode: 'AllDocuments' });
    await destination.deliver([record('one document'), record('two document')]);

    expect(puts).toHaveLength(1);
    expect(puts[0]?.Key).toMatch(/^failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/orders-search-1-/);
    expect(Buffer.from(puts[0]?.Body as Buffer).toString()).toBe('one document\ntwo document\n');
  });

  it('writes processing failures to the error output of its backup bucket', async () => {
    const { destination, domain, puts } = await aDestination();
    const failure: ErrorOutputRecord = {
      attemptsMade: 1,
      arrivalTimestamp: ARRIVAL,
      errorCode: 'Lambda.ProcessingFailedStatus',
      errorMessage: 'ProcessingFailed status is returned for the record.',
      attemptEndingTimestamp: ARRIVAL,
      rawData: 'eA==',
      lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:transform',
    };
    await destination.deliverProcessingFailures([failure]);

    expect(domain.requests).toEqual([]);
    expect(puts[0]?.Bucket).toBe('backup');
    expect(puts[0]?.Key).toMatch(/^failed\/processing-failed\/2026\/11\/21\/10\//);
  });

  describe('its description', () => {
    const parts = {
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
      ProcessingConfiguration: { Enabled: false, Processors: [] },
    };

    it('gives the domain by ARN when it has one, with its index, rotation, retries and backup', async () => {
      const domainArn = 'arn:aws:es:us-east-1:123456789012:domain/orders';
      const { destination } = await aDestination({ domainArn, roleArn: 'arn:aws:iam::123456789012:role/d' });

      expect(destination.describe(parts)).toEqual({
        AmazonopensearchserviceDestinationDescription: {
          RoleARN: 'arn:aws:iam::123456789012:role/d',
          DomainARN: domainArn,
          IndexName: 'orders',
          IndexRotationPeriod: 'OneDay',
          BufferingHints: parts.BufferingHints,
          RetryOptions: { DurationInSeconds: 5 },
          S3BackupMode: 'FailedDocumentsOnly',
          S3DestinationDescription: {
            BucketARN: 'arn:aws:s3:::backup',
            Prefix: 'failed/',
            ErrorOutputPrefix: BACKUP.errorOutputPrefix,
            BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
            CompressionFormat: 'UNCOMPRESSED',
            EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
          },
          ProcessingConfiguration: parts.ProcessingConfiguration,
          DocumentIdOptions: { DefaultDocumentIdFormat: 'FIREHOSE_DEFAULT' },
        },
      });
    });

    it('gives the cluster endpoint when the domain was given by ClusterEndpoint', async () => {
      const { destination, domain } = await aDestination();
      const description = destination.describe(parts).AmazonopensearchserviceDestinationDescription;
      expect(description?.ClusterEndpoint).toBe(domain.url);
      expect(description).not.toHaveProperty('DomainARN');
    });
  });
});
