/**
 * What `npm run status` reads in a stack, one part at a time, each from its own API: SQS (queue depths),
 * SNS (the topic's subscriptions), Firehose (the delivery streams: in AWS, or the local runtime's Firehose
 * API at FirehoseEndpointUrl), the search domain (OpenSearch Service DescribeDomain in AWS, the local
 * node's `_cluster/health`), DynamoDB (the circuit breaker), Lambda (the checkout event source mapping: in
 * AWS, or the local runtime's Lambda API at LambdaEndpointUrl) and the replay (as `npm run replay -- status`
 * reads it). Each reader throws on failure; readStackStatus turns failures into readings.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeDeliveryStreamCommand,
  type DestinationDescription,
  FirehoseClient,
} from '@aws-sdk/client-firehose';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDomainCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import {
  GetSubscriptionAttributesCommand,
  paginateListSubscriptionsByTopic,
  SNSClient,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbCircuitBreakerStore } from '../../src/adapters/dynamodb-circuit-breaker-store';
import {
  type EventSourceMapping,
  LambdaEventSourceMappings,
} from '../../src/adapters/lambda-event-source-mapping';
import { openSearchUrl } from '../../src/adapters/opensearch-client';
import type { CircuitBreaker } from '../../src/domain/circuit-breaker';
import { readStatus } from '../replay/commands/status';
import { ReplayStack } from '../replay/replay-stack';
import type { ReplayStatus } from '../replay/report';
import { mapWithConcurrency } from '../shared/concurrency';
import { CliError } from '../shared/errors';
import { describeQueue, queueNameOf, queueUrlOfArn } from '../shared/queues';
import type { ClientConfig, StackOutputs, Target } from '../shared/target';
import type { DeliveryStreamStatus, DomainStatus, QueueStatus } from './stack-status';

/** No part may hold the whole status up for long: an endpoint that does not answer is reported as such. */
export const REQUEST_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 10_000 } as const;
/** GetSubscriptionAttributes calls in flight at once. */
const SUBSCRIPTION_CONCURRENCY = 5;

/** The stack outputs of the circuit breaker; an older stack has neither. */
export const BREAKER_OUTPUTS = ['CircuitBreakerTableName', 'CheckoutEventSourceMappingId'] as const;

/** A subscription of the topic as SNS lists it, with its attributes (absent while pending confirmation). */
export interface TopicSubscription {
  arn: string;
  protocol: string;
  endpoint: string;
  pendingConfirmation: boolean;
  attributes?: Record<string, string> | undefined;
  /** Why GetSubscriptionAttributes failed, when it did. */
  attributesError?: unknown;
}

/** A queue's depth and redrive policy target, for the local runtime's stand-in queues. */
export interface QueueWithRedrive extends QueueStatus {
  arn: string;
  deadLetterTargetArn?: string | undefined;
}

/** The deadLetterTargetArn of a RedrivePolicy attribute (a subscription's or a queue's), if it names one. */
export const deadLetterTargetOf = (redrivePolicy: string | undefined): string | undefined => {
  if (!redrivePolicy) return undefined;
  try {
    const target = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof target === 'string' && target !== '' ? target : undefined;
  } catch {
    return undefined;
  }
};

const bucketOf = (arn: string | undefined) => arn?.split(':::').pop();
const domainNameOf = (arn: string | undefined) => arn?.split(':domain/')[1];

/** `S3 bucket checkout-archive`, `OpenSearch domain checkout-search (index orders)`. */
export const describeDestination = (destination: DestinationDescription | undefined): string => {
  if (!destination) return 'no destination';
  const search =
    destination.AmazonopensearchserviceDestinationDescription ??
    destination.ElasticsearchDestinationDescription;
  if (search) {
    const where = search.DomainARN
      ? `domain ${domainNameOf(search.DomainARN) ?? search.DomainARN}`
      : (search.ClusterEndpoint ?? 'cluster');
    return `OpenSearch ${where}${search.IndexName ? ` (index ${search.IndexName})` : ''}`;
  }
  const s3 = destination.ExtendedS3DestinationDescription ?? destination.S3DestinationDescription;
  if (s3) return `S3 bucket ${bucketOf(s3.BucketARN) ?? s3.BucketARN}`;
  const kind = Object.keys(destination)
    .find((key) => key.endsWith('DestinationDescription'))
    ?.replace(/DestinationDescription$/, '');
  return kind ?? 'an unknown destination';
};

/**
 * What a failed fetch of `url` should say: its network cause (ECONNREFUSED, a timeout), which
 * describeFailure names, or else a CliError with fetch's reason (such as `bad port`).
 */
const fetchFailure = (error: unknown, url: string) => {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const inner = (cause && typeof cause === 'object' ? cause : error) as {
    code?: unknown;
    name?: unknown;
    errors?: unknown;
    message?: unknown;
  };
  if (typeof inner.code === 'string' || Array.isArray(inner.errors) || inner.name === 'TimeoutError')
    return inner;
  return new CliError(`cannot query ${url}: ${String(inner.message ?? error)}`);
};

interface Clients {
  sqs: SQSClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  /** Lambda's API: in AWS, or the local runtime's; undefined when the local stack has none. */
  lambda?: LambdaClient | undefined;
  /** Firehose's API: in AWS, or the local runtime's; undefined when the local stack has none. */
  firehose?: FirehoseClient | undefined;
  /** OpenSearch Service's API, in AWS only. */
  openSearch?: OpenSearchClient | undefined;
}

export class StatusStack {
  private readonly onAbort = () => this.destroy();

  private constructor(
    readonly target: Target,
    readonly outputs: StackOutputs,
    private readonly clients: Clients,
    private readonly now: () => Date,
    /** Aborted on Ctrl-C during --watch: the requests in flight end at once (their clients are destroyed). */
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Reads the stack's outputs and creates the clients. */
  static async open(
    target: Target,
    now: () => Date = () => new Date(),
    signal?: AbortSignal,
  ): Promise<StatusStack> {
    const outputs = await target.outputs();
    const config = (endpoint?: string): ClientConfig & { requestHandler: typeof REQUEST_TIMEOUTS } => ({
      ...target.clientConfig,
      ...(endpoint ? { endpoint } : {}),
      requestHandler: REQUEST_TIMEOUTS,
    });
    const local = target.kind === 'local';
    const localOnly = (output: string) => (local ? outputs[output] : undefined);
    const lambdaEndpoint = localOnly('LambdaEndpointUrl');
    const firehoseEndpoint = localOnly('FirehoseEndpointUrl');
    return new StatusStack(
      target,
      outputs,
      {
        sqs: new SQSClient(config()),
        sns: new SNSClient(config()),
        dynamodb: new DynamoDBClient(config()),
        lambda: !local || lambdaEndpoint ? new LambdaClient(config(lambdaEndpoint)) : undefined,
        firehose: !local || firehoseEndpoint ? new FirehoseClient(config(firehoseEndpoint)) : undefined,
        openSearch: local ? undefined : new OpenSearchClient(config()),
      },
      now,
      signal,
    );
  }

  get local() {
    return this.target.kind === 'local';
  }

  /** An output of the stack; a CliError that names it when the stack has none. */
  output(name: string): string {
    const value = this.outputs[name];
    if (!value) throw new CliError(`${this.target.description} has no output ${name}`);
    return value;
  }

  /** The local endpoint a part is read from, for failure messages (undefined in AWS). */
  localEndpoint(output: 'AwsEndpointUrl' | 'LambdaEndpointUrl' | 'FirehoseEndpointUrl' | 'SearchUrl') {
    return this.local ? this.outputs[output] : undefined;
  }

  /** The queue of a stack output: its depth. */
  async queue(output: string): Promise<QueueStatus> {
    const { name, url, waiting, inFlight } = await describeQueue(this.clients.sqs, this.output(output));
    return { name, url, waiting, inFlight };
  }

  /** The queue of an ARN (a subscription's dead-letter queue that is not one of the stack's outputs). */
  async queueOfArn(arn: string): Promise<QueueStatus> {
    const { name, url, waiting, inFlight } = await describeQueue(
      this.clients.sqs,
      await queueUrlOfArn(this.clients.sqs, arn),
    );
    return { name, url, waiting, inFlight };
  }

  /** A queue's depth and the dead-letter queue of its redrive policy (the local runtime's firehose stand-ins). */
  async queueWithRedrive(arn: string): Promise<QueueWithRedrive> {
    const url = await queueUrlOfArn(this.clients.sqs, arn);
    const { Attributes = {} } = await this.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'RedrivePolicy',
        ],
      }),
    );
    return {
      name: queueNameOf(url),
      url,
      arn,
      waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0) || 0,
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) || 0,
      deadLetterTargetArn: deadLetterTargetOf(Attributes.RedrivePolicy),
    };
  }

  /** The delivery stream of a stack output: Firehose DescribeDeliveryStream. */
  async deliveryStream(output: string): Promise<DeliveryStreamStatus> {
    const name = this.output(output);
    if (!this.clients.firehose) {
      throw new CliError(
        `${this.target.description} has no output FirehoseEndpointUrl: restart the local stack with npm start`,
      );
    }
    try {
      const { DeliveryStreamDescription: description } = await this.clients.firehose.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
      );
      const failure =
        description?.FailureDescription ??
        description?.DeliveryStreamEncryptionConfiguration?.FailureDescription;
      return {
        name,
        arn: description?.DeliveryStreamARN,
        status: description?.DeliveryStreamStatus ?? 'unknown',
        destination: describeDestination(description?.Destinations?.[0]),
        encryption: description?.DeliveryStreamEncryptionConfiguration?.Status,
        failure: failure ? `${failure.Type}: ${failure.Details}` : undefined,
      };
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') {
        throw new CliError(`the delivery stream ${name} (output ${output}) does not exist`);
      }
      throw error;
    }
  }

  /** The search domain: DescribeDomain in AWS, the local node's cluster health. */
  async domain(): Promise<DomainStatus> {
    return this.local ? this.clusterHealth() : this.describeDomain();
  }

  private async clusterHealth(): Promise<DomainStatus> {
    const url = openSearchUrl(this.output('SearchUrl'));
    const healthUrl = `${url}/_cluster/health`;
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(REQUEST_TIMEOUTS.requestTimeout);
      response = await fetch(healthUrl, {
        signal: this.signal ? AbortSignal.any([timeout, this.signal]) : timeout,
      });
    } catch (error) {
      throw fetchFailure(error, healthUrl);
    }
    const text = await response.text();
    if (!response.ok) throw new CliError(`${healthUrl} answered ${response.status}: ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as {
      status?: string;
      number_of_nodes?: number;
      active_shards?: number;
      unassigned_shards?: number;
    };
    return {
      kind: 'cluster',
      url,
      health: body.status ?? 'unknown',
      nodes: body.number_of_nodes,
      activeShards: body.active_shards,
      unassignedShards: body.unassigned_shards,
    };
  }

  private async describeDomain(): Promise<DomainStatus> {
    const arn = this.output('SearchDomainArn');
    const name = domainNameOf(arn);
    if (!name)
      throw new CliError(`the output SearchDomainArn (${arn}) is not the ARN of an OpenSearch domain`);
    const { DomainStatus: domain } = await (this.clients.openSearch as OpenSearchClient).send(
      new DescribeDomainCommand({ DomainName: name }),
    );
    const cluster = domain?.ClusterConfig;
    return {
      kind: 'service',
      name,
      engineVersion: domain?.EngineVersion,
      processingStatus: domain?.DomainProcessingStatus,
      processing: domain?.Processing ?? false,
      upgradeProcessing: domain?.UpgradeProcessing ?? false,
      created: domain?.Created,
      deleted: domain?.Deleted ?? false,
      changeStatus: domain?.ChangeProgressDetails?.ConfigChangeStatus,
      changeMessage: domain?.ChangeProgressDetails?.Message,
      instanceType: cluster?.InstanceType,
      instanceCount: cluster?.InstanceCount,
      dedicatedMasters: cluster?.DedicatedMasterEnabled ? (cluster.DedicatedMasterCount ?? 0) : undefined,
      zoneAwareness: cluster?.ZoneAwarenessEnabled ?? false,
    };
  }

  /** Whether the stack has the circuit breaker (an older one has neither of its outputs). */
  has(output: string) {
    return Boolean(this.outputs[output]);
  }

  /** The checkout circuit breaker, as the checkout function stores it (closed when nothing is stored yet). */
  async circuitBreaker(): Promise<CircuitBreaker> {
    const store = new DynamoDbCircuitBreakerStore(
      this.clients.dynamodb,
      this.output('CircuitBreakerTableName'),
      this.now,
    );
    return (await store.read()).breaker;
  }

  /** The checkout function's event source mapping. */
  async checkoutMapping(): Promise<EventSourceMapping> {
    const uuid = this.output('CheckoutEventSourceMappingId');
    if (!this.clients.lambda) {
      throw new CliError(
        `${this.target.description} has no output LambdaEndpointUrl: restart the local stack with npm start`,
      );
    }
    try {
      return await new LambdaEventSourceMappings(this.clients.lambda).get(uuid);
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') {
        throw new CliError(
          `the event source mapping ${uuid} (output CheckoutEventSourceMappingId) does not exist`,
        );
      }
      throw error;
    }
  }

  /** Every subscription of the topic (TopicArn) and its attributes. */
  async subscriptions(): Promise<TopicSubscription[]> {
    const topicArn = this.output('TopicArn');
    const listed: TopicSubscription[] = [];
    const pages = paginateListSubscriptionsByTopic({ client: this.clients.sns }, { TopicArn: topicArn });
    for await (const page of pages) {
      for (const { SubscriptionArn = '', Protocol, Endpoint } of page.Subscriptions ?? []) {
        listed.push({
          arn: SubscriptionArn,
          protocol: Protocol ?? 'unknown',
          endpoint: Endpoint ?? '',
          // A subscription waiting for confirmation has no ARN yet (and no attributes to read).
          pendingConfirmation: !SubscriptionArn.startsWith('arn:'),
        });
      }
    }
    return mapWithConcurrency(listed, SUBSCRIPTION_CONCURRENCY, async (subscription) => {
      if (subscription.pendingConfirmation) return subscription;
      try {
        const { Attributes = {} } = await this.clients.sns.send(
          new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.arn }),
        );
        return {
          ...subscription,
          pendingConfirmation: Attributes.PendingConfirmation === 'true',
          attributes: Attributes,
        };
      } catch (error) {
        return { ...subscription, attributesError: error };
      }
    });
  }

  /** The replay, as `npm run replay -- status` reads it (its rate and time left taken now). */
  async replay(): Promise<ReplayStatus> {
    const stack = await ReplayStack.open(this.target);
    const destroy = () => stack.destroy();
    this.signal?.addEventListener('abort', destroy, { once: true });
    try {
      return await readStatus(stack, this.now());
    } finally {
      this.signal?.removeEventListener('abort', destroy);
      stack.destroy();
    }
  }

  destroy() {
    this.signal?.removeEventListener('abort', this.onAbort);
    for (const client of Object.values(this.clients)) client?.destroy();
  }
}
