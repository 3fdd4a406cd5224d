/**
 * Reads every part of the stack at once (the requests run in parallel) into a StackStatus. A part that
 * cannot be read becomes a reading that says why, in one line; it never fails the whole status.
 */
import { describeFailure, type FailureContext } from '../shared/errors';
import { queueNameOf } from '../shared/queues';
import type { StackOutputs } from '../shared/target';
import {
  type PipelineId,
  type QueueStatus,
  type Reading,
  readingOf,
  type StackStatus,
  type SubscriptionStatus,
  unreadable,
} from './stack-status';
import {
  BREAKER_OUTPUTS,
  deadLetterTargetOf,
  type StatusStack,
  type TopicSubscription,
} from './status-stack';

/** The dead-letter queues of the stack's outputs, by the pipeline whose subscription they serve. */
const SUBSCRIPTION_DEAD_LETTER_QUEUES: Record<PipelineId, string> = {
  checkoutProcessing: 'CheckoutSubscriptionDeadLetterQueueUrl',
  storageBackup: 'ArchiveSubscriptionDeadLetterQueueUrl',
  searchAnalytics: 'SearchSubscriptionDeadLetterQueueUrl',
  eventReplay: 'ReplaySubscriptionDeadLetterQueueUrl',
};

/** Every queue output status reads, dead-letter queues included. */
export const QUEUE_OUTPUTS = [
  'CheckoutQueueUrl',
  'CheckoutDeadLetterQueueUrl',
  'ReplayQueueUrl',
  'ReplayDeadLetterQueueUrl',
  ...Object.values(SUBSCRIPTION_DEAD_LETTER_QUEUES),
] as const;

/** Where the sqs subscriptions of the pipelines deliver. */
const SUBSCRIBED_QUEUES: [string, PipelineId][] = [
  ['CheckoutQueueUrl', 'checkoutProcessing'],
  ['ReplayQueueUrl', 'eventReplay'],
];
/** Where the firehose subscriptions of the pipelines deliver. */
const SUBSCRIBED_STREAMS: [string, PipelineId][] = [
  ['ArchiveDeliveryStreamName', 'storageBackup'],
  ['SearchDeliveryStreamName', 'searchAnalytics'],
];

/** The local runtime delivers a firehose subscription through a queue of this name's ending (local/event-sources/sns-firehose-bridge.ts). */
const LOCAL_FIREHOSE_BRIDGE = /-FirehoseBridge$/;

/** The stream name of a delivery stream ARN (`arn:aws:firehose:<region>:<account>:deliverystream/<name>`). */
const streamNameOf = (arn: string) => arn.split(':deliverystream/')[1];

/**
 * The pipeline a subscription of the topic delivers to: by its endpoint (the checkout or replay queue, the
 * archive or search delivery stream), else by its dead-letter queue (each pipeline's subscription has its
 * own: that is how the local runtime's stand-ins for firehose subscriptions are recognised). Undefined for
 * a subscription of none of them.
 */
export const pipelineOf = (
  {
    protocol,
    endpoint,
    deadLetterQueueArn,
  }: Pick<SubscriptionStatus, 'protocol' | 'endpoint' | 'deadLetterQueueArn'>,
  outputs: StackOutputs,
): PipelineId | undefined => {
  const named = (output: string, name: string | undefined) =>
    name !== undefined && outputs[output] !== undefined && queueNameOf(outputs[output]) === name;
  if (protocol === 'sqs') {
    const byQueue = SUBSCRIBED_QUEUES.find(([output]) => named(output, queueNameOf(endpoint)));
    if (byQueue) return byQueue[1];
  }
  if (protocol === 'firehose') {
    const stream = streamNameOf(endpoint);
    const byStream = SUBSCRIBED_STREAMS.find(
      ([output]) => stream !== undefined && outputs[output] === stream,
    );
    if (byStream) return byStream[1];
  }
  if (deadLetterQueueArn === undefined) return undefined;
  const byDeadLetterQueue = Object.entries(SUBSCRIPTION_DEAD_LETTER_QUEUES).find(([, output]) =>
    named(output, queueNameOf(deadLetterQueueArn)),
  );
  return byDeadLetterQueue?.[0] as PipelineId | undefined;
};

/** What a part needs to be allowed, in AWS, for failure messages. */
const PERMISSIONS = {
  queue: 'sqs:GetQueueAttributes on the queue',
  stream: 'firehose:DescribeDeliveryStream on the delivery stream',
  domain: 'es:DescribeDomain on the search domain',
  breaker: 'dynamodb:GetItem on the circuit breaker table and kms:Decrypt on its key',
  mapping: 'lambda:GetEventSourceMapping on the checkout event source mapping',
  subscriptions:
    'sns:ListSubscriptionsByTopic and sns:GetSubscriptionAttributes on the topic, sqs:GetQueueUrl and sqs:GetQueueAttributes on the dead-letter queues',
  replay:
    'lambda:GetEventSourceMapping on the replay mapping, dynamodb:GetItem on the replay state table, sqs:GetQueueAttributes on the replay queues, and kms:Decrypt on the key',
} as const;

/** Reads one part: its value, or why it could not be read. */
export const attempt = async <T>(read: () => Promise<T>, context: FailureContext): Promise<Reading<T>> => {
  try {
    return readingOf(await read());
  } catch (error) {
    return unreadable(describeFailure(error, context));
  }
};

export const readStackStatus = async (stack: StatusStack, now: Date): Promise<StackStatus> => {
  const context = (
    permission: keyof typeof PERMISSIONS,
    endpoint: Parameters<StatusStack['localEndpoint']>[0] = 'AwsEndpointUrl',
  ): FailureContext => ({
    localEndpoint: stack.localEndpoint(endpoint),
    permissions: PERMISSIONS[permission],
  });

  const queues = new Map<string, Promise<Reading<QueueStatus>>>();
  /** A queue output's reading, read once however many parts need it. */
  const queue = (output: string) => {
    let reading = queues.get(output);
    if (!reading) {
      reading = attempt(() => stack.queue(output), context('queue'));
      queues.set(output, reading);
    }
    return reading;
  };
  for (const output of QUEUE_OUTPUTS) queue(output);

  /** A subscription's attributes, its dead-letter queue and that queue's depth. */
  const subscriptionStatus = async (subscription: TopicSubscription): Promise<SubscriptionStatus> => {
    const { arn, protocol, endpoint, pendingConfirmation, attributes, attributesError } = subscription;
    const status: SubscriptionStatus = { arn, protocol, endpoint, pendingConfirmation };
    if (pendingConfirmation) return status;
    if (attributesError !== undefined) {
      return { ...status, error: describeFailure(attributesError, context('subscriptions')) };
    }
    status.deadLetterQueueArn = deadLetterTargetOf(attributes?.RedrivePolicy);
    if (
      stack.local &&
      protocol === 'sqs' &&
      status.deadLetterQueueArn === undefined &&
      LOCAL_FIREHOSE_BRIDGE.test(queueNameOf(endpoint))
    ) {
      // moto does not deliver to Firehose: the local runtime subscribes a queue of its own instead, and
      // gives that queue the subscription's dead-letter queue.
      const bridge = await attempt(() => stack.queueWithRedrive(endpoint), context('subscriptions'));
      if (!bridge.ok) return { ...status, error: bridge.error };
      const { deadLetterTargetArn, arn: _arn, ...bridgeQueue } = bridge.value;
      status.protocol = 'firehose';
      status.bridgeQueue = bridgeQueue;
      status.deadLetterQueueArn = deadLetterTargetArn;
    }
    const deadLetterArn = status.deadLetterQueueArn;
    if (deadLetterArn === undefined) return status;
    const output = QUEUE_OUTPUTS.find(
      (name) =>
        stack.outputs[name] !== undefined && queueNameOf(stack.outputs[name]) === queueNameOf(deadLetterArn),
    );
    status.deadLetterQueueOutput = output;
    status.deadLetterQueue = output
      ? await queue(output)
      : await attempt(() => stack.queueOfArn(deadLetterArn), context('subscriptions'));
    return status;
  };

  const subscriptions = attempt(
    async () => Promise.all((await stack.subscriptions()).map(subscriptionStatus)),
    context('subscriptions'),
  );
  const subscriptionsOf = async (
    pipeline: PipelineId | undefined,
  ): Promise<Reading<SubscriptionStatus[]>> => {
    const all = await subscriptions;
    return all.ok
      ? readingOf(all.value.filter((subscription) => pipelineOf(subscription, stack.outputs) === pipeline))
      : all;
  };

  const [hasBreaker, hasMapping] = BREAKER_OUTPUTS.map((output) => stack.has(output));
  const [
    checkoutQueue,
    checkoutDeadLetterQueue,
    checkoutSubscriptionDeadLetterQueue,
    checkoutSubscriptions,
    circuitBreaker,
    eventSourceMapping,
    archiveStream,
    archiveSubscriptionDeadLetterQueue,
    archiveSubscriptions,
    searchStream,
    domain,
    searchSubscriptionDeadLetterQueue,
    searchSubscriptions,
    replayQueue,
    replayDeadLetterQueue,
    replaySubscriptionDeadLetterQueue,
    replaySubscriptions,
    replay,
    otherSubscriptions,
  ] = await Promise.all([
    queue('CheckoutQueueUrl'),
    queue('CheckoutDeadLetterQueueUrl'),
    queue('CheckoutSubscriptionDeadLetterQueueUrl'),
    subscriptionsOf('checkoutProcessing'),
    hasBreaker ? attempt(() => stack.circuitBreaker(), context('breaker')) : undefined,
    hasMapping ? attempt(() => stack.checkoutMapping(), context('mapping', 'LambdaEndpointUrl')) : undefined,
    attempt(
      () => stack.deliveryStream('ArchiveDeliveryStreamName'),
      context('stream', 'FirehoseEndpointUrl'),
    ),
    queue('ArchiveSubscriptionDeadLetterQueueUrl'),
    subscriptionsOf('storageBackup'),
    attempt(() => stack.deliveryStream('SearchDeliveryStreamName'), context('stream', 'FirehoseEndpointUrl')),
    attempt(() => stack.domain(), context('domain', 'SearchUrl')),
    queue('SearchSubscriptionDeadLetterQueueUrl'),
    subscriptionsOf('searchAnalytics'),
    queue('ReplayQueueUrl'),
    queue('ReplayDeadLetterQueueUrl'),
    queue('ReplaySubscriptionDeadLetterQueueUrl'),
    subscriptionsOf('eventReplay'),
    attempt(() => stack.replay(), context('replay')),
    subscriptionsOf(undefined),
  ]);
  return {
    target: stack.target.description,
    checkedAt: now.toISOString(),
    checkoutProcessing: {
      queue: checkoutQueue,
      deadLetterQueue: checkoutDeadLetterQueue,
      subscriptionDeadLetterQueue: checkoutSubscriptionDeadLetterQueue,
      subscriptions: checkoutSubscriptions,
      circuitBreaker,
      eventSourceMapping,
    },
    storageBackup: {
      deliveryStream: archiveStream,
      subscriptionDeadLetterQueue: archiveSubscriptionDeadLetterQueue,
      subscriptions: archiveSubscriptions,
    },
    searchAnalytics: {
      deliveryStream: searchStream,
      domain,
      subscriptionDeadLetterQueue: searchSubscriptionDeadLetterQueue,
      subscriptions: searchSubscriptions,
    },
    eventReplay: {
      queue: replayQueue,
      deadLetterQueue: replayDeadLetterQueue,
      subscriptionDeadLetterQueue: replaySubscriptionDeadLetterQueue,
      subscriptions: replaySubscriptions,
      replay,
    },
    otherSubscriptions,
  };
};
