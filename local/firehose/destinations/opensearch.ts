import { Client } from '@opensearch-project/opensearch';
import { type IndexRotationPeriod, rotatedIndexName } from '../../../src/domain/search';
import type {
  DeliveryDestination,
  DeliveryRecord,
  DestinationDescription,
  ErrorOutputRecord,
  RecordDescriber,
  StreamDescriptionParts,
} from '../destination';
import {
  jsonLines,
  type S3Dependencies,
  type S3DestinationSettings,
  S3ObjectWriter,
  type WritingStream,
} from './s3';

/** An OpenSearch Service destination (AmazonopensearchserviceDestinationConfiguration). */
export interface OpenSearchDestinationSettings {
  /** Where the domain (or cluster) answers locally. */
  endpoint: string;
  indexName: string;
  rotation: IndexRotationPeriod | 'NoRotation';
  retryDurationSeconds: number;
  backupMode: 'FailedDocumentsOnly' | 'AllDocuments';
  /** The domain, when given by DomainARN rather than ClusterEndpoint. */
  domainArn?: string;
  /** The delivery role: described, not assumed, locally. */
  roleArn?: string;
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

export interface IndexDocument {
  id: string;
  index: string;
  /** The document's JSON text. */
  body: string;
}

export interface IndexFailure {
  document: IndexDocument;
  errorCode: string;
  errorMessage: string;
  attemptsMade: number;
}

export interface IndexOutcome {
  /** The documents refused, or still failing once the retry duration was over. */
  failures: IndexFailure[];
  /**
   * Where each indexed document is, by the id it was sent with: the index OpenSearch answered, which is not
   * the one it was sent to when an ingest pipeline moved it (the order index's pipeline files each order
   * under its date).
   */
  indexedIn: Map<string, string>;
}

interface BulkItemResult {
  index?: { _index?: string; status: number; error?: { type?: string; reason?: string } };
}

const OPENSEARCH_FAILED = 'AmazonOpenSearchService-failed';
/** S3Configuration's BufferingHints when the template gives none (the backup is described with them). */
const DEFAULT_BACKUP_BUFFERING = { SizeInMBs: 5, IntervalInSeconds: 300 };

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Firehose's OpenSearch delivery: bulk-indexes documents with their ids, retrying what failed for a
 * transient reason (the node unreachable, 429, 5xx) until the retry duration is over; documents that
 * are refused (mapping errors) or still failing then are returned, to be backed up to S3.
 */
export class BulkIndexer {
  private readonly client: Client;

  constructor(
    endpoint: string,
    private readonly onRetry: (message: string) => void,
    private readonly retryDelayMs = 1000,
  ) {
    // The retries are Firehose's (the retry duration), not the client's.
    this.client = new Client({ node: endpoint, maxRetries: 0, requestTimeout: 10_000 });
  }

  async index(documents: readonly IndexDocument[], retryDurationSeconds: number): Promise<IndexOutcome> {
    const deadline = Date.now() + retryDurationSeconds * 1000;
    const failures: IndexFailure[] = [];
    const indexedIn = new Map<string, string>();
    let pending = [...documents];
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const transient: { document: IndexDocument; errorCode: string; errorMessage: string }[] = [];
      try {
        const lines: unknown[] = pending.flatMap((document) => [
          { index: { _index: document.index, _id: document.id } },
          // The text as it is, so that OpenSearch judges it (a document that is not JSON is refused
          // alone, as Firehose's are), on one line as the bulk format requires. The client sends a
          // string line as it is, though its types only list objects.
          document.body.replace(/[\r\n]+/g, ' '),
        ]);
        const { body } = await this.client.bulk({ body: lines as Record<string, unknown>[] });
        (body.items as BulkItemResult[]).forEach((item, position) => {
          const document = pending[position] as IndexDocument;
          const result = item.index;
          if (!result) return;
          if (result.status < 300) {
            indexedIn.set(document.id, result._index ?? document.index);
            return;
          }
          const failure = {
            document,
            errorCode: `OpenSearch.${result.error?.type ?? result.status}`,
            errorMessage: result.error?.reason ?? `status ${result.status}`,
          };
          if (result.status === 429 || result.status >= 500) transient.push(failure);
          else failures.push({ ...failure, attemptsMade: attempt });
        });
      } catch (error) {
        const errorMessage = (error as Error).message;
        transient.push(
          ...pending.map((document) => ({
            document,
            errorCode: 'OpenSearch.ConnectionFailed',
            errorMessage,
          })),
        );
      }
      pending = transient.map(({ document }) => document);
      if (pending.length === 0) break;
      if (Date.now() + this.retryDelayMs > deadline) {
        failures.push(...transient.map((failure) => ({ ...failure, attemptsMade: attempt })));
        break;
      }
      this.onRetry(
        `indexing ${pending.length} documents failed (attempt ${attempt}: ${transient[0]?.errorMessage}); retrying for up to ${retryDurationSeconds} s`,
      );
      await sleep(this.retryDelayMs);
    }
    return { failures, indexedIn };
  }

  async close() {
    await this.client.close();
  }
}

/**
 * An OpenSearch Service destination: indexes each record as a document whose id is the record id, in the
 * index rotated by its arrival time, retrying for the retry duration; backs up what failed (or every
 * document, with AllDocuments) to its S3 configuration, in Firehose's failed-document format.
 */
export class OpenSearchDestination implements DeliveryDestination {
  private readonly backup: S3ObjectWriter;
  private readonly indexer: BulkIndexer;

  constructor(
    private readonly stream: WritingStream,
    readonly settings: OpenSearchDestinationSettings,
    backup: S3DestinationSettings,
    private readonly dependencies: S3Dependencies & { describeRecord: RecordDescriber },
  ) {
    this.backup = new S3ObjectWriter(stream, backup, dependencies);
    this.indexer = new BulkIndexer(
      settings.endpoint,
      (message) => dependencies.log.warn(stream.label, message),
      dependencies.retryDelayMs,
    );
  }

  async deliver(records: readonly DeliveryRecord[]) {
    if (records.length === 0) return;
    const { indexName, rotation, retryDurationSeconds, backupMode } = this.settings;
    const { prefix, errorOutputPrefix } = this.backup.settings;
    const { log, describeRecord } = this.dependencies;
    const { label } = this.stream;
    const documents = records.map((record) => ({
      id: record.recordId,
      index: rotatedIndexName(indexName, rotation, new Date(record.arrivalTimestamp)),
      body: record.data.toString('utf8').trim(),
    }));
    const { failures, indexedIn } = await this.indexer.index(documents, retryDurationSeconds);
    const failedIds = new Set(failures.map((failure) => failure.document.id));
    for (const document of documents.filter((document) => !failedIds.has(document.id))) {
      // Where OpenSearch put it: the index's ingest pipeline may move a document to another index.
      const index = indexedIn.get(document.id) ?? document.index;
      log.info(label, `${describeRecord(document.body)} indexed in ${index}`);
    }
    if (backupMode === 'AllDocuments') {
      await this.backup.write(
        prefix,
        undefined,
        records,
        Buffer.concat(records.map((record) => record.data)),
      );
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
    const key = await this.backup.write(
      errorOutputPrefix || `${prefix}${OPENSEARCH_FAILED}/`,
      errorOutputPrefix ? OPENSEARCH_FAILED : undefined,
      failed,
      jsonLines(failed),
    );
    for (const { document } of failures) {
      log.warn(label, `${describeRecord(document.body)} not indexed: backed up to ${this.backup.url(key)}`);
    }
  }

  deliverProcessingFailures(records: readonly ErrorOutputRecord[]) {
    return this.backup.writeProcessingFailures(records);
  }

  close() {
    return this.indexer.close();
  }

  describe({ BufferingHints, ProcessingConfiguration }: StreamDescriptionParts): DestinationDescription {
    const { endpoint, domainArn, roleArn, indexName, rotation, retryDurationSeconds, backupMode } =
      this.settings;
    return {
      AmazonopensearchserviceDestinationDescription: {
        ...(roleArn ? { RoleARN: roleArn } : {}),
        ...(domainArn ? { DomainARN: domainArn } : { ClusterEndpoint: endpoint }),
        IndexName: indexName,
        IndexRotationPeriod: rotation,
        BufferingHints,
        RetryOptions: { DurationInSeconds: retryDurationSeconds },
        S3BackupMode: backupMode,
        S3DestinationDescription: this.backup.describe(DEFAULT_BACKUP_BUFFERING),
        ProcessingConfiguration,
        DocumentIdOptions: { DefaultDocumentIdFormat: 'FIREHOSE_DEFAULT' },
      },
    };
  }
}
