import { Client } from '@opensearch-project/opensearch';

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

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Firehose's OpenSearch delivery: bulk-indexes documents with their ids, retrying what failed for a
 * transient reason (the node unreachable, 429, 5xx) until the retry duration is over; documents that
 * are refused (mapping errors) or still failing then are returned, to be backed up to S3.
 */
export class OpenSearchIndexer {
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
}
