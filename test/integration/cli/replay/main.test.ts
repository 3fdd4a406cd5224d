import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { run } from '../../../../cli/replay/main';
import { LOCAL_REGION } from '../../../../local/aws-config';
import { SqsEventSource } from '../../../../local/event-sources/sqs-event-source';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { DynamoDbReplayStateStore } from '../../../../src/adapters/dynamodb-replay-state';
import { replayDecision } from '../../../../src/domain/replay';
import { runCli } from '../../../helpers/cli';
import { recordingLog, waitFor } from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const NOW = new Date('2026-11-21T18:00:00Z');
const WINDOW = ['--since', '2026-11-21T10:00:00Z', '--until', '2026-11-21T12:00:00+00:00'];
const MAPPING_UUID = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const FUNCTION_NAME = 'local-ReplayFunction';

const order = (id: string, date?: string) => JSON.stringify({ id, ...(date ? { date } : {}) });
/** Three orders inside the window (one given with an offset), two outside, one without a time. */
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

describe('the replay CLI against moto and the local Lambda API', () => {
  const moto = useMotoServer();
  let dir: string;
  let sqs: SQSClient;
  let lambda: LambdaClient;
  let replays: DynamoDbReplayStateStore;
  let source: SqsEventSource;
  let lambdaApi: LambdaApiServer;
  let queueUrl: string;
  const delivered: string[] = [];

  const runReplay = (...argv: string[]) =>
    runCli(run, [...argv, '--outputs', 'outputs.json'], { now: () => NOW, cwd: dir, env: {} });
  const mappingState = async () =>
    (await lambda.send(new GetEventSourceMappingCommand({ UUID: MAPPING_UUID }))).State;
  const depth = async () => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      waiting: Number(Attributes.ApproximateNumberOfMessages),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    };
  };

  /**
   * Stands in for ReplayFunction: counts each batch as the function does (replayDecision against the
   * running replay's window), records what it would forward, and succeeds so that the batch is deleted.
   */
  const replayFunction = async (event: SQSEvent) => {
    const replay = await replays.current();
    if (replay?.status !== 'running') {
      return {
        ok: true as const,
        result: { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) },
      };
    }
    const window = { since: new Date(replay.since), until: new Date(replay.until) };
    const counts = { forwarded: 0, skipped: 0 };
    for (const record of event.Records) {
      if (replayDecision(record.body, window) === 'replay') {
        counts.forwarded += 1;
        delivered.push(record.body);
      } else counts.skipped += 1;
    }
    await replays.addCounts(replay.replayId, counts);
    return { ok: true as const, result: { batchItemFailures: [] } };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
    const config = moto.clientConfig();
    sqs = new SQSClient(config);
    const dynamodb = new DynamoDBClient(config);
    const deadLetter = await sqs.send(new CreateQueueCommand({ QueueName: 'local-ReplayDeadLetterQueue' }));
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'local-ReplayQueue',
        Attributes: {
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: `arn:aws:sqs:${LOCAL_REGION}:123456789012:local-ReplayDeadLetterQueue`,
            maxReceiveCount: 10,
          }),
        },
      }),
    );
    queueUrl = queue.QueueUrl as string;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'local-ReplayStateTable',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'replay', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'replay', KeyType: 'HASH' }],
      }),
    );
    replays = new DynamoDbReplayStateStore(dynamodb, 'local-ReplayStateTable');
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ORDERS.map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          MessageAttributes: ATTRIBUTES,
        })),
      }),
    );

    source = new SqsEventSource(
      {
        mapping: {
          uuid: MAPPING_UUID,
          functionArn: `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:${FUNCTION_NAME}`,
        },
        label: 'EventReplayPipeline/ReplayFunction',
        target: FUNCTION_NAME,
        queueUrl,
        queueArn: `arn:aws:sqs:${LOCAL_REGION}:123456789012:local-ReplayQueue`,
        region: LOCAL_REGION,
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: true,
        enabled: false,
        retryDelaySeconds: 1,
        quiet: true,
      },
      sqs,
      replayFunction,
      recordingLog(),
    );
    await source.start();
    lambdaApi = new LambdaApiServer([source], recordingLog());
    const lambdaEndpoint = await lambdaApi.listen('127.0.0.1', 0);
    lambda = new LambdaClient({ ...config, endpoint: lambdaEndpoint });
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
    await source?.stop();
    await lambdaApi?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // The tests run in order: a dry run, a replay started, refused twice, drained, then stopped.

  it('says that no replay has been started, before the first one', async () => {
    const { code, stdout } = await runReplay('status');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Replay +none started yet$/m);
    expect(stdout).toMatch(
      new RegExp(`^Event source +${MAPPING_UUID} \\(${FUNCTION_NAME}\\): Disabled$`, 'm'),
    );
    expect(stdout).toMatch(/^Replay queue +6 waiting, 0 in flight {2}local-ReplayQueue$/m);
    expect(stdout).toContain('no replay has been started; start one with npm run replay -- start');
  });

  it('counts in a dry run what would be replayed, is outside the window or has no time, and changes nothing', async () => {
    const { code, stdout, stderr } = await runReplay('start', ...WINDOW, '--dry-run');

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('Read 6 messages of the replay queue local-ReplayQueue:');
    expect(stdout).toMatch(/^ +3 {2}would be replayed/m);
    expect(stdout).toMatch(/^ +2 {2}are outside the window/m);
    expect(stdout).toMatch(/^ +1 {2}have no order time/m);
    expect(stdout).toContain('its receive count went up by one');
    expect(await depth()).toEqual({ waiting: 6, inFlight: 0 });
    expect(await mappingState()).toBe('Disabled');
    expect(await replays.current()).toBeUndefined();
  });

  it('leaves the messages visible again at once after a dry run, with their attributes', async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    expect(Messages.map((message) => message.Body).sort()).toEqual([...ORDERS].sort());
    expect(Messages[0]?.MessageAttributes).toMatchObject(ATTRIBUTES);
  });

  it('starts a replay: writes the window as ISO instants and enables the event source mapping', async () => {
    const { code, stdout, stderr } = await runReplay('start', ...WINDOW);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const replay = await replays.current();
    expect(replay).toMatchObject({
      status: 'running',
      since: '2026-11-21T10:00:00.000Z',
      until: '2026-11-21T12:00:00.000Z',
      startedAt: NOW.toISOString(),
      forwarded: expect.any(Number),
      skipped: expect.any(Number),
    });
    expect(replay?.replayId).toMatch(/^[0-9a-f-]{36}$/);
    expect(stdout).toContain(
      `Replay ${replay?.replayId} started for the orders from 2026-11-21T10:00:00.000Z (inclusive) to 2026-11-21T12:00:00.000Z (exclusive).`,
    );
    expect(stdout).toContain(
      `The event source mapping ${MAPPING_UUID} of ${FUNCTION_NAME} is Enabled (it was Disabled)`,
    );
    expect(stdout).toContain('Follow it:  npm run replay -- status --outputs outputs.json');
    expect(await mappingState()).toBe('Enabled');
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

  it('reports the drained replay queue with the forwarded and skipped counts', async () => {
    await waitFor('the replay queue to be drained', async () => {
      const { waiting, inFlight } = await depth();
      const replay = await replays.current();
      return waiting + inFlight === 0 && (replay?.forwarded ?? 0) + (replay?.skipped ?? 0) === 6;
    });
    expect(delivered.map((body) => JSON.parse(body).id).sort()).toEqual(['in-1', 'in-2', 'in-3']);

    const { code, stdout } = await runReplay('status');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Replay +[0-9a-f-]{36} {2}running$/m);
    expect(stdout).toMatch(/^Counts +3 forwarded, 3 skipped$/m);
    expect(stdout).toMatch(/^Replay queue +0 waiting, 0 in flight/m);
    expect(stdout).toMatch(/^Dead letters +0 waiting, 0 in flight {2}local-ReplayDeadLetterQueue$/m);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      'replay queue drained: 3 forwarded, 3 skipped; stop the replay with npm run replay -- stop --outputs outputs.json',
    );
  });

  it('gives the same status as one JSON object with --json', async () => {
    const { code, stdout } = await runReplay('status', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      replay: expect.objectContaining({
        status: 'running',
        since: '2026-11-21T10:00:00.000Z',
        until: '2026-11-21T12:00:00.000Z',
        startedAt: NOW.toISOString(),
        stoppedAt: null,
        forwarded: 3,
        skipped: 3,
      }),
      eventSourceMapping: { uuid: MAPPING_UUID, state: 'Enabled', functionName: FUNCTION_NAME },
      replayQueue: { name: 'local-ReplayQueue', url: queueUrl, waiting: 0, inFlight: 0 },
      deadLetterQueue: expect.objectContaining({
        name: 'local-ReplayDeadLetterQueue',
        waiting: 0,
        inFlight: 0,
      }),
      verdict: {
        code: 'drained',
        text: expect.stringMatching(/^replay queue drained: 3 forwarded, 3 skipped/),
      },
    });
  });

  it('stops the replay: disables the event source mapping and marks the replay stopped', async () => {
    const { code, stdout, stderr } = await runReplay('stop');

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(await mappingState()).toBe('Disabled');
    const replay = await replays.current();
    expect(replay).toMatchObject({
      status: 'stopped',
      stoppedAt: NOW.toISOString(),
      forwarded: 3,
      skipped: 3,
    });
    expect(stdout).toContain(`Replay ${replay?.replayId} stopped: 3 forwarded, 3 skipped.`);
    expect(stdout).toContain(`The event source mapping ${MAPPING_UUID} is Disabled (it was Enabled)`);

    const status = await runReplay('status');
    expect(status.stdout.trimEnd().split('\n').at(-1)).toBe(
      `replay ${replay?.replayId} stopped at ${NOW.toISOString()}: 3 forwarded, 3 skipped`,
    );
  });

  it('says so, and succeeds, when asked to stop with no replay running', async () => {
    const { code, stdout } = await runReplay('stop');
    expect(code).toBe(0);
    expect(stdout).toBe(
      `No replay is running and the event source mapping ${MAPPING_UUID} is already Disabled: nothing to stop.\n`,
    );
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
