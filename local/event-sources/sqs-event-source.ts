import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { toSqsRecord } from '../../src/adapters/sqs-event-records';
import { parseArn } from '../arn';
import type { InvocationError } from '../lambda/function-host';
import { orderIdOf, type RuntimeLog } from '../log';
import { type HandleKind, handleKind, type ResourceHandle } from '../stack/handles';

export interface SqsEventSourceSettings {
  /** For a Lambda event source mapping: its id and function, as the Lambda API shows them. */
  mapping?: { uuid: string; functionArn: string };
  /** Shown in log lines: the pipeline the messages belong to. */
  label: string;
  /** Who consumes the batches, for log lines: a function name, or a delivery stream for SNS bridges. */
  target: string;
  queueUrl: string;
  queueArn: string;
  region: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
  /**
   * How many batches may be with the target at once (Lambda's ScalingConfig.MaximumConcurrency, bounded by
   * the function's concurrency); 1 when absent.
   */
  maximumConcurrency?: number;
  /**
   * How long a failed message stays invisible before its retry. Lambda leaves it for the queue's
   * visibility timeout; locally this is shortened so that retries and DLQ moves happen in seconds.
   */
  retryDelaySeconds: number;
  /** Log failures only (for bridges whose target logs each message itself). */
  quiet?: boolean;
}

/** Which messages of a batch failed, by Lambda's rules for `ReportBatchItemFailures` responses. */
export const failedMessageIds = (
  batch: readonly SQSRecord[],
  result: { ok: boolean; result?: unknown },
  reportBatchItemFailures: boolean,
): Set<string> => {
  const all = new Set(batch.map((record) => record.messageId));
  if (!result.ok) return all;
  if (!reportBatchItemFailures) return new Set();
  const failures = (result.result as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = failures.map((failure) => (failure as { itemIdentifier?: unknown })?.itemIdentifier);
  // An empty, missing or unknown identifier makes Lambda treat the whole batch as failed.
  if (ids.some((id) => typeof id !== 'string' || !all.has(id))) return all;
  return new Set(ids as string[]);
};

/** What UpdateEventSourceMapping changes on a running source; what is left out stays as it is. */
export type SqsEventSourceChanges = Partial<
  Pick<
    SqsEventSourceSettings,
    'enabled' | 'batchSize' | 'maximumBatchingWindowInSeconds' | 'maximumConcurrency'
  >
>;

/** Receives one batch, as Lambda invokes a function with it: a result, or an error for the whole batch. */
export type BatchConsumer = (
  event: SQSEvent,
) => Promise<{ ok: true; result: unknown } | { ok: false; error: InvocationError }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Event sources are found in the runtime's handles by this kind (the Lambda API serves their mappings). */
export const SQS_EVENT_SOURCE: HandleKind<SqsEventSource> = handleKind('sqs-event-source');

/**
 * Lambda's SQS event source mapping: polls the queue, gathers batches (batch size and batching window),
 * invokes the function, deletes what succeeded and leaves failures for a retry (and, past the queue's
 * maxReceiveCount, for its dead-letter queue). It can be enabled and disabled while running.
 */
export class SqsEventSource implements ResourceHandle {
  readonly kind = SQS_EVENT_SOURCE.kind;
  /** Stops first: nothing new is taken from the queues while the rest shuts down. */
  readonly stopPhase = 'intake';
  readonly bannerPosition = 700;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private maxReceiveCount: number | undefined;

  constructor(
    readonly settings: SqsEventSourceSettings,
    private readonly sqs: SQSClient,
    private readonly consume: BatchConsumer,
    private readonly log: RuntimeLog,
  ) {}

  get enabled() {
    return this.settings.enabled;
  }

  get name() {
    return this.settings.label;
  }

  bannerLines() {
    const { queueArn, target, batchSize, maximumBatchingWindowInSeconds: window } = this.settings;
    const failures = this.settings.reportBatchItemFailures ? ', ReportBatchItemFailures' : '';
    const state = this.enabled ? 'enabled' : 'disabled';
    return [
      `  SQS event source  ${parseArn(queueArn).resourceName} -> ${target} (batch ${batchSize}, window ${window} s${failures}, ${state})`,
    ];
  }

  setEnabled(enabled: boolean) {
    this.update({ enabled });
  }

  /**
   * Changes how it polls, as UpdateEventSourceMapping does: from the next receive on (batches already with
   * the target finish as they are). Gives back what changed, for the log (empty when nothing did).
   */
  update(changes: SqsEventSourceChanges): string[] {
    const { settings } = this;
    const changed: string[] = [];
    if (changes.enabled !== undefined && changes.enabled !== settings.enabled) {
      settings.enabled = changes.enabled;
      changed.push(changes.enabled ? 'enabled' : 'disabled');
    }
    if (changes.batchSize !== undefined && changes.batchSize !== settings.batchSize) {
      settings.batchSize = changes.batchSize;
      changed.push(`batch size ${changes.batchSize}`);
    }
    const window = changes.maximumBatchingWindowInSeconds;
    if (window !== undefined && window !== settings.maximumBatchingWindowInSeconds) {
      settings.maximumBatchingWindowInSeconds = window;
      changed.push(`batching window ${window} s`);
    }
    const concurrency = changes.maximumConcurrency;
    if (concurrency !== undefined && concurrency !== settings.maximumConcurrency) {
      settings.maximumConcurrency = concurrency;
      changed.push(`maximum concurrency ${concurrency}`);
    }
    if (changed.length > 0) this.lastModified = new Date();
    return changed;
  }

  /** When the mapping was last changed, as Lambda's API reports it. */
  lastModified = new Date();

  async start() {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.settings.queueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    if (Attributes?.RedrivePolicy) {
      this.maxReceiveCount = Number(
        (JSON.parse(Attributes.RedrivePolicy) as { maxReceiveCount: unknown }).maxReceiveCount,
      );
    }
    this.running = true;
    this.loop = this.poll();
  }

  async stop() {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /** Batches with the target now. */
  get batchesInFlight() {
    return this.inFlight.size;
  }

  /**
   * Receives a batch whenever fewer than `maximumConcurrency` are with the target, and hands it over without
   * waiting for the one before: Lambda's pollers scale out the same way, up to the mapping's maximum.
   */
  private async poll() {
    while (this.running) {
      if (!this.settings.enabled) {
        await sleep(200);
        continue;
      }
      // Read at every turn: UpdateEventSourceMapping changes it while the source runs.
      if (this.inFlight.size >= Math.max(1, this.settings.maximumConcurrency ?? 1)) {
        await Promise.race(this.inFlight);
        continue;
      }
      try {
        const batch = await this.gatherBatch();
        if (batch.length > 0) this.track(this.deliver(batch));
      } catch (error) {
        if (!this.running) return;
        this.log.warn(
          this.settings.label,
          `polling ${this.settings.queueUrl} failed: ${(error as Error).message}`,
        );
        await sleep(1000);
      }
    }
  }

  private track(delivery: Promise<void>) {
    const settled: Promise<void> = delivery
      .catch((error: unknown) => {
        // The messages stay in the queue and come back after their visibility timeout.
        this.log.warn(this.settings.label, `delivering a batch failed: ${(error as Error).message}`);
      })
      .finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }

  private async receive(maxMessages: number, waitSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.settings.queueUrl,
        MaxNumberOfMessages: Math.min(10, maxMessages),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  private async gatherBatch(): Promise<Message[]> {
    const { batchSize, maximumBatchingWindowInSeconds } = this.settings;
    const batch = await this.receive(batchSize, 1);
    if (batch.length === 0) return batch;
    const windowEnds = Date.now() + maximumBatchingWindowInSeconds * 1000;
    while (this.running && batch.length < batchSize && Date.now() < windowEnds) {
      const more = await this.receive(batchSize - batch.length, 0);
      if (more.length === 0) await sleep(Math.min(100, Math.max(0, windowEnds - Date.now())));
      batch.push(...more);
    }
    return batch;
  }

  private async deliver(messages: Message[]) {
    const { target, queueArn, region, reportBatchItemFailures, queueUrl, label } = this.settings;
    const records = messages.map((message) => toSqsRecord(message, queueArn, region));
    const event: SQSEvent = { Records: records };
    const result = await this.consume(event);
    const failed = failedMessageIds(records, result, reportBatchItemFailures);
    if (!result.ok) {
      this.log.warn(
        label,
        `${target} failed on a batch of ${records.length}: ${result.error.errorType}: ${result.error.errorMessage}`,
      );
    }

    for (const record of records) {
      const order = orderIdOf(record.body);
      const attempt = Number(record.attributes.ApproximateReceiveCount);
      if (!failed.has(record.messageId)) {
        if (!this.settings.quiet) this.log.info(label, `order ${order} processed by ${target}`);
      } else if (this.maxReceiveCount !== undefined && attempt >= this.maxReceiveCount) {
        this.log.warn(
          label,
          `order ${order} failed on attempt ${attempt} of ${this.maxReceiveCount}: it moves to the dead-letter queue`,
        );
      } else {
        this.log.warn(
          label,
          `order ${order} failed on attempt ${attempt}; retrying in ${this.settings.retryDelaySeconds} s`,
        );
      }
    }

    const succeeded = records.filter((record) => !failed.has(record.messageId));
    const retried = records.filter((record) => failed.has(record.messageId));
    for (let start = 0; start < succeeded.length; start += 10) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: succeeded
            .slice(start, start + 10)
            .map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    for (let start = 0; start < retried.length; start += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: retried.slice(start, start + 10).map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: this.settings.retryDelaySeconds,
          })),
        }),
      );
    }
  }
}
