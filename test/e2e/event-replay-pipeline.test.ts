import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { run as fault } from '../../cli/fault/main';
import { run as replay } from '../../cli/replay/main';
import type { CliRun } from '../../cli/shared/io';
import { localClientConfig } from '../../local/aws-config';
import { storedOrderChecksum, toOrderEvent } from '../../src/domain/order';
import { anOrderInput, type OrderRequestWithId } from '../factories/order';
import { messagesIn } from '../helpers/queues';
import { checkoutTable, postAccepted } from './checkout-table';
import { type LocalStackProcess, startLocalStackProcess } from './local-stack-process';
import { PartnerClient } from './partner-client';
import { eventually } from './stack-outputs';

/**
 * The outage runbook of the README ("what is left for a person"), rehearsed on a local stack of this file's
 * own (the fault switch would disturb the other end-to-end files): an outage stores wrong items, the outage
 * ends, a replay of its window repairs every order of the window in CheckoutTable, exactly once, and
 * completes by itself; a paced replay keeps to its rate.
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

  const post = (order: ReturnType<typeof anOrderInput>) => postAccepted(stack.outputs, order);
  const table = () => checkoutTable(documents, stack.outputs.CheckoutTableName as string);
  const storedItem = (orderId: string) => table().item(orderId);

  const queueDepth = (queueUrl: string) => messagesIn(sqs, queueUrl);

  /** `npm run replay -- status --json`. */
  const replayStatus = async () =>
    JSON.parse((await cli(replay, 'status', '--json')).stdout) as {
      verdict: { code: string };
      replay: { status: string; forwarded: number; skipped: number; kept: number };
      eventSourceMapping: { state: string; batchSize: number; maximumConcurrency: number };
      replayQueue: { waiting: number; inFlight: number; delayed: number };
    };

  /** The fault switch is cached 5 s by the checkout function. */
  const waitForTheSwitch = () => new Promise((resolveWait) => setTimeout(resolveWait, 6000));

  const expectStoredExactlyOnce = async (order: OrderRequestWithId) => {
    const stored = toOrderEvent(order, order.id, new PartnerClient(stack.outputs).partner);
    expect(await storedItem(order.id)).toEqual({
      orderId: order.id,
      ...stored,
      checksum: storedOrderChecksum(stored),
    });
    expect(await table().itemsWithId(order.id)).toHaveLength(1);
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

  it('repairs every order of a corrupting outage’s window exactly once, leaves the others alone, and completes by itself', async () => {
    // An outage that stores wrong items: no error, so the circuit breaker does not see it.
    await cli(fault, 'corrupt');
    await waitForTheSwitch();
    const inWindow = [
      await post(anOrderInput({ date: '2026-03-01T12:00:00Z' })),
      await post(anOrderInput({ date: '2026-03-01T13:30:00+01:00' })),
      await post(anOrderInput({ date: '2026-03-01T12:59:59.999Z' })),
    ];
    const atTheEnd = await post(anOrderInput({ date: '2026-03-01T13:00:00Z' }));
    const before = await post(anOrderInput({ date: '2026-03-01T11:59:59Z' }));
    const outsideWindow = [atTheEnd, before];
    for (const order of [...inWindow, ...outsideWindow]) {
      const damaged = await eventually(() => storedItem(order.id), 20_000, `the damaged item ${order.id}`);
      expect(damaged.items).toEqual([]);
    }

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
    expect(dryRun.stdout).toMatch(/1\s+are before the window/);
    expect(dryRun.stdout).toMatch(/1\s+are at or after the window's end/);
    expect(await queueDepth(stack.outputs.ReplayQueueUrl as string)).toBe(replayQueueDepth);

    // The replay of the window: it completes by itself.
    await cli(replay, 'start', '--since', '2026-03-01T12:00:00Z', '--until', '2026-03-01T13:00:00Z');
    const status = await eventually(
      async () => {
        const report = await replayStatus();
        return report.verdict.code === 'completed' ? report : undefined;
      },
      60_000,
      'the replay to complete by itself',
    );
    expect(status.replay).toMatchObject({ forwarded: inWindow.length, skipped: 1, kept: 1 });
    expect(status.eventSourceMapping.state).toBe('Disabled');
    for (const order of inWindow) {
      await eventually(
        async () => ((await storedItem(order.id))?.items.length > 0 ? true : undefined),
        20_000,
        `order ${order.id} repaired`,
      );
      await expectStoredExactlyOnce(order);
    }
    for (const order of outsideWindow) expect((await storedItem(order.id))?.items).toEqual([]);
    // Nothing to stop: it has completed.
    expect((await cli(replay, 'stop')).stdout).toMatch(/^No replay is running \(replay .* completed\)/);
  });

  it('keeps to --rate within 20 %, completes by itself, and keeps the orders published meanwhile', async () => {
    const RATE = 5;
    const COUNT = 60;
    const before = await replayStatus();
    const { batchSize, maximumConcurrency } = before.eventSourceMapping;
    const inWindow: OrderRequestWithId[] = [];
    for (let index = 0; index < COUNT; index += 1) {
      const second = String(index).padStart(2, '0');
      inWindow.push(await post(anOrderInput({ date: `2026-05-01T10:00:${second}Z` })));
    }
    const settled = await queueDepth(stack.outputs.ReplayQueueUrl as string);
    expect(settled).toBeGreaterThanOrEqual(COUNT);

    await cli(
      replay,
      'start',
      '--since',
      '2026-05-01T10:00:00Z',
      '--until',
      '2026-05-01T11:00:00Z',
      '--rate',
      String(RATE),
    );
    const started = await replayStatus();
    expect(started.eventSourceMapping).toMatchObject({ batchSize: 5, maximumConcurrency: 2 });
    // Published while the replay runs, dated before its window: no longer lost for later replays.
    const publishedMeanwhile = [
      await post(anOrderInput({ date: '2026-04-15T00:00:01Z' })),
      await post(anOrderInput({ date: '2026-04-15T00:00:02Z' })),
      await post(anOrderInput({ date: '2026-04-15T00:00:03Z' })),
    ];

    // The forwarded count over time, as an operator sees it with `status --watch`.
    const seen: { at: number; forwarded: number }[] = [];
    const done = await eventually(
      async () => {
        const report = await replayStatus();
        seen.push({ at: Date.now(), forwarded: report.replay.forwarded });
        return report.replay.status === 'completed' ? report : undefined;
      },
      120_000,
      'the paced replay to complete by itself',
    );

    const first = seen.find(({ forwarded }) => forwarded > 0) as { at: number; forwarded: number };
    const last = seen.find(({ forwarded }) => forwarded === COUNT) as { at: number; forwarded: number };
    const achieved = (last.forwarded - first.forwarded) / ((last.at - first.at) / 1000);
    process.stdout.write(`paced replay: asked ${RATE} orders/s, achieved ${achieved.toFixed(2)} orders/s\n`);
    expect(achieved).toBeGreaterThanOrEqual(RATE * 0.8);
    expect(achieved).toBeLessThanOrEqual(RATE * 1.2);

    // Completed by itself: the mapping is disabled with its settings back, and the counts are final.
    expect(done.replay).toMatchObject({ forwarded: COUNT, kept: publishedMeanwhile.length });
    expect(done.eventSourceMapping).toMatchObject({ state: 'Disabled', batchSize, maximumConcurrency });
    await new Promise((resolveWait) => setTimeout(resolveWait, 3000));
    expect((await replayStatus()).replay).toEqual(done.replay);

    // The orders published meanwhile are in the replay queue, for a later replay, once their delay is over.
    await eventually(
      async () => ((await replayStatus()).replayQueue.delayed === 0 ? true : undefined),
      120_000,
      'the kept copies to be visible again',
    );
    const dryRun = await cli(
      replay,
      'start',
      '--since',
      '2026-04-15T00:00:00Z',
      '--until',
      '2026-04-15T01:00:00Z',
      '--dry-run',
    );
    expect(dryRun.stdout).toMatch(new RegExp(`${publishedMeanwhile.length}\\s+would be replayed`));
    const again = await cli(
      replay,
      'start',
      '--since',
      '2026-05-01T10:00:00Z',
      '--until',
      '2026-05-01T11:00:00Z',
      '--dry-run',
    );
    expect(again.stdout).toMatch(/\b0\s+would be replayed/);
  });
});
