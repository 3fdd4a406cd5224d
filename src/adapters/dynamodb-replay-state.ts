import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** The replay an operator started: its window (ISO instants), its state and its counts. */
export interface ReplayState {
  replayId: string;
  since: string;
  until: string;
  startedAt: string;
  status: 'running' | 'stopped';
  stoppedAt?: string;
  forwarded: number;
  skipped: number;
}

export interface ReplayCounts {
  forwarded: number;
  skipped: number;
}

/** A replay cannot start while another one runs: there is one replay queue, and one window. */
export class ReplayAlreadyRunningError extends Error {
  constructor(readonly running: ReplayState | undefined) {
    super(
      running
        ? `replay ${running.replayId} is already running`
        : 'another replay started at the same time is running',
    );
    this.name = 'ReplayAlreadyRunningError';
  }
}

/** A batch's counts belong to a replay that is no longer the current one: another has started since. */
export class ReplaySupersededError extends Error {
  constructor(readonly replayId: string) {
    super(`replay ${replayId} is no longer the current replay: another one has started since`);
    this.name = 'ReplaySupersededError';
  }
}

/** The current replay lives in one item of the pipeline's state table. */
const CURRENT = { replay: 'current' };

export class DynamoDbReplayStateStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(dynamodb);
  }

  async current(): Promise<ReplayState | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: CURRENT, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { replay: _key, ...state } = Item;
    return state as ReplayState;
  }

  /**
   * Records a new running replay in place of the previous one, which must have stopped: the condition
   * makes two operators starting a replay at the same instant end with one replay, not two windows.
   */
  async start(state: Omit<ReplayState, 'status' | 'forwarded' | 'skipped'>): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...CURRENT, ...state, status: 'running', forwarded: 0, skipped: 0 },
          ConditionExpression: 'attribute_not_exists(#status) OR #status <> :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'running' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ReplayAlreadyRunningError(await this.current());
      }
      throw error;
    }
  }

  /** Adds a batch's counts to the replay; `ReplaySupersededError` if another replay has started since. */
  async addCounts(replayId: string, { forwarded, skipped }: ReplayCounts): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CURRENT,
          UpdateExpression: 'ADD forwarded :forwarded, skipped :skipped',
          ConditionExpression: 'replayId = :replayId',
          ExpressionAttributeValues: { ':forwarded': forwarded, ':skipped': skipped, ':replayId': replayId },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ReplaySupersededError(replayId);
      throw error;
    }
  }

  async markStopped(replayId: string, stoppedAt: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: CURRENT,
        UpdateExpression: 'SET #status = :stopped, stoppedAt = :stoppedAt',
        ConditionExpression: 'replayId = :replayId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':stopped': 'stopped', ':stoppedAt': stoppedAt, ':replayId': replayId },
      }),
    );
  }
}
