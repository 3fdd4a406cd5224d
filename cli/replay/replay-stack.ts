/**
 * What the replay CLI works with in a stack: the replay state table (through the replay function's own
 * DynamoDbReplayStateStore), the replay function's event source mapping (Lambda's API: in AWS, or the
 * local runtime's at LambdaEndpointUrl), and the replay queue and its dead-letter queue.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbReplayStateStore } from '../../src/adapters/dynamodb-replay-state';
import { CliError, describeFailure } from '../shared/errors';
import { describeQueue, type QueueInfo } from '../shared/queues';
import { createClient, type Target } from '../shared/target';

/** An event source mapping's state, as Lambda reports it: Enabled, Disabled, Enabling, Disabling, ... */
export interface MappingState {
  uuid: string;
  state: string;
  functionName?: string | undefined;
}

/** Lambda's transitional states, in which UpdateEventSourceMapping is refused. */
const TRANSITIONS = new Set(['Creating', 'Enabling', 'Disabling', 'Updating', 'Deleting']);

/** Refuses to change a mapping that is changing state already. */
export const assertSettled = (mapping: MappingState) => {
  if (TRANSITIONS.has(mapping.state)) {
    throw new CliError(
      `the event source mapping ${mapping.uuid} is ${mapping.state}: try again in a few seconds`,
    );
  }
};

const functionNameOf = (functionArn: string | undefined) =>
  functionArn?.split(':function:')[1]?.split(':')[0];

export class ReplayStack {
  readonly replays: DynamoDbReplayStateStore;

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

  async mapping(): Promise<MappingState> {
    const { mappingId, functionName } = this.resources;
    const mapping = await this.lambda(() =>
      this.clients.lambda.send(new GetEventSourceMappingCommand({ UUID: mappingId })),
    );
    return {
      uuid: mappingId,
      state: mapping.State ?? 'unknown',
      functionName: functionName ?? functionNameOf(mapping.FunctionArn),
    };
  }

  /** Enables or disables the mapping (UpdateEventSourceMapping); returns the state Lambda reports after. */
  async setMappingEnabled(enabled: boolean, before?: MappingState): Promise<MappingState> {
    const current = before ?? (await this.mapping());
    assertSettled(current);
    const { mappingId } = this.resources;
    const updated = await this.lambda(() =>
      this.clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mappingId, Enabled: enabled })),
    );
    return { ...current, state: updated.State ?? (enabled ? 'Enabling' : 'Disabling') };
  }

  replayQueue(): Promise<QueueInfo> {
    return describeQueue(this.clients.sqs, this.resources.queueUrl);
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
