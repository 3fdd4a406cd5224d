import type { ReplayStatus } from '../../cli/replay/report';
import {
  type ClusterHealth,
  type DeliveryStreamStatus,
  type PipelineId,
  type QueueStatus,
  type Reading,
  readingOf,
  type ServiceDomain,
  type StackStatus,
  type SubscriptionStatus,
  unreadable,
} from '../../cli/status/stack-status';
import type { EventSourceMapping } from '../../src/adapters/lambda-event-source-mapping';
import type { CircuitBreaker } from '../../src/domain/circuit-breaker';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const STACK = 'checkout';

export const aQueueUrl = (name: string) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
export const aQueueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
export const aStreamArn = (name: string) => `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/${name}`;
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${STACK}-CheckoutEventsTopic`;

/** The names of the stack's queues and streams, as the outputs of a deployed stack give them. */
export const NAMES = {
  checkoutQueue: `${STACK}-CheckoutQueue`,
  checkoutDeadLetterQueue: `${STACK}-CheckoutDeadLetterQueue`,
  checkoutSubscriptionDeadLetterQueue: `${STACK}-CheckoutSubscriptionDeadLetterQueue`,
  archiveStream: `${STACK}-archive`,
  archiveSubscriptionDeadLetterQueue: `${STACK}-StorageBackup-SubscriptionDeadLetterQueue`,
  searchStream: `${STACK}-search`,
  searchSubscriptionDeadLetterQueue: `${STACK}-SearchAnalytics-SubscriptionDeadLetterQueue`,
  replayQueue: `${STACK}-EventReplay-ReplayQueue`,
  replayDeadLetterQueue: `${STACK}-EventReplay-ReplayDeadLetterQueue`,
  replaySubscriptionDeadLetterQueue: `${STACK}-EventReplay-SubscriptionDeadLetterQueue`,
  breakerTable: `${STACK}-CircuitBreakerTable`,
  searchDomain: `${STACK}-search`,
} as const;

/** The outputs of a deployed stack that `npm run status` reads. */
export const STATUS_OUTPUTS: Record<string, string> = {
  TopicArn: TOPIC_ARN,
  CheckoutQueueUrl: aQueueUrl(NAMES.checkoutQueue),
  CheckoutDeadLetterQueueUrl: aQueueUrl(NAMES.checkoutDeadLetterQueue),
  CheckoutSubscriptionDeadLetterQueueUrl: aQueueUrl(NAMES.checkoutSubscriptionDeadLetterQueue),
  CircuitBreakerTableName: NAMES.breakerTable,
  CheckoutEventSourceMappingId: 'checkout-mapping',
  ArchiveDeliveryStreamName: NAMES.archiveStream,
  ArchiveSubscriptionDeadLetterQueueUrl: aQueueUrl(NAMES.archiveSubscriptionDeadLetterQueue),
  SearchDeliveryStreamName: NAMES.searchStream,
  SearchSubscriptionDeadLetterQueueUrl: aQueueUrl(NAMES.searchSubscriptionDeadLetterQueue),
  SearchDomainArn: `arn:aws:es:${REGION}:${ACCOUNT}:domain/${NAMES.searchDomain}`,
  SearchUrl: `search-${NAMES.searchDomain}-abc123.${REGION}.es.amazonaws.com`,
  ReplayQueueUrl: aQueueUrl(NAMES.replayQueue),
  ReplayDeadLetterQueueUrl: aQueueUrl(NAMES.replayDeadLetterQueue),
  ReplaySubscriptionDeadLetterQueueUrl: aQueueUrl(NAMES.replaySubscriptionDeadLetterQueue),
  ReplayEventSourceMappingId: 'replay-mapping',
  ReplayStateTableName: `${STACK}-ReplayStateTable`,
  ReplayFunctionName: `${STACK}-ReplayFunction`,
};

export const aQueueStatus = (name: string, overrides: Partial<QueueStatus> = {}): QueueStatus => ({
  name,
  url: aQueueUrl(name),
  waiting: 0,
  inFlight: 0,
  ...overrides,
});

export const aSubscription = (overrides: Partial<SubscriptionStatus> = {}): SubscriptionStatus => ({
  arn: `${TOPIC_ARN}:00000000-0000-4000-8000-000000000001`,
  protocol: 'sqs',
  endpoint: aQueueArn(NAMES.checkoutQueue),
  pendingConfirmation: false,
  deadLetterQueueArn: aQueueArn(NAMES.checkoutSubscriptionDeadLetterQueue),
  deadLetterQueueOutput: 'CheckoutSubscriptionDeadLetterQueueUrl',
  deadLetterQueue: readingOf(aQueueStatus(NAMES.checkoutSubscriptionDeadLetterQueue)),
  ...overrides,
});

/** The subscription of a pipeline, delivering to `endpoint` with its own dead-letter queue. */
const subscriptionOf = (
  protocol: string,
  endpoint: string,
  deadLetterQueue: string,
  output: string,
  id: number,
): SubscriptionStatus =>
  aSubscription({
    arn: `${TOPIC_ARN}:00000000-0000-4000-8000-00000000000${id}`,
    protocol,
    endpoint,
    deadLetterQueueArn: aQueueArn(deadLetterQueue),
    deadLetterQueueOutput: output,
    deadLetterQueue: readingOf(aQueueStatus(deadLetterQueue)),
  });

export const aDeliveryStream = (
  name: string,
  overrides: Partial<DeliveryStreamStatus> = {},
): DeliveryStreamStatus => ({
  name,
  arn: aStreamArn(name),
  status: 'ACTIVE',
  destination: `S3 bucket ${name}-bucket`,
  encryption: 'ENABLED',
  ...overrides,
});

export const aClusterHealth = (overrides: Partial<ClusterHealth> = {}): ClusterHealth => ({
  kind: 'cluster',
  url: 'http://127.0.0.1:9200',
  health: 'green',
  nodes: 1,
  activeShards: 4,
  unassignedShards: 0,
  ...overrides,
});

export const aServiceDomain = (overrides: Partial<ServiceDomain> = {}): ServiceDomain => ({
  kind: 'service',
  name: NAMES.searchDomain,
  engineVersion: 'OpenSearch_2.19',
  processingStatus: 'Active',
  processing: false,
  upgradeProcessing: false,
  created: true,
  deleted: false,
  changeStatus: 'Completed',
  instanceType: 'r6g.large.search',
  instanceCount: 3,
  dedicatedMasters: 3,
  zoneAwareness: true,
  ...overrides,
});

export const aCircuitBreaker = (overrides: Partial<CircuitBreaker> = {}): CircuitBreaker => ({
  state: 'closed',
  failures: 0,
  changedAt: '2026-11-21T09:00:00.000Z',
  reason: 'initial state',
  trips: 0,
  ...overrides,
});

/** The breaker after too many failures of the dependencies. */
export const anOpenCircuitBreaker = (overrides: Partial<CircuitBreaker> = {}): CircuitBreaker =>
  aCircuitBreaker({
    state: 'open',
    changedAt: '2026-11-21T10:00:00.000Z',
    openedAt: '2026-11-21T10:00:00.000Z',
    reason: '5 failures of the dependencies within 60 s (threshold 5)',
    trips: 1,
    ...overrides,
  });

export const anEventSourceMapping = (overrides: Partial<EventSourceMapping> = {}): EventSourceMapping => ({
  uuid: 'checkout-mapping',
  state: 'Enabled',
  functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK}-CheckoutFunction`,
  batchSize: 10,
  maximumConcurrency: 5,
  ...overrides,
});

export const aReplayStatus = (overrides: Partial<ReplayStatus> = {}): ReplayStatus => ({
  replay: undefined,
  mapping: { uuid: 'replay-mapping', state: 'Disabled', functionName: `${STACK}-ReplayFunction` },
  replayQueue: aQueueStatus(NAMES.replayQueue, { waiting: 120 }),
  deadLetterQueue: aQueueStatus(NAMES.replayDeadLetterQueue),
  ...overrides,
});

/** Parts of pipelines to replace, and the target, time or other subscriptions. */
type StatusOverrides = { [Pipeline in PipelineId]?: Partial<StackStatus[Pipeline]> } & Partial<
  Pick<StackStatus, 'target' | 'checkedAt' | 'otherSubscriptions'>
>;

/**
 * The status of a stack in AWS where every pipeline is healthy: empty dead-letter queues, active streams,
 * a green domain, the breaker closed, one subscription per pipeline with its dead-letter queue, no replay.
 * `overrides` replace parts of pipelines.
 */
export const aHealthyStackStatus = (overrides: StatusOverrides = {}): StackStatus => ({
  target: 'the stack checkout',
  checkedAt: '2026-11-21T18:00:00.000Z',
  otherSubscriptions: overrides.otherSubscriptions ?? readingOf([]),
  ...(overrides.target ? { target: overrides.target } : {}),
  ...(overrides.checkedAt ? { checkedAt: overrides.checkedAt } : {}),
  checkoutProcessing: {
    queue: readingOf(aQueueStatus(NAMES.checkoutQueue, { waiting: 3, inFlight: 2 })),
    deadLetterQueue: readingOf(aQueueStatus(NAMES.checkoutDeadLetterQueue)),
    subscriptionDeadLetterQueue: readingOf(aQueueStatus(NAMES.checkoutSubscriptionDeadLetterQueue)),
    subscriptions: readingOf([
      subscriptionOf(
        'sqs',
        aQueueArn(NAMES.checkoutQueue),
        NAMES.checkoutSubscriptionDeadLetterQueue,
        'CheckoutSubscriptionDeadLetterQueueUrl',
        1,
      ),
    ]),
    circuitBreaker: readingOf(aCircuitBreaker()),
    eventSourceMapping: readingOf(anEventSourceMapping()),
    ...overrides.checkoutProcessing,
  },
  storageBackup: {
    deliveryStream: readingOf(aDeliveryStream(NAMES.archiveStream)),
    subscriptionDeadLetterQueue: readingOf(aQueueStatus(NAMES.archiveSubscriptionDeadLetterQueue)),
    subscriptions: readingOf([
      subscriptionOf(
        'firehose',
        aStreamArn(NAMES.archiveStream),
        NAMES.archiveSubscriptionDeadLetterQueue,
        'ArchiveSubscriptionDeadLetterQueueUrl',
        2,
      ),
    ]),
    ...overrides.storageBackup,
  },
  searchAnalytics: {
    deliveryStream: readingOf(
      aDeliveryStream(NAMES.searchStream, {
        destination: `OpenSearch domain ${NAMES.searchDomain} (index orders)`,
      }),
    ),
    domain: readingOf(aServiceDomain()),
    subscriptionDeadLetterQueue: readingOf(aQueueStatus(NAMES.searchSubscriptionDeadLetterQueue)),
    subscriptions: readingOf([
      subscriptionOf(
        'firehose',
        aStreamArn(NAMES.searchStream),
        NAMES.searchSubscriptionDeadLetterQueue,
        'SearchSubscriptionDeadLetterQueueUrl',
        3,
      ),
    ]),
    ...overrides.searchAnalytics,
  },
  eventReplay: {
    queue: readingOf(aQueueStatus(NAMES.replayQueue, { waiting: 120 })),
    deadLetterQueue: readingOf(aQueueStatus(NAMES.replayDeadLetterQueue)),
    subscriptionDeadLetterQueue: readingOf(aQueueStatus(NAMES.replaySubscriptionDeadLetterQueue)),
    subscriptions: readingOf([
      subscriptionOf(
        'sqs',
        aQueueArn(NAMES.replayQueue),
        NAMES.replaySubscriptionDeadLetterQueue,
        'ReplaySubscriptionDeadLetterQueueUrl',
        4,
      ),
    ]),
    replay: readingOf(aReplayStatus()),
    ...overrides.eventReplay,
  },
});

/** A part that could not be read. */
export const anUnreadablePart = <T>(
  error = 'cannot reach AWS (ETIMEDOUT): check the network and the Region',
) => unreadable<T>(error) as Reading<T>;
