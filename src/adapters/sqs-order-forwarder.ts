import {
  GetQueueUrlCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface OrderForwarder {
  forward(body: string, attributes: Record<string, MessageAttributeValue>): Promise<void>;
}

/** Sends messages to a queue given by ARN (it may be in another account); its URL is looked up once. */
export class SqsOrderForwarder implements OrderForwarder {
  private queueUrl: Promise<string> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueArn: string,
  ) {}

  private resolveQueueUrl(): Promise<string> {
    // arn:aws:sqs:region:account:name
    const [, , , , accountId, queueName] = this.queueArn.split(':');
    this.queueUrl ??= this.sqs
      .send(new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }))
      .then(({ QueueUrl }) => QueueUrl as string);
    this.queueUrl.catch(() => {
      this.queueUrl = undefined;
    });
    return this.queueUrl;
  }

  async forward(body: string, attributes: Record<string, MessageAttributeValue>): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: await this.resolveQueueUrl(),
        MessageBody: body,
        MessageAttributes: attributes,
      }),
    );
  }
}
