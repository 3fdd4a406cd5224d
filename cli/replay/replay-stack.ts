/**
 * What the replay CLI works with in a stack: the replay state table (through the replay function's own
 * DynamoDbReplayStateStore), the replay function's event source mapping (Lambda's API, through the shared
 * LambdaEventSourceMappings: in AWS, or the local runtime's at LambdaEndpointUrl), and the replay queue
 * and its dead-letter queue.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbReplayStateStore } from '../../src/adapters/dynamodb-replay-state';
import {
  type EventSourceMapping,
  type EventSourceMappingUpdate,
  isSettled,
  LambdaEventSourceMappings,
} from '../../src/adapters/lambda-event-source-mapping';
import { CliError, describeFailure } from '../shared/errors';
import { describeQueue, type QueueInfo } from '../shared/queues';
import { createClient, type Target } from '../shared/target';

/**
 * An event source mapping as the replay CLI shows it: Lambda's state (Enabled, Disabled, Enabling,
 * Disabling, ...), its batch size and maximum concurrency, and the function it feeds.
 */
export interface MappingState extends EventSourceMapping {
  functionName?: string | undefined;
}

/** The replay queue with the messages SQS holds back (kept copies and ticks are sent delayed). */
export interface ReplayQueueInfo extends QueueInfo {
  /** ApproximateNumberOfMessagesDelayed. */
  delayed: number;
}

/** Refuses to change a mapping that is changing state already. */
export const assertSettled = (mapping: Pick<MappingState, 'uuid' | 'state'>) => {
  if (!isSettled(mapping)) {
    throw new CliError(
      `the event source mapping ${mapping.uuid} is ${mapping.state}: try again in a few seconds`,
    );
  }
};

/** The state Lambda would report right after an update that it answered without one. */
const transitionOf = (update: EventSourceMappingUpdate, current: MappingState) =>
  update.enabled === undefined ? current.state : update.enabled ? 'Enabling' : 'Disabling';

const functionNameOf = (functionArn: string | undefined) =>
  functionArn?.split(':function:')[1]?.split(':')[0];

export class ReplayStack {
  readonly replays: DynamoDbReplayStateStore;
  private readonly mappings: LambdaEventSourceMappings;

  private constructor(
    private readonly target: Target,
    private readonly clients: { dynamodb: DynamoDBClient; lambda: LambdaClient; sqs: SQSClient },
    readonly resources: {
      tableName: string;
      mappingId: string;
      queueUrl: string;
      deadLetterQueueUrl?: string | undefined;
      functionName?: string | undefined;
      /** The local runtime's Lambda API; undefined in AWS. */
      lambdaEndpoint?: string | undefined;
    },
  ) {
    this.replays = new DynamoDbReplayStateStore(clients.dynamodb, resources.tableName);
    this.mappings = new LambdaEventSourceMappings(clients.lambda);
  }

  /** Reads the stack's outputs and creates the clients. */
  static async open(target: Target): Promise<ReplayStack> {
    const outputs = await target.outputs();
    const lambdaEndpoint = target.kind === 'local' ? await target.output('LambdaEndpointUrl') : undefined;
    const resources = {
      tableName: await target.output('ReplayStateTableName'),
      mappingId: await target.output('ReplayEventSourceMappingId'),
      queueUrl: await target.output('ReplayQueueUrl'),
      deadLetterQueueUrl: outputs.ReplayDeadLetterQueueUrl,
      functionName: outputs.ReplayFunctionName,
      lambdaEndpoint,
    };
    const lambdaTarget = lambdaEndpoint
      ? { clientConfig: { ...target.clientConfig, endpoint: lambdaEndpoint } }
      : target;
    return new ReplayStack(
      target,
      {
        dynamodb: createClient(DynamoDBClient, target),
        lambda: createClient(LambdaClient, lambdaTarget),
        sqs: createClient(SQSClient, target),
      },
      resources,
    );
  }

  get sqs() {
    return this.clients.sqs;
  }

  /** Whether this is the local stack (moto answers an empty receive at once; AWS needs long polling). */
  get local() {
    return this.target.kind === 'local';
  }

  /** Lambda failures that name the mapping, and the local Lambda API when it cannot be reached. */
  private async lambda<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const name = (error as Error).name;
      const { mappingId, lambdaEndpoint } = this.resources;
      if (name === 'ResourceNotFoundException') {
        throw new CliError(
          `the event source mapping ${mappingId} (output ReplayEventSourceMappingId) does not exist in ${this.target.description}`,
        );
      }
      if (name === 'ResourceInUseException') {
        throw new CliError(
          `the event source mapping ${mappingId} is changing state (${(error as Error).message}): try again in a few seconds`,
        );
      }
      if (lambdaEndpoint) throw new CliError(describeFailure(error, { localEndpoint: lambdaEndpoint }));
      throw error;
    }
  }

  private withFunctionName(mapping: EventSourceMapping): MappingState {
    return { ...mapping, functionName: this.resources.functionName ?? functionNameOf(mapping.functionArn) };
  }

  async mapping(): Promise<MappingState> {
    const mapping = await this.lambda(() => this.mappings.get(this.resources.mappingId));
    return this.withFunctionName({ ...mapping, uuid: this.resources.mappingId });
  }

  /**
   * Changes the mapping (UpdateEventSourceMapping): refused while it is changing state already. Gives back
   * the mapping as Lambda reports it right after (often in a transition).
   */
  async updateMapping(update: EventSourceMappingUpdate, before?: MappingState): Promise<MappingState> {
    const current = before ?? (await this.mapping());
    assertSettled(current);
    const updated = await this.lambda(() => this.mappings.update(this.resources.mappingId, update));
    // What the answer leaves out is as it was, or as asked.
    const reported = Object.fromEntries(Object.entries(updated).filter(([, value]) => value !== undefined));
    return this.withFunctionName({
      ...current,
      ...(update.batchSize !== undefined ? { batchSize: update.batchSize } : {}),
      ...(update.maximumConcurrency !== undefined ? { maximumConcurrency: update.maximumConcurrency } : {}),
      ...reported,
      state: updated.state !== 'unknown' ? updated.state : transitionOf(update, current),
      uuid: this.resources.mappingId,
    });
  }

  /** Enables or disables the mapping; returns the state Lambda reports after. */
  setMappingEnabled(enabled: boolean, before?: MappingState): Promise<MappingState> {
    return this.updateMapping({ enabled }, before);
  }

  async replayQueue(): Promise<ReplayQueueInfo> {
    const [queue, { Attributes = {} }] = await Promise.all([
      describeQueue(this.clients.sqs, this.resources.queueUrl),
      this.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.resources.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
        }),
      ),
    ]);
    return { ...queue, delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0) || 0 };
  }

  async deadLetterQueue(): Promise<QueueInfo | undefined> {
    const url = this.resources.deadLetterQueueUrl;
    return url ? describeQueue(this.clients.sqs, url) : undefined;
  }

  destroy() {
    this.clients.dynamodb.destroy();
    this.clients.lambda.destroy();
    this.clients.sqs.destroy();
  }
}
