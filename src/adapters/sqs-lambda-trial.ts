import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { toSqsRecord } from './sqs-event-records';

export interface TrialSettings {
  queueUrl: string;
  queueArn: string;
  region: string;
  /** The function (or alias ARN) the queue's event source invokes. */
  functionName: string;
  /** Messages in the trial batch (1 to 10). */
  batchSize: number;
}

/** What a trial batch did. */
export interface TrialRun {
  /** Messages received for the trial: none means the queue had nothing waiting. */
  received: number;
  /** The messages the function did not process, as received (still in the queue). */
  failed: Message[];
  /** Set when the invocation itself failed (Lambda's errorType, e.g. FullBatchFailureError, Sandbox.Timedout). */
  functionError?: string | undefined;
}

/** The SQS event Lambda's event source would deliver for these messages. */
export const sqsEventOf = (messages: Message[], { queueArn, region }: TrialSettings): SQSEvent => ({
  Records: messages.map((message) => toSqsRecord(message, queueArn, region)),
});

const entryId = (index: number) => `m${index}`;

/**
 * One batch of a queue handed to its consumer function by hand, as its (disabled) event source would:
 * receive, invoke synchronously, delete what the function processed. The circuit breaker's half-open trial.
 */
export class SqsLambdaTrial {
  constructor(
    private readonly sqs: SQSClient,
    private readonly lambda: LambdaClient,
    private readonly settings: TrialSettings,
  ) {}

  async run(): Promise<TrialRun> {
    const { Messages: messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.settings.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, this.settings.batchSize)),
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    if (messages.length === 0) return { received: 0, failed: [] };
    const output = await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.settings.functionName,
        InvocationType: 'RequestResponse',
        Payload: JSON.stringify(sqsEventOf(messages, this.settings)),
      }),
    );
    const payload = output.Payload ? Buffer.from(output.Payload).toString('utf8') : '';
    if (output.FunctionError) {
      const errorType = (JSON.parse(payload || '{}') as { errorType?: string }).errorType;
      return {
        received: messages.length,
        failed: messages,
        functionError: errorType ?? output.FunctionError,
      };
    }
    const response = (payload ? JSON.parse(payload) : null) as SQSBatchResponse | null;
    const failedIds = new Set(response?.batchItemFailures?.map(({ itemIdentifier }) => itemIdentifier));
    const failed = messages.filter((message) => failedIds.has(message.MessageId ?? ''));
    await this.delete(messages.filter((message) => !failedIds.has(message.MessageId ?? '')));
    return { received: messages.length, failed };
  }

  /**
   * Puts trial messages back as fresh copies (same body and attributes) and deletes the originals, so that
   * a long outage's trials do not use up their receives and send them to the dead-letter queue.
   */
  async requeue(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    const { Failed = [] } = await this.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: this.settings.queueUrl,
        Entries: messages.map((message, index) => ({
          Id: entryId(index),
          MessageBody: message.Body ?? '',
          MessageAttributes: message.MessageAttributes as Record<string, MessageAttributeValue> | undefined,
        })),
      }),
    );
    const notCopied = new Set(Failed.map(({ Id }) => Id));
    // A message that could not be copied stays as it is: it is retried, never lost.
    await this.delete(messages.filter((_, index) => !notCopied.has(entryId(index))));
  }

  private async delete(messages: Message[]) {
    if (messages.length === 0) return;
    await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.settings.queueUrl,
        Entries: messages.map((message, index) => ({
          Id: entryId(index),
          ReceiptHandle: message.ReceiptHandle ?? '',
        })),
      }),
    );
  }
}
