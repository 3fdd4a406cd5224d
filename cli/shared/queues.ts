/**
 * SQS helpers shared by the operator CLIs: naming a queue by stack output or URL, its ARN and depth, and
 * a received message's attributes in the form SendMessage takes them.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CliError } from './errors';
import type { Target } from './target';

/** SendMessageBatch, DeleteMessageBatch and ChangeMessageVisibilityBatch take at most 10 entries. */
export const SQS_BATCH_LIMIT = 10;

export const isQueueUrl = (text: string) => /^https?:\/\//i.test(text);

/** The last part of a queue URL or ARN: its name. */
export const queueNameOf = (urlOrArn: string) => urlOrArn.split(/[/:]/).pop() || urlOrArn;

/** Splits `arn:aws:sqs:<region>:<account>:<name>`; undefined for anything else. */
export const parseQueueArn = (arn: string) => {
  const match = /^arn:[a-z-]+:sqs:([a-z0-9-]+):(\d{12}):(.+)$/.exec(arn);
  return match
    ? { region: match[1] as string, accountId: match[2] as string, name: match[3] as string }
    : undefined;
};

/**
 * A queue named on the command line: a URL as given, or the name of a stack output that holds one
 * (`CheckoutDeadLetterQueueUrl`). An unknown output name lists the queue outputs the stack has.
 */
export const resolveQueueUrl = async (target: Target, nameOrUrl: string): Promise<string> => {
  if (isQueueUrl(nameOrUrl)) return nameOrUrl;
  const outputs = await target.outputs();
  const value = outputs[nameOrUrl];
  if (value && isQueueUrl(value)) return value;
  const queues = Object.keys(outputs)
    .filter((name) => name.endsWith('QueueUrl'))
    .sort();
  const known = queues.length > 0 ? `: use a queue URL or one of ${queues.join(', ')}` : '';
  if (value)
    throw new CliError(`the output ${nameOrUrl} of ${target.description} is not a queue URL${known}`);
  throw new CliError(`${target.description} has no output ${nameOrUrl}${known}`);
};

/** The URL of the queue with this ARN (it may belong to another account). */
export const queueUrlOfArn = async (sqs: SQSClient, arn: string): Promise<string> => {
  const parsed = parseQueueArn(arn);
  if (!parsed) throw new CliError(`${arn} is not the ARN of an SQS queue`);
  const { QueueUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: parsed.name, QueueOwnerAWSAccountId: parsed.accountId }),
  );
  if (!QueueUrl) throw new CliError(`the queue ${arn} has no URL`);
  return QueueUrl;
};

export interface QueueDepth {
  /** ApproximateNumberOfMessages: visible, waiting to be received. */
  waiting: number;
  /** ApproximateNumberOfMessagesNotVisible: received and not yet deleted (in flight). */
  inFlight: number;
}

export interface QueueInfo extends QueueDepth {
  url: string;
  arn: string;
  name: string;
  /** Seconds the queue keeps a message. */
  retentionSeconds?: number | undefined;
}

const count = (value: string | undefined) => (value === undefined ? 0 : Number(value) || 0);

/** A queue's ARN and (approximate) depth; a missing queue is a CliError naming it. */
export const describeQueue = async (sqs: SQSClient, url: string): Promise<QueueInfo> => {
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'QueueArn',
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'MessageRetentionPeriod',
        ],
      }),
    );
    return {
      url,
      arn: Attributes.QueueArn ?? '',
      name: queueNameOf(url),
      waiting: count(Attributes.ApproximateNumberOfMessages),
      inFlight: count(Attributes.ApproximateNumberOfMessagesNotVisible),
      retentionSeconds:
        Attributes.MessageRetentionPeriod === undefined
          ? undefined
          : Number(Attributes.MessageRetentionPeriod),
    };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue') {
      throw new CliError(`the queue ${url} does not exist`);
    }
    throw error;
  }
};

/**
 * A received message's attributes as SendMessage takes them: data type and string or binary value only
 * (the list values that ReceiveMessage fills with empty arrays are not supported by SQS).
 */
export const sendableAttributes = (
  message: Pick<Message, 'MessageAttributes'>,
  drop: readonly string[] = [],
): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {})
      .filter(([name]) => !drop.includes(name))
      .map(([name, { DataType, StringValue, BinaryValue }]) => [
        name,
        BinaryValue !== undefined ? { DataType, BinaryValue } : { DataType, StringValue },
      ]),
  );

/** Splits items into groups of at most `size`. */
export const chunks = <T>(items: readonly T[], size = SQS_BATCH_LIMIT): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) =>
    items.slice(index * size, (index + 1) * size),
  );
