import {
  GetQueueUrlCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface ForwardOptions {
  /** How long SQS keeps the message out of sight before it can be received (0 to 900 s). */
  delaySeconds?: number;
}

export interface OrderForwarder {
  forward(
    body: string,
    attributes: Record<string, MessageAttributeValue>,
    options?: ForwardOptions,
  ): Promise<void>;
}

const isQueueUrl = (text: string) => /^https?:\/\//i.test(text);

/**
 * Sends messages to a queue given by ARN (it may be in another account; its URL is looked up once) or by
 * URL.
 */
export class SqsOrderForwarder implements OrderForwarder {
  private queueUrl: Promise<string> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queue: string,
  ) {
    if (isQueueUrl(queue)) this.queueUrl = Promise.resolve(queue);
  }

  private resolveQueueUrl(): Promise<string> {
    // arn:aws:sqs:region:account:name
    const [, , , , accountId, queueName] = this.queue.split(':');
    this.queueUrl ??= this.sqs
      .send(new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }))
      .then(({ QueueUrl }) => QueueUrl as string);
    this.queueUrl.catch(() => {
      this.queueUrl = undefined;
    });
    return this.queueUrl;
  }

  async forward(
    body: string,
    attributes: Record<string, MessageAttributeValue>,
    { delaySeconds }: ForwardOptions = {},
  ): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: await this.resolveQueueUrl(),
        MessageBody: body,
        MessageAttributes: attributes,
        ...(delaySeconds ? { DelaySeconds: delaySeconds } : {}),
      }),
    );
  }
}
