import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { run as fault } from '../../cli/fault/main';
import { run as redrive } from '../../cli/redrive/main';
import { run as replay } from '../../cli/replay/main';
import type { CliRun } from '../../cli/shared/io';
import { localClientConfig } from '../../local/aws-config';
import { storedOrderChecksum, toOrderEvent } from '../../src/domain/order';
import { anOrderInput, type OrderRequestWithId } from '../factories/order';
import { messagesIn } from '../helpers/queues';
import { type LocalStackProcess, startLocalStackProcess } from './local-stack-process';
import { PartnerClient } from './partner-client';
import { eventually } from './stack-outputs';

/**
 * The outage runbook of the README, rehearsed on a local stack of this file's own (the fault switch
 * would disturb the other end-to-end files): orders fail during a fulfilment outage, the outage ends,
 * a replay of its window brings every order of the window into CheckoutTable exactly once.
 */
describe('an outage rehearsal through the event replay pipeline', () => {
  let stack: LocalStackProcess;
  let outputsFile: string;
  let documents: DynamoDBDocumentClient;
  let sqs: SQSClient;

  const cli = async (command: CliRun, ...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await command([...argv, '--outputs', outputsFile], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${stderr}${stdout}`);
    return { stdout, stderr };
  };

  const post = async (order: ReturnType<typeof anOrderInput>) => {
    const response = await new PartnerClient(stack.outputs).postOrder(order);
    expect(response.status).toBe(202);
    return { ...order, id: ((await response.json()) as { orderId: string }).orderId } as OrderRequestWithId;
  };

  const storedItem = async (orderId: string) =>
    (
      await documents.send(
        new GetCommand({
          TableName: stack.outputs.CheckoutTableName,
          Key: { orderId },
          ConsistentRead: true,
        }),
      )
    ).Item;

  const queueDepth = (queueUrl: string) => messagesIn(sqs, queueUrl);

  /** The fault switch is cached 5 s by the checkout function. */
  const waitForTheSwitch = () => new Promise((resolveWait) => setTimeout(resolveWait, 6000));

  const expectStoredExactlyOnce = async (order: OrderRequestWithId) => {
    const stored = toOrderEvent(order, order.id, new PartnerClient(stack.outputs).partner);
    expect(await storedItem(order.id)).toEqual({
      orderId: order.id,
      ...stored,
      checksum: storedOrderChecksum(stored),
    });
    const { Items = [] } = await documents.send(
      new ScanCommand({
        TableName: stack.outputs.CheckoutTableName,
        FilterExpression: 'orderId = :id',
        ExpressionAttributeValues: { ':id': order.id },
      }),
    );
    expect(Items).toHaveLength(1);
  };

  beforeAll(async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'checkout-replay-'));
    stack = await startLocalStackProcess(stateDir, { LOCAL_SKIP_BUILD: '1' });
    outputsFile = join(stateDir, 'outputs.json');
    const config = localClientConfig(stack.outputs.AwsEndpointUrl as string, stack.outputs.Region);
    documents = DynamoDBDocumentClient.from(new DynamoDBClient(config));
    sqs = new SQSClient(config);
  });

  afterAll(async () => {
    await stack?.interrupt();
  });

  it('brings every order of the outage window into CheckoutTable exactly once, and leaves the others alone', async () => {
    // An outage: the checkout function fails every order.
    await cli(fault, 'fail');
    await waitForTheSwitch();
    const inWindow = [
      await post(anOrderInput({ date: '2026-03-01T12:00:00Z' })),
      await post(anOrderInput({ date: '2026-03-01T13:30:00+01:00' })),
      await post(anOrderInput({ date: '2026-03-01T12:59:59.999Z' })),
    ];
    const outsideWindow = [
      await post(anOrderInput({ date: '2026-03-01T13:00:00Z' })),
      await post(anOrderInput({ date: '2026-03-01T11:59:59Z' })),
    ];
    const failed = [...inWindow, ...outsideWindow];
    await eventually(
      async () =>
        (await queueDepth(stack.outputs.CheckoutDeadLetterQueueUrl as string)) >= failed.length
          ? true
          : undefined,
      60_000,
      'the failed orders in the checkout dead-letter queue',
    );
    for (const order of failed) expect(await storedItem(order.id)).toBeUndefined();

    // The outage is fixed.
    await cli(fault, 'off');
    await waitForTheSwitch();

    // A dry run counts, and changes nothing.
    const replayQueueDepth = await queueDepth(stack.outputs.ReplayQueueUrl as string);
    const dryRun = await cli(
      replay,
      'start',
      '--since',
      '2026-03-01T12:00:00Z',
      '--until',
      '2026-03-01T13:00:00Z',
      '--dry-run',
    );
    expect(dryRun.stdout).toMatch(/3\s+would be replayed/);
    expect(await queueDepth(stack.outputs.ReplayQueueUrl as string)).toBe(replayQueueDepth);
    for (const order of failed) expect(await storedItem(order.id)).toBeUndefined();

    // The replay of the window.
    await cli(replay, 'start', '--since', '2026-03-01T12:00:00Z', '--until', '2026-03-01T13:00:00Z');
    const status = await eventually(
      async () => {
        const { stdout } = await cli(replay, 'status', '--json');
        const report = JSON.parse(stdout) as {
          verdict: { code: string };
          replay: { forwarded: number; skipped: number };
        };
        return report.verdict.code === 'drained' ? report : undefined;
      },
      60_000,
      'the replay queue to drain',
    );
    expect(status.replay.forwarded).toBe(inWindow.length);
    expect(status.replay.skipped).toBe(outsideWindow.length);
    expect(await queueDepth(stack.outputs.ReplayQueueUrl as string)).toBe(0);
    for (const order of inWindow)
      await eventually(() => storedItem(order.id), 20_000, `order ${order.id} stored`);
    for (const order of inWindow) await expectStoredExactlyOnce(order);
    for (const order of outsideWindow) expect(await storedItem(order.id)).toBeUndefined();
    await cli(replay, 'stop');

    // The dead-letter queue goes back to its source: the in-window orders stay as they are, the others
    // are stored now, all exactly once.
    await cli(redrive, 'CheckoutDeadLetterQueueUrl');
    for (const order of outsideWindow)
      await eventually(() => storedItem(order.id), 20_000, `order ${order.id} stored`);
    for (const order of failed) await expectStoredExactlyOnce(order);
    await eventually(
      async () =>
        (await queueDepth(stack.outputs.CheckoutDeadLetterQueueUrl as string)) === 0 ? true : undefined,
      20_000,
      'an empty checkout dead-letter queue',
    );
  });

  it('repairs the items a corrupting outage stored, when their window is replayed', async () => {
    await cli(fault, 'corrupt');
    await waitForTheSwitch();
    const order = await post(anOrderInput({ date: '2026-04-01T08:00:00Z' }));
    const damaged = await eventually(() => storedItem(order.id), 20_000, 'the damaged item');
    expect(damaged.items).toEqual([]);

    await cli(fault, 'off');
    await waitForTheSwitch();
    await cli(replay, 'start', '--since', '2026-04-01T07:00:00Z', '--until', '2026-04-01T09:00:00Z');
    await eventually(
      async () => ((await storedItem(order.id))?.items.length > 0 ? true : undefined),
      60_000,
      'the repaired item',
    );
    await cli(replay, 'stop');

    await expectStoredExactlyOnce(order);
  });
});
