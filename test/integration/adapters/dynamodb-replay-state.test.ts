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
    await store.addCounts('replay-1', { forwarded: 3, skipped: 2 });
    await store.markStopped('replay-1', startedAt());

    await store.start({ replayId: 'replay-2', ...WINDOW, startedAt: startedAt() });

    expect(await store.current()).toMatchObject({
      replayId: 'replay-2',
      status: 'running',
      forwarded: 0,
      skipped: 0,
    });
  });

  it('starts the first replay of a new table', async () => {
    await store.start({ replayId: 'replay-1', ...WINDOW, startedAt: startedAt() });
    expect(await store.current()).toMatchObject({ replayId: 'replay-1', status: 'running' });
  });
});
