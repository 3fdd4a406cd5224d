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
  kept: 2,
};

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

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

    it('counts no kept orders for a replay recorded before they were counted', async () => {
      const { kept: _kept, ...older } = RUNNING;
      dynamodb.on(GetCommand).resolves({ Item: { replay: 'current', ...older } });
      await expect(store.current()).resolves.toEqual({ ...older, kept: 0 });
    });

    it('is undefined when no replay was ever started', async () => {
      dynamodb.on(GetCommand).resolves({});
      await expect(store.current()).resolves.toBeUndefined();
    });
  });

  describe('start', () => {
    const { status: _status, forwarded: _forwarded, skipped: _skipped, kept: _kept, ...started } = RUNNING;

    it('records a replay as running with zero counts, replacing the previous one only if it is not running', async () => {
      await store.start(started);
      expect(dynamodb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Item: {
          replay: 'current',
          ...started,
          status: 'running',
          forwarded: 0,
          skipped: 0,
          kept: 0,
          samples: [],
        },
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

    it('records the mapping, the pace and the mapping settings to give back when it ends', async () => {
      await store.start({
        ...started,
        mappingUuid: 'm-1',
        rate: 5,
        mappingBefore: { batchSize: 10, maximumConcurrency: 5 },
      });
      expect(dynamodb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
        mappingUuid: 'm-1',
        rate: 5,
        mappingBefore: { batchSize: 10, maximumConcurrency: 5 },
      });
    });

    it('lets any other failure through unchanged', async () => {
      const throttled = new Error('Rate exceeded');
      dynamodb.on(PutCommand).rejects(throttled);
      await expect(store.start(started)).rejects.toBe(throttled);
    });
  });

  describe('addCounts', () => {
    const AT = Date.parse('2026-11-21T12:05:00Z');

    it('adds counts atomically, only to the replay they belong to, with a progress sample, and gives back the replay', async () => {
      dynamodb.on(UpdateCommand).resolves({ Attributes: { replay: 'current', ...RUNNING } });
      await expect(store.addCounts('replay-1', { forwarded: 2, skipped: 5, kept: 1 }, AT)).resolves.toEqual(
        RUNNING,
      );
      expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Key: { replay: 'current' },
        UpdateExpression:
          'ADD forwarded :forwarded, skipped :skipped, kept :kept SET samples = list_append(if_not_exists(samples, :none), :sample)',
        ConditionExpression: 'replayId = :replayId',
        ExpressionAttributeValues: {
          ':forwarded': 2,
          ':skipped': 5,
          ':kept': 1,
          ':replayId': 'replay-1',
          ':none': [],
          ':sample': [{ at: AT, forwarded: 2, skipped: 5, kept: 1 }],
        },
        ReturnValues: 'ALL_NEW',
      });
    });

    it('takes the ticks of the replay the batch consumed off its pending ones', async () => {
      dynamodb.on(UpdateCommand).resolves({ Attributes: { replay: 'current', ...RUNNING } });
      await store.addCounts('replay-1', { forwarded: 0, skipped: 0, kept: 0 }, AT, 2);
      expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
        UpdateExpression: 'ADD forwarded :forwarded, skipped :skipped, kept :kept, ticks :ticks',
        ExpressionAttributeValues: expect.objectContaining({ ':ticks': -2 }),
      });
    });

    it('adds no sample for a batch that did nothing (ticks, copies kept again)', async () => {
      dynamodb.on(UpdateCommand).resolves({ Attributes: { replay: 'current', ...RUNNING } });
      await store.addCounts('replay-1', { forwarded: 0, skipped: 0, kept: 0 }, AT);
      expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input.UpdateExpression).toBe(
        'ADD forwarded :forwarded, skipped :skipped, kept :kept',
      );
    });

    it('drops the oldest samples beyond the last 100', async () => {
      const samples = Array.from({ length: 103 }, (_, index) => ({
        at: index,
        forwarded: 1,
        skipped: 0,
        kept: 0,
      }));
      dynamodb.on(UpdateCommand).resolves({ Attributes: { replay: 'current', ...RUNNING, samples } });
      await store.addCounts('replay-1', { forwarded: 1, skipped: 0, kept: 0 }, AT);
      expect(dynamodb.commandCalls(UpdateCommand)[1]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Key: { replay: 'current' },
        UpdateExpression: 'REMOVE samples[0], samples[1], samples[2]',
        ConditionExpression: 'replayId = :replayId AND size(samples) > :maximum',
        ExpressionAttributeValues: { ':replayId': 'replay-1', ':maximum': 100 },
      });
    });

    it('refuses counts with ReplaySupersededError when another replay has started', async () => {
      dynamodb.on(UpdateCommand).rejects(conditionFailed());
      await expect(store.addCounts('replay-1', { forwarded: 1, skipped: 0, kept: 0 })).rejects.toThrow(
        new ReplaySupersededError('replay-1'),
      );
    });
  });

  describe('reserveSlots', () => {
    const NOW = Date.parse('2026-11-21T12:05:00Z');
    const clock = () => NOW;
    const request = { rate: 5, wanted: 3, deadline: NOW + 55_000 };

    it('moves the first free slot on with a write conditioned on the one it read', async () => {
      const reservation = await store.reserveSlots(
        'replay-1',
        request,
        { ...RUNNING, nextSlotAt: NOW + 100 },
        clock,
      );
      expect(reservation).toEqual({ slots: [NOW + 100, NOW + 300, NOW + 500], nextSlotAt: NOW + 700 });
      expect(dynamodb.commandCalls(GetCommand)).toHaveLength(0);
      expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Key: { replay: 'current' },
        UpdateExpression: 'SET nextSlotAt = :next',
        ConditionExpression: 'replayId = :replayId AND nextSlotAt = :previous',
        ExpressionAttributeValues: { ':next': NOW + 700, ':replayId': 'replay-1', ':previous': NOW + 100 },
      });
    });

    it('takes the first slots of a replay with a write conditioned on there being none', async () => {
      await store.reserveSlots('replay-1', request, RUNNING, clock);
      expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input.ConditionExpression).toBe(
        'replayId = :replayId AND attribute_not_exists(nextSlotAt)',
      );
    });

    it('reads the slot again and tries again when another invocation reserved meanwhile', async () => {
      dynamodb.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
      dynamodb.on(GetCommand).resolves({ Item: { replay: 'current', ...RUNNING, nextSlotAt: NOW + 600 } });
      const reservation = await store.reserveSlots('replay-1', request, RUNNING, clock);
      expect(reservation.slots).toEqual([NOW + 600, NOW + 800, NOW + 1000]);
      expect(dynamodb.commandCalls(UpdateCommand)).toHaveLength(2);
    });

    it('refuses with ReplaySupersededError when another replay has started', async () => {
      dynamodb.on(GetCommand).resolves({ Item: { replay: 'current', ...RUNNING, replayId: 'replay-2' } });
      await expect(store.reserveSlots('replay-1', request, undefined, clock)).rejects.toThrow(
        ReplaySupersededError,
      );
      expect(dynamodb.commandCalls(UpdateCommand)).toHaveLength(0);
    });
  });

  it('takes back a claimed tick that could not be sent', async () => {
    await store.releaseTick('replay-1');
    expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'ADD ticks :minusOne',
      ExpressionAttributeValues: { ':minusOne': -1, ':replayId': 'replay-1' },
    });
  });

  it('claims a tick only while the replay runs and no earlier tick is due, and counts it as pending', async () => {
    const NOW = Date.parse('2026-11-21T12:05:00Z');
    await expect(store.claimTick('replay-1', NOW + 5000, NOW)).resolves.toBe(true);
    expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE_NAME,
      Key: { replay: 'current' },
      UpdateExpression: 'SET tickDueAt = :due ADD ticks :one',
      ConditionExpression:
        'replayId = :replayId AND #status = :running AND (attribute_not_exists(tickDueAt) OR tickDueAt <= :now OR tickDueAt > :due)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':due': NOW + 5000,
        ':now': NOW,
        ':one': 1,
        ':replayId': 'replay-1',
        ':running': 'running',
      },
    });
    dynamodb.on(UpdateCommand).rejects(conditionFailed());
    await expect(store.claimTick('replay-1', NOW + 5000, NOW)).resolves.toBe(false);
  });

  it.each([
    ['stopped', 'stoppedAt', (at: string) => store.markStopped('replay-1', at)],
    ['completed', 'completedAt', (at: string) => store.markCompleted('replay-1', at)],
  ] as const)(
    'marks a replay %s, with when, only if it is the current one and still running',
    async (status, attribute, mark) => {
      await expect(mark('2026-11-21T12:30:00.000Z')).resolves.toBe(true);
      expect(dynamodb.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Key: { replay: 'current' },
        UpdateExpression: `SET #status = :status, ${attribute} = :at`,
        ConditionExpression: 'replayId = :replayId AND #status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':at': '2026-11-21T12:30:00.000Z',
          ':replayId': 'replay-1',
          ':running': 'running',
        },
      });
      dynamodb.on(UpdateCommand).rejects(conditionFailed());
      await expect(mark('2026-11-21T12:31:00.000Z')).resolves.toBe(false);
    },
  );
});
