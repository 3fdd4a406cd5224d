import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DynamoDbReplayStateStore,
  ReplayAlreadyRunningError,
  type ReplayState,
  ReplaySupersededError,
} from '../../../src/adapters/dynamodb-replay-state';

const TABLE_NAME = 'checkout-EventReplay-ReplayStateTable-1A2B3C';

const RUNNING: ReplayState = {
  replayId: 'replay-1',
  since: '2026-11-21T10:00:00.000Z',
  until: '2026-11-21T11:00:00.000Z',
  startedAt: '2026-11-21T12:00:00.000Z',
  status: 'running',
  forwarded: 3,
  skipped: 4,
};

describe('DynamoDbReplayStateStore', () => {
  const dynamodb = mockClient(DynamoDBDocumentClient);
  const store = new DynamoDbReplayStateStore(new DynamoDBClient({ region: 'eu-west-1' }), TABLE_NAME);

  beforeEach(() => {
    dynamodb.reset();
    dynamodb.on(PutCommand).resolves({});
    dynamodb.on(UpdateCommand).resolves({});
  });

  afterAll(() => dynamodb.restore());

  describe('current', () => {
    it('is the replay of the item `current`, read consistently, without the key', async () => {
      dynamodb.on(GetCommand).resolves({ Item: { replay: 'current', ...RUNNING } });
      await expect(store.current()).resolves.toEqual(RUNNING);
      expect(dynamodb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Key: { replay: 'current' },
        ConsistentRead: true,
      });
    });

    it('is undefined when no replay was ever started', async () => {
      dynamodb.on(GetCommand).resolves({});
      await expect(store.current()).resolves.toBeUndefined();
    });
  });

  describe('start', () => {
    const { status: _status, forwarded: _forwarded, skipped: _skipped, ...started } = RUNNING;
    const conditionFailed = () =>
      new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

    it('records a replay as running with zero counts, replacing the previous one only if it is not running', async () => {
      await store.start(started);
      expect(dynamodb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Item: { replay: 'current', ...started, status: 'running', forwarded: 0, skipped: 0 },
        ConditionExpression: 'attribute_not_exists(#status) OR #status <> :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'running' },
      });
    });

    it('refuses, naming the running replay, when another replay runs', async () => {
      dynamodb.on(PutCommand).rejects(conditionFailed());
      dynamodb.on(GetCommand).resolves({ Item: { replay: 'current', ...RUNNING, replayId: 'replay-0' } });
      const refusal = store.start(started);
      await expect(refusal).rejects.toThrow(ReplayAlreadyRunningError);
      await expect(refusal).rejects.toMatchObject({
        message: 'replay replay-0 is already running',
        running: { replayId: 'replay-0', status: 'running' },
      });
    });

    it('lets any other failure through unchanged', async () => {
      const throttled = new Error('Rate exceeded');
      dynamodb.on(PutCommand).rejects(throttled);
      await expect(store.start(started)).rejects.toBe(throttled);
    });
  });

  it('adds counts atomically, only to the replay they belong to', async () => {
    await store.addCounts('replay-1', { forwarded: 2, skipped: 5 });
    expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE_NAME,
      Key: { replay: 'current' },
      UpdateExpression: 'ADD forwarded :forwarded, skipped :skipped',
      ConditionExpression: 'replayId = :replayId',
      ExpressionAttributeValues: { ':forwarded': 2, ':skipped': 5, ':replayId': 'replay-1' },
    });
  });

  it('refuses counts with ReplaySupersededError when another replay has started', async () => {
    dynamodb
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    await expect(store.addCounts('replay-1', { forwarded: 1, skipped: 0 })).rejects.toThrow(
      new ReplaySupersededError('replay-1'),
    );
  });

  it('marks a replay stopped, with when, only if it is still the current one', async () => {
    await store.markStopped('replay-1', '2026-11-21T12:30:00.000Z');
    expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE_NAME,
      Key: { replay: 'current' },
      UpdateExpression: 'SET #status = :stopped, stoppedAt = :stoppedAt',
      ConditionExpression: 'replayId = :replayId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':stopped': 'stopped',
        ':stoppedAt': '2026-11-21T12:30:00.000Z',
        ':replayId': 'replay-1',
      },
    });
  });
});
