import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { run } from '../../../../cli/replay/main';
import { LOCAL_REGION } from '../../../../local/aws-config';
import { SqsEventSource } from '../../../../local/event-sources/sqs-event-source';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { DynamoDbReplayStateStore, type ReplayState } from '../../../../src/adapters/dynamodb-replay-state';
import { aLambdaContext } from '../../../factories/lambda-context';
import { runCli } from '../../../helpers/cli';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';
import { recordingLog, waitFor } from '../../../helpers/local-runtime';
import { QUIET_POWERTOOLS, useMotoServer } from '../../../helpers/moto';

type Handler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;

const WINDOW = ['--since', '2026-11-21T10:00:00Z', '--until', '2026-11-21T12:00:00+00:00'];
const MAPPING_UUID = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const FUNCTION_NAME = 'local-ReplayFunction';
const ACCOUNT = '123456789012';

const order = (id: string, date?: string) => JSON.stringify({ id, ...(date ? { date } : {}) });
/** Three orders inside the window (one given with an offset), one before it, one at its end, one without a time. */
const ORDERS = [
  order('in-1', '2026-11-21T10:00:00Z'),
  order('in-2', '2026-11-21T11:59:59.999Z'),
  order('in-3', '2026-11-21T12:30:00+01:00'),
  order('before', '2026-11-21T09:59:59Z'),
  order('at-until', '2026-11-21T12:00:00Z'),
  order('no-time'),
];
const ATTRIBUTES: Record<string, MessageAttributeValue> = {
  amount: { DataType: 'Number', StringValue: '159.97' },
  currency: { DataType: 'String', StringValue: 'EUR' },
};

const idOf = (message: Message) => (JSON.parse(message.Body ?? '{}') as { id?: string }).id;

/**
 * The replay CLI against moto, the local Lambda API and the replay function itself (hosted in-process,
 * fed by the local SQS event source as the local stack does): a replay that completes by itself, and a
 * paced one.
 */
describe('the replay CLI against moto, the local Lambda API and the replay function', () => {
  const moto = useMotoServer();
  let dir: string;
  let sqs: SQSClient;
  let lambda: LambdaClient;
  let replays: DynamoDbReplayStateStore;
  let source: SqsEventSource;
  let lambdaApi: LambdaApiServer;
  let queueUrl: string;
  let destinationUrl: string;
  let restoreEnvironment = () => {};
  /** Holds the batches of the first replay, so that it is seen running; released by its test. */
  let release: () => void = () => {};
  const held: Promise<void> = new Promise((resolveHold) => {
    release = resolveHold;
  });

  const runReplay = (...argv: string[]) =>
    runCli(run, [...argv, '--outputs', 'outputs.json'], { cwd: dir, env: {} });
  const statusJson = async () => JSON.parse((await runReplay('status', '--json')).stdout);
  const mapping = () => lambda.send(new GetEventSourceMappingCommand({ UUID: MAPPING_UUID }));
  const counts = async () => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      waiting: Number(Attributes.ApproximateNumberOfMessages),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
    };
  };
  const send = (queue: string, bodies: string[]) =>
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue,
        Entries: bodies.map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          MessageAttributes: ATTRIBUTES,
        })),
      }),
    );
  /** Everything the checkout queue (the destination) holds, taken off it. */
  const drainDestination = async (): Promise<Message[]> => {
    const messages: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: destinationUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      if (Messages.length === 0) return messages;
      messages.push(...Messages);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: destinationUrl,
          Entries: Messages.map(({ ReceiptHandle }, index) => ({ Id: String(index), ReceiptHandle })),
        }),
      );
    }
  };
  const waitForTheEnd = (timeoutMs = 30_000) =>
    waitFor(
      'the replay to complete by itself',
      async () => {
        const replay = await replays.current();
        return replay?.status === 'completed' && replay;
      },
      { timeoutMs, intervalMs: 200 },
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
    const config = moto.clientConfig();
    sqs = new SQSClient(config);
    const dynamodb = new DynamoDBClient(config);
    const deadLetter = await sqs.send(new CreateQueueCommand({ QueueName: 'local-ReplayDeadLetterQueue' }));
    queueUrl = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: 'local-ReplayQueue',
          Attributes: {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: `arn:aws:sqs:${LOCAL_REGION}:${ACCOUNT}:local-ReplayDeadLetterQueue`,
              maxReceiveCount: 10,
            }),
          },
        }),
      )
    ).QueueUrl as string;
    destinationUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'local-CheckoutQueue' })))
      .QueueUrl as string;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'local-ReplayStateTable',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'replay', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'replay', KeyType: 'HASH' }],
      }),
    );
    replays = new DynamoDbReplayStateStore(dynamodb, 'local-ReplayStateTable');
    await send(queueUrl, ORDERS);

    let handler: Handler | undefined;
    source = new SqsEventSource(
      {
        mapping: {
          uuid: MAPPING_UUID,
          functionArn: `arn:aws:lambda:${LOCAL_REGION}:${ACCOUNT}:function:${FUNCTION_NAME}`,
        },
        label: 'EventReplayPipeline/ReplayFunction',
        target: FUNCTION_NAME,
        queueUrl,
        queueArn: `arn:aws:sqs:${LOCAL_REGION}:${ACCOUNT}:local-ReplayQueue`,
        region: LOCAL_REGION,
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: true,
        enabled: false,
        maximumConcurrency: 5,
        retryDelaySeconds: 1,
        quiet: true,
      },
      sqs,
      async (event) => {
        await held;
        try {
          return { ok: true, result: await (handler as Handler)(event, aLambdaContext(FUNCTION_NAME)) };
        } catch (error) {
          const { name, message } = error as Error;
          return { ok: false, error: { errorType: name, errorMessage: message } };
        }
      },
      recordingLog(),
    );
    lambdaApi = new LambdaApiServer([source], recordingLog());
    const lambdaEndpoint = await lambdaApi.listen('127.0.0.1', 0);
    lambda = new LambdaClient({ ...config, endpoint: lambdaEndpoint });
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      ...moto.environment(),
      ...QUIET_POWERTOOLS,
      // The replay function reaches the local Lambda API as it does in the local stack.
      AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint,
      POWERTOOLS_SERVICE_NAME: 'replay',
      DESTINATION_QUEUE_ARN: `arn:aws:sqs:${LOCAL_REGION}:${ACCOUNT}:local-CheckoutQueue`,
      REPLAY_STATE_TABLE_NAME: 'local-ReplayStateTable',
      REPLAY_QUEUE_URL: queueUrl,
    });
    ({ handler } = (await import('../../../../src/functions/replay')) as unknown as { handler: Handler });
    await source.start();
    writeFileSync(
      join(dir, 'outputs.json'),
      JSON.stringify({
        AwsEndpointUrl: moto.server.endpoint,
        LambdaEndpointUrl: lambdaEndpoint,
        Region: LOCAL_REGION,
        ReplayQueueUrl: queueUrl,
        ReplayDeadLetterQueueUrl: deadLetter.QueueUrl,
        ReplayEventSourceMappingId: MAPPING_UUID,
        ReplayFunctionName: FUNCTION_NAME,
        ReplayStateTableName: 'local-ReplayStateTable',
      }),
    );
  });

  afterAll(async () => {
    release();
    await source?.stop();
    await lambdaApi?.close();
    restoreEnvironment();
    rmSync(dir, { recursive: true, force: true });
  });

  // The tests run in order: a dry run, a replay started, refused twice, completed by itself, then a paced one.

  it('says that no replay has been started, before the first one', async () => {
    const { code, stdout } = await runReplay('status');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Replay +none started yet$/m);
    expect(stdout).toMatch(
      new RegExp(
        `^Event source +${MAPPING_UUID} \\(${FUNCTION_NAME}\\): Disabled, batch size 10, maximum concurrency 5$`,
        'm',
      ),
    );
    expect(stdout).toMatch(/^Replay queue +6 waiting, 0 in flight {2}local-ReplayQueue$/m);
    expect(stdout).toContain('no replay has been started; start one with npm run replay -- start');
  });

  it('counts in a dry run what would be replayed, removed or kept, and changes nothing', async () => {
    const { code, stdout, stderr } = await runReplay('start', ...WINDOW, '--dry-run', '--rate', '2');

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('Read 6 messages of the replay queue local-ReplayQueue:');
    expect(stdout).toMatch(/^ +3 {2}would be replayed/m);
    expect(stdout).toMatch(/^ +1 {2}are before the window/m);
    expect(stdout).toMatch(/^ +1 {2}are at or after the window's end/m);
    expect(stdout).toMatch(/^ +1 {2}have no order time/m);
    expect(stdout).toContain('At 2 orders/s, forwarding them would take about 2 s.');
    expect(await counts()).toEqual({ waiting: 6, inFlight: 0, delayed: 0 });
    expect((await mapping()).State).toBe('Disabled');
    expect(await replays.current()).toBeUndefined();
  });

  it('starts a replay: writes the window as ISO instants and the mapping, and enables the event source mapping', async () => {
    const startedAfter = Date.now();
    const { code, stdout, stderr } = await runReplay('start', ...WINDOW);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const replay = (await replays.current()) as ReplayState;
    expect(replay).toMatchObject({
      status: 'running',
      since: '2026-11-21T10:00:00.000Z',
      until: '2026-11-21T12:00:00.000Z',
      mappingUuid: MAPPING_UUID,
      forwarded: 0,
      skipped: 0,
      kept: 0,
    });
    expect(Date.parse(replay.startedAt)).toBeGreaterThanOrEqual(startedAfter - 1000);
    expect(replay).not.toHaveProperty('rate');
    expect(replay.replayId).toMatch(/^[0-9a-f-]{36}$/);
    expect(stdout).toContain(
      `Replay ${replay.replayId} started for the orders from 2026-11-21T10:00:00.000Z (inclusive) to 2026-11-21T12:00:00.000Z (exclusive).`,
    );
    expect(stdout).toContain(
      `The event source mapping ${MAPPING_UUID} of ${FUNCTION_NAME} is Enabled (it was Disabled)`,
    );
    expect(stdout).toContain(
      'It completes by itself once the replay queue holds nothing of its window any more',
    );
    expect(stdout).toContain('Follow it:  npm run replay -- status --outputs outputs.json --watch');
    expect((await mapping()).State).toBe('Enabled');
  });

  it('refuses a second start while the replay runs, saying how to stop it', async () => {
    const before = await replays.current();
    const { code, stderr } = await runReplay('start', '--since', '2026-11-21T00:00Z');

    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^replay: replay ${before?.replayId} is already running .*stop it first with npm run replay -- stop --outputs outputs.json`,
      ),
    );
    expect((await replays.current())?.replayId).toBe(before?.replayId);
  });

  it('refuses a dry run while the event source mapping is enabled', async () => {
    const { code, stderr } = await runReplay('start', ...WINDOW, '--dry-run');
    expect(code).toBe(1);
    expect(stderr).toContain(
      `the replay event source mapping ${MAPPING_UUID} is Enabled: a dry run would race`,
    );
  });

  it('completes by itself once the replay queue holds nothing of its window: counts final, mapping disabled', async () => {
    release();
    const replay = await waitForTheEnd();

    expect(replay).toMatchObject({ forwarded: 3, skipped: 2, kept: 1 });
    expect((await mapping()).State).toBe('Disabled');
    const forwarded = await drainDestination();
    expect(forwarded.map(idOf).sort()).toEqual(['in-1', 'in-2', 'in-3']);
    expect(forwarded.map((message) => message.MessageAttributes?.replayId?.StringValue)).toEqual(
      Array(3).fill(replay.replayId),
    );
    expect(forwarded[0]?.MessageAttributes).toMatchObject(ATTRIBUTES);
  });

  it('keeps the order at the end of the window in the replay queue, out of sight for a while, for later replays', async () => {
    expect(await counts()).toEqual({ waiting: 0, inFlight: 0, delayed: 1 });
  });

  it('reports the completed replay with its final counts', async () => {
    const replay = (await replays.current()) as ReplayState;
    const { code, stdout } = await runReplay('status');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Replay +[0-9a-f-]{36} {2}completed$/m);
    expect(stdout).toMatch(/^Completed +\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
    expect(stdout).toMatch(/^Counts +3 forwarded, 2 skipped, 1 kept for later replays$/m);
    expect(stdout).toMatch(/^Replay queue +0 waiting, 0 in flight, 1 delayed {2}local-ReplayQueue$/m);
    expect(stdout).not.toMatch(/^Remaining /m);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      `replay ${replay.replayId} completed at ${replay.completedAt}: 3 forwarded, 2 skipped, 1 kept (kept: left in the replay queue for later replays)`,
    );

    expect(await statusJson()).toEqual({
      replay: expect.objectContaining({
        status: 'completed',
        completedAt: replay.completedAt,
        forwarded: 3,
        skipped: 2,
        kept: 1,
        rate: null,
      }),
      progress: null,
      eventSourceMapping: {
        uuid: MAPPING_UUID,
        state: 'Disabled',
        functionName: FUNCTION_NAME,
        batchSize: 10,
        maximumConcurrency: 5,
      },
      replayQueue: { name: 'local-ReplayQueue', url: queueUrl, waiting: 0, inFlight: 0, delayed: 1 },
      deadLetterQueue: expect.objectContaining({ name: 'local-ReplayDeadLetterQueue', waiting: 0 }),
      verdict: { code: 'completed', text: expect.stringMatching(/^replay .* completed at /) },
    });
  });

  it('needs no stop once the replay has completed', async () => {
    const { code, stdout } = await runReplay('stop');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^No replay is running \\(replay [0-9a-f-]{36} completed\\) and the event source mapping ${MAPPING_UUID} is already Disabled: nothing to stop\\.\n$`,
      ),
    );
  });

  it('keeps to --rate, keeps the orders published meanwhile, completes by itself and gives the mapping its settings back', async () => {
    const inWindow = Array.from({ length: 8 }, (_, index) =>
      order(`paced-${index}`, `2026-11-22T10:0${index}:00Z`),
    );
    await send(queueUrl, inWindow);

    const { code, stdout, stderr } = await runReplay(
      'start',
      '--since',
      '2026-11-22T10:00Z',
      '--until',
      '2026-11-22T11:00Z',
      '--rate',
      '4',
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(
      `Paced at 4 orders/s: the event source mapping ${MAPPING_UUID} takes batches of 4 messages with at most 2 at once (it had batch size 10 and maximum concurrency 5: they come back when the replay ends)`,
    );
    expect(await mapping()).toMatchObject({
      State: 'Enabled',
      BatchSize: 4,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    // Published while the replay runs, outside its window (one of them earlier than it): kept, not lost.
    await send(queueUrl, [
      order('published-1', '2026-11-20T08:00:00Z'),
      order('published-2', '2026-11-23T08:00:00Z'),
    ]);
    const running = await statusJson();
    expect(running.replay).toMatchObject({ status: 'running', rate: 4 });
    expect(running.progress).toEqual(expect.objectContaining({ remaining: expect.any(Number) }));

    // The copy the first replay kept comes back after its delay: it is before this window, so it goes.
    const replay = await waitForTheEnd(40_000);

    expect(replay).toMatchObject({ forwarded: 8, skipped: 1, kept: 2 });
    expect(await mapping()).toMatchObject({
      State: 'Disabled',
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const sentAt = (await drainDestination())
      .map((message) => Number(message.Attributes?.SentTimestamp))
      .sort((a, b) => a - b);
    expect(sentAt).toHaveLength(8);
    // 8 orders at 4/s: 7 intervals of 250 ms, within 20 %.
    const rate = 7 / (((sentAt.at(-1) as number) - (sentAt[0] as number)) / 1000);
    expect(rate).toBeGreaterThanOrEqual(4 * 0.8);
    expect(rate).toBeLessThanOrEqual(4 * 1.2);
    // The kept copies come back into sight after their delay, marked as kept by this replay.
    const kept = await waitFor(
      'the kept orders to be visible again',
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
            MessageAttributeNames: ['All'],
          }),
        );
        const orders = Messages.filter((message) => idOf(message) !== undefined);
        return orders.length === 2 && orders;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(kept.map(idOf).sort()).toEqual(['published-1', 'published-2']);
    expect(kept.map((message) => message.MessageAttributes?.keptByReplay?.StringValue)).toEqual([
      replay.replayId,
      replay.replayId,
    ]);
  });

  it('says so, and succeeds, when asked to stop with no replay running', async () => {
    const { code, stdout } = await runReplay('stop');
    expect(code).toBe(0);
    expect(stdout).toMatch(/is already Disabled: nothing to stop\.\n$/);
  });

  it('says where the local Lambda API should be when it cannot be reached', async () => {
    writeFileSync(
      join(dir, 'unreachable.json'),
      JSON.stringify({
        AwsEndpointUrl: moto.server.endpoint,
        LambdaEndpointUrl: 'http://127.0.0.1:9',
        Region: LOCAL_REGION,
        ReplayQueueUrl: queueUrl,
        ReplayEventSourceMappingId: MAPPING_UUID,
        ReplayStateTableName: 'local-ReplayStateTable',
      }),
    );
    const stderr: string[] = [];
    const code = await run(['status', '--outputs', 'unreachable.json'], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => stderr.push(text) },
      cwd: dir,
      env: {},
    });
    expect(code).toBe(1);
    expect(stderr.join('')).toMatch(
      /^replay: cannot reach the local stack at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\): is it running\? Start it with npm start\n$/,
    );
  });
});
