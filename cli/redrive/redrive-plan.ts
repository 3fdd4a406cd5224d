/**
 * Where the messages of a dead-letter queue go back to: the SQS queues that use it (ListDeadLetterSourceQueues),
 * or the SNS subscription of the topic whose redrive policy names it, or the queue given with --to.
 */
import {
  GetSubscriptionAttributesCommand,
  paginateListSubscriptionsByTopic,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { paginateListDeadLetterSourceQueues, type SQSClient } from '@aws-sdk/client-sqs';
import { CliError } from '../shared/errors';
import { joinWords } from '../shared/format';
import { describeQueue, type QueueInfo, queueNameOf, queueUrlOfArn } from '../shared/queues';

/** Message attributes SNS adds to a message it could not deliver; not part of the message itself. */
export const SNS_DELIVERY_FAILURE_ATTRIBUTES = ['ErrorCode', 'ErrorMessage', 'RequestID'];

export interface Subscription {
  arn: string;
  protocol: string;
  endpoint: string;
}

export type Destination =
  | { kind: 'source-queue'; queue: QueueInfo }
  | { kind: 'subscription'; queue: QueueInfo; subscription: Subscription }
  | { kind: 'to'; queue: QueueInfo };

export interface RedrivePlan {
  deadLetterQueue: QueueInfo;
  /** The queues whose redrive policy names the dead-letter queue. */
  sourceQueueUrls: string[];
  /** The subscription whose redrive policy names it, when no queue does. */
  subscription?: Subscription | undefined;
  destination: Destination;
  /** Attributes not to copy (SNS's delivery-failure attributes, for a subscription's dead-letter queue). */
  dropAttributes: string[];
}

export const listSourceQueues = async (sqs: SQSClient, queueUrl: string): Promise<string[]> => {
  const urls: string[] = [];
  for await (const page of paginateListDeadLetterSourceQueues({ client: sqs }, { QueueUrl: queueUrl })) {
    urls.push(...(page.queueUrls ?? []));
  }
  return urls;
};

/** The subscription of the topic whose RedrivePolicy's deadLetterTargetArn is the queue. */
export const findSubscriptionWithDeadLetterQueue = async (
  sns: SNSClient,
  topicArn: string,
  queueArn: string,
): Promise<Subscription | undefined> => {
  for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topicArn })) {
    for (const { SubscriptionArn, Protocol, Endpoint } of page.Subscriptions ?? []) {
      if (!SubscriptionArn?.startsWith('arn:')) continue; // PendingConfirmation has no attributes to read
      const { Attributes = {} } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
      let target: unknown;
      try {
        target = (JSON.parse(Attributes.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: unknown })
          .deadLetterTargetArn;
      } catch {
        continue;
      }
      if (target === queueArn) {
        return {
          arn: SubscriptionArn,
          protocol: Attributes.Protocol ?? Protocol ?? 'unknown',
          endpoint: Attributes.Endpoint ?? Endpoint ?? '',
        };
      }
    }
  }
  return undefined;
};

/** Why a subscription's dead-letter queue cannot be moved anywhere by this command. */
const cannotRedrive = (deadLetterQueue: QueueInfo, subscription: Subscription) =>
  new CliError(
    `${deadLetterQueue.name} is the dead-letter queue of the ${subscription.protocol} subscription ${subscription.arn} (endpoint ${subscription.endpoint}): SQS cannot send messages to a ${subscription.protocol} endpoint, so it cannot be redriven automatically. Its messages stay where they are: read them (aws sqs receive-message --queue-url ${deadLetterQueue.url} --message-attribute-names All), deliver each body to the endpoint yourself (for firehose: aws firehose put-record), then delete them from the queue; or give --to <queue> to move them to a queue of your choice`,
  );

export interface PlanInputs {
  sqs: SQSClient;
  sns: SNSClient;
  deadLetterQueueUrl: string;
  /** The queue of --to, resolved to a URL. */
  toUrl?: string | undefined;
  /** The stack's topic (output TopicArn), whose subscriptions may use the queue as their dead-letter queue. */
  topicArn?: string | undefined;
}

export const planRedrive = async ({
  sqs,
  sns,
  deadLetterQueueUrl,
  toUrl,
  topicArn,
}: PlanInputs): Promise<RedrivePlan> => {
  const deadLetterQueue = await describeQueue(sqs, deadLetterQueueUrl);
  const sourceQueueUrls = await listSourceQueues(sqs, deadLetterQueueUrl);
  const subscription =
    sourceQueueUrls.length === 0 && topicArn
      ? await findSubscriptionWithDeadLetterQueue(sns, topicArn, deadLetterQueue.arn)
      : undefined;
  const dropAttributes = subscription ? SNS_DELIVERY_FAILURE_ATTRIBUTES : [];
  const plan = { deadLetterQueue, sourceQueueUrls, subscription, dropAttributes };

  if (toUrl !== undefined) {
    const queue = await describeQueue(sqs, toUrl);
    if (queue.arn === deadLetterQueue.arn) {
      throw new CliError('--to names the dead-letter queue itself: give the queue to move the messages to');
    }
    return { ...plan, destination: { kind: 'to', queue } };
  }
  if (sourceQueueUrls.length > 1) {
    throw new CliError(
      `${deadLetterQueue.name} is the dead-letter queue of ${sourceQueueUrls.length} queues: ${joinWords(sourceQueueUrls)}. Say which one to move its messages to with --to <queue URL>`,
    );
  }
  const [sourceUrl] = sourceQueueUrls;
  if (sourceUrl) {
    return { ...plan, destination: { kind: 'source-queue', queue: await describeQueue(sqs, sourceUrl) } };
  }
  if (subscription) {
    if (subscription.protocol !== 'sqs') throw cannotRedrive(deadLetterQueue, subscription);
    const queue = await describeQueue(sqs, await queueUrlOfArn(sqs, subscription.endpoint));
    return { ...plan, destination: { kind: 'subscription', queue, subscription } };
  }
  const topic = topicArn ? ` nor of a subscription of the topic ${queueNameOf(topicArn)}` : '';
  throw new CliError(
    `${deadLetterQueue.name} is not the dead-letter queue of any SQS queue${topic}: there is nowhere to redrive it to. Give --to <queue> to move its messages to a queue of your choice`,
  );
};
