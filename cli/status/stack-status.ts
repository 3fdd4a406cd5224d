/**
 * What `npm run status` reads of a stack, part by part: plain figures, no SDK types, so that the verdicts
 * and the report can be tested with plain objects. A part that could not be read is a Reading that says why.
 */
import type { EventSourceMapping } from '../../src/adapters/lambda-event-source-mapping';
import type { CircuitBreaker } from '../../src/domain/circuit-breaker';
import type { ReplayStatus } from '../replay/report';

/** A part of the stack as read, or why it could not be read (one line, as describeFailure words it). */
export type Reading<T> = { ok: true; value: T } | { ok: false; error: string };

export const readingOf = <T>(value: T): Reading<T> => ({ ok: true, value });
export const unreadable = <T>(error: string): Reading<T> => ({ ok: false, error });

export interface QueueStatus {
  name: string;
  url: string;
  /** ApproximateNumberOfMessages. */
  waiting: number;
  /** ApproximateNumberOfMessagesNotVisible. */
  inFlight: number;
}

/** Firehose DescribeDeliveryStream, in short. */
export interface DeliveryStreamStatus {
  name: string;
  arn?: string | undefined;
  /** DeliveryStreamStatus: ACTIVE, CREATING, CREATING_FAILED, DELETING, DELETING_FAILED. */
  status: string;
  /** Where it delivers: `S3 bucket checkout-archive`, `OpenSearch domain checkout-search (index orders)`. */
  destination: string;
  /** DeliveryStreamEncryptionConfiguration.Status: ENABLED, ENABLING, ENABLING_FAILED, DISABLED, ... */
  encryption?: string | undefined;
  /** FailureDescription: why the stream (or its encryption) failed, when it did. */
  failure?: string | undefined;
}

/** The local stack's node: `GET /_cluster/health`. */
export interface ClusterHealth {
  kind: 'cluster';
  url: string;
  /** green, yellow or red. */
  health: string;
  nodes?: number | undefined;
  activeShards?: number | undefined;
  unassignedShards?: number | undefined;
}

/** An Amazon OpenSearch Service domain: DescribeDomain, in short. */
export interface ServiceDomain {
  kind: 'service';
  name: string;
  engineVersion?: string | undefined;
  /** DomainProcessingStatus: Active, Creating, Modifying, UpgradingEngineVersion, Isolated, Deleting, ... */
  processingStatus?: string | undefined;
  /** A configuration change is being applied. */
  processing: boolean;
  /** An engine version upgrade is in progress. */
  upgradeProcessing: boolean;
  created?: boolean | undefined;
  deleted: boolean;
  /** ChangeProgressDetails: the last configuration change's status and message. */
  changeStatus?: string | undefined;
  changeMessage?: string | undefined;
  instanceType?: string | undefined;
  instanceCount?: number | undefined;
  dedicatedMasters?: number | undefined;
  zoneAwareness: boolean;
}

export type DomainStatus = ClusterHealth | ServiceDomain;

/** A subscription of the topic: ListSubscriptionsByTopic and GetSubscriptionAttributes. */
export interface SubscriptionStatus {
  arn: string;
  /** sqs, firehose, ...; `firehose` for the local runtime's stand-in of a firehose subscription. */
  protocol: string;
  endpoint: string;
  pendingConfirmation: boolean;
  /** The RedrivePolicy's deadLetterTargetArn; undefined when the subscription has no dead-letter queue. */
  deadLetterQueueArn?: string | undefined;
  /** The stack output that names the dead-letter queue, when it is one of the stack's (CheckoutSubscriptionDeadLetterQueueUrl). */
  deadLetterQueueOutput?: string | undefined;
  /** The dead-letter queue's depth, when it has one. */
  deadLetterQueue?: Reading<QueueStatus> | undefined;
  /**
   * Locally: the queue through which the local runtime delivers a firehose subscription (moto does not
   * deliver to Firehose), whose redrive policy holds the subscription's dead-letter queue.
   */
  bridgeQueue?: QueueStatus | undefined;
  /** Why its attributes could not be read. */
  error?: string | undefined;
}

/** A part the stack may not have (an older stack without the circuit breaker): undefined then. */
export type Optional<T> = Reading<T> | undefined;

export interface CheckoutProcessingStatus {
  queue: Reading<QueueStatus>;
  deadLetterQueue: Reading<QueueStatus>;
  subscriptionDeadLetterQueue: Reading<QueueStatus>;
  subscriptions: Reading<SubscriptionStatus[]>;
  circuitBreaker: Optional<CircuitBreaker>;
  eventSourceMapping: Optional<EventSourceMapping>;
}

export interface StorageBackupStatus {
  deliveryStream: Reading<DeliveryStreamStatus>;
  subscriptionDeadLetterQueue: Reading<QueueStatus>;
  subscriptions: Reading<SubscriptionStatus[]>;
}

export interface SearchAnalyticsStatus {
  deliveryStream: Reading<DeliveryStreamStatus>;
  domain: Reading<DomainStatus>;
  subscriptionDeadLetterQueue: Reading<QueueStatus>;
  subscriptions: Reading<SubscriptionStatus[]>;
}

export interface EventReplayStatus {
  queue: Reading<QueueStatus>;
  deadLetterQueue: Reading<QueueStatus>;
  subscriptionDeadLetterQueue: Reading<QueueStatus>;
  subscriptions: Reading<SubscriptionStatus[]>;
  /** What `npm run replay -- status` reads. */
  replay: Reading<ReplayStatus>;
}

export interface StackStatus {
  /** `the local stack (.local/outputs.json)`, `the stack checkout`. */
  target: string;
  /** When it was read (ISO instant). */
  checkedAt: string;
  checkoutProcessing: CheckoutProcessingStatus;
  storageBackup: StorageBackupStatus;
  searchAnalytics: SearchAnalyticsStatus;
  eventReplay: EventReplayStatus;
  /** Subscriptions of the topic that belong to none of the pipelines. */
  otherSubscriptions: Reading<SubscriptionStatus[]>;
}

export const PIPELINES = ['checkoutProcessing', 'storageBackup', 'searchAnalytics', 'eventReplay'] as const;
export type PipelineId = (typeof PIPELINES)[number];

export const PIPELINE_NAMES: Record<PipelineId, string> = {
  checkoutProcessing: 'checkout processing',
  storageBackup: 'storage and backup',
  searchAnalytics: 'search and analytics',
  eventReplay: 'event replay',
};
