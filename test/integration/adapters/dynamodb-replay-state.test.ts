import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDbReplayStateStore,
  ReplayAlreadyRunningError,
} from '../../../src/adapters/dynamodb-replay-state';
import { useMotoServer } from '../../helpers/moto';

const WINDOW = { since: '2026-11-21T10:00:00.000Z', until: '2026-11-21T11:00:00.000Z' };

describe('the replay state store against moto', () => {
  const moto = useMotoServer();
  let store: DynamoDbReplayStateStore;
  let tableSequence = 0;

  beforeEach(async () => {
    const dynamodb = new DynamoDBClient(moto.clientConfig());
    const tableName = `replay-state-${++tableSequence}`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'replay', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'replay', KeyType: 'HASH' }],
      }),
    );
    store = new DynamoDbReplayStateStore(dynamodb, tableName);
  });

  const startedAt = () => new Date().toISOString();

  it('lets exactly one of two replays started at the same instant run', async () => {
    const results = await Promise.allSettled(
      ['replay-a', 'replay-b'].map((replayId) =>
        store.start({ replayId, ...WINDOW, startedAt: startedAt() }),
      ),
    );

    const refusals = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toBeInstanceOf(ReplayAlreadyRunningError);
    const current = await store.current();
    expect(current?.status).toBe('running');
    expect((refusals[0] as ReplayAlreadyRunningError).running?.replayId).toBe(current?.replayId);
  });

  it('starts a new replay once the previous one is stopped, with fresh counts', async () => {
    await store.start({ replayId: 'replay-1', ...WINDOW, startedAt: startedAt() });
    await store.addCounts('replay-1', { forwarded: 3, skipped: 2, kept: 1 });
    await store.markStopped('replay-1', startedAt());

    await store.start({ replayId: 'replay-2', ...WINDOW, startedAt: startedAt() });

    expect(await store.current()).toMatchObject({
      replayId: 'replay-2',
      status: 'running',
      forwarded: 0,
      skipped: 0,
      kept: 0,
      samples: [],
    });
  });

  it('starts a new replay once the previous one has completed, and refuses to mark a replay twice', async () => {
    await store.start({ replayId: 'replay-1', ...WINDOW, startedAt: startedAt() });
    expect(await store.markCompleted('replay-1', startedAt())).toBe(true);
    expect(await store.markStopped('replay-1', startedAt())).toBe(false);
    expect((await store.current())?.status).toBe('completed');

    await store.start({ replayId: 'replay-2', ...WINDOW, startedAt: startedAt() });
    expect(await store.current()).toMatchObject({ replayId: 'replay-2', status: 'running' });
  });

  it('keeps the progress samples of the last 100 batches, oldest dropped first', async () => {
    await store.start({ replayId: 'replay-1', ...WINDOW, startedAt: startedAt() });
    for (let batch = 1; batch <= 103; batch += 1) {
      await store.addCounts('replay-1', { forwarded: 1, skipped: 0, kept: 0 }, batch);
    }
    // A batch that did nothing adds no sample.
    await store.addCounts('replay-1', { forwarded: 0, skipped: 0, kept: 0 }, 104);

    const replay = await store.current();
    expect(replay?.forwarded).toBe(103);
    expect(replay?.samples?.map((sample) => sample.at)).toEqual(
      Array.from({ length: 100 }, (_, index) => index + 4),
    );
  });

  it('reserves consecutive pacing slots for invocations one after the other', async () => {
    await store.start({ replayId: 'replay-1', ...WINDOW, startedAt: startedAt() });
    const now = Date.now();
    const request = { rate: 10, wanted: 3, deadline: now + 60_000 };
    const first = await store.reserveSlots('replay-1', request, undefined, () => now);
    const second = await store.reserveSlots('replay-1', request, undefined, () => now);
    expect(first.slots).toEqual([now, now + 100, now + 200]);
    expect(second.slots).toEqual([now + 300, now + 400, now + 500]);
    expect((await store.current())?.nextSlotAt).toBe(now + 600);
  });

  it('starts the first replay of a new table', async () => {
    await store.start({ replayId: 'replay-1', ...WINDOW, startedAt: startedAt() });
    expect(await store.current()).toMatchObject({ replayId: 'replay-1', status: 'running' });
  });
});
