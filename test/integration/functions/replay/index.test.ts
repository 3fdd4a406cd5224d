import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from '../../../../local/aws-config';
import { SqsEventSource } from '../../../../local/event-sources/sqs-event-source';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import {
  DynamoDbReplayStateStore,
  type NewReplay,
  type ReplayState,
  ReplaySupersededError,
} from '../../../../src/adapters/dynamodb-replay-state';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrder } from '../../../factories/order';
import { aReplayQueueRecord } from '../../../factories/replay';
import { anOrderRecord, anSqsEvent, anSqsRecord } from '../../../factories/sqs';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';
import { recordingLog } from '../../../helpers/local-runtime';
import { QUIET_POWERTOOLS, useMotoServer } from '../../../helpers/moto';

type Handler = (event: SQSEvent, context: unknown) => Promise<SQSBatchResponse>;

const MODULE = '../../../../src/functions/replay';
const STATE_TABLE = 'event-replay-state';
const DESTINATION_QUEUE = 'checkout-queue';
const REPLAY_QUEUE = 'replay-queue';
const MAPPING_UUID = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';

/** The window of 2026-11-21 from 10:00 to 11:00 UTC. */
const WINDOW = { since: '2026-11-21T10:00:00.000Z', until: '2026-11-21T11:00:00.000Z' };

let replaySequence = 0;
const aReplayId = () => `replay-it-${++replaySequence}`;

const anOrderRecordAt = (date: string) => anOrderRecord(anOrder({ date }));

const attributesOf = (record: SQSRecord, replayId: string) => ({
  amount: { DataType: 'Number', StringValue: record.messageAttributes.amount?.stringValue },
  currency: { DataType: 'String', StringValue: record.messageAttributes.currency?.stringValue },
  customerId: { DataType: 'String', StringValue: record.messageAttributes.customerId?.stringValue },
  replayId: { DataType: 'String', StringValue: replayId },
});

describe('the replay function against moto', () => {
  const moto = useMotoServer();
  let handler: Handler;
  let sqs: SQSClient;
  let store: DynamoDbReplayStateStore;
  let destinationUrl: string;
  let destinationArn: string;
  let replayQueueUrl: string;
  /** The replay function's event source mapping, as the local Lambda API serves it (never started). */
  let mapping: SqsEventSource;
  let lambdaApi: LambdaApiServer;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    const dynamodb = new DynamoDBClient(moto.clientConfig());
    sqs = new SQSClient(moto.clientConfig());
    await dynamodb.send(
      new CreateTableCommand({
        TableName: STATE_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'replay', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'replay', KeyType: 'HASH' }],
      }),
    );
    destinationUrl = (await sqs.send(new CreateQueueCommand({ QueueName: DESTINATION_QUEUE })))
      .QueueUrl as string;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: destinationUrl, AttributeNames: ['QueueArn'] }),
    );
    destinationArn = Attributes?.QueueArn as string;
    replayQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: REPLAY_QUEUE }))).QueueUrl as string;
    // Orders no test hands to the function: a replay is complete only once the replay queue holds nothing
    // it has not judged, so no replay of the tests that share this queue completes (they count their own).
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: replayQueueUrl,
        Entries: Array.from({ length: 10 }, (_, index) => ({ Id: String(index), MessageBody: '{}' })),
      }),
    );
    store = new DynamoDbReplayStateStore(dynamodb, STATE_TABLE);
    mapping = new SqsEventSource(
      {
        mapping: {
          uuid: MAPPING_UUID,
          functionArn: `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:replay`,
        },
        label: 'ReplayFunction',
        target: 'replay',
        queueUrl: replayQueueUrl,
        queueArn: `arn:aws:sqs:${LOCAL_REGION}:123456789012:${REPLAY_QUEUE}`,
        region: LOCAL_REGION,
        batchSize: 10,
        maximumBatchingWindowInSeconds: 1,
        reportBatchItemFailures: true,
        enabled: false,
        maximumConcurrency: 5,
        retryDelaySeconds: 1,
      },
      sqs,
      async () => ({ ok: true, result: {} }),
      recordingLog(),
    );
    lambdaApi = new LambdaApiServer([mapping], recordingLog());
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      ...moto.environment(),
      ...QUIET_POWERTOOLS,
      // The function disables its mapping through Lambda's API: here the local runtime's.
      AWS_ENDPOINT_URL_LAMBDA: await lambdaApi.listen('127.0.0.1', 0),
      POWERTOOLS_SERVICE_NAME: 'replay',
      DESTINATION_QUEUE_ARN: destinationArn,
      REPLAY_STATE_TABLE_NAME: STATE_TABLE,
      REPLAY_QUEUE_URL: replayQueueUrl,
    });
    ({ handler } = (await import(MODULE)) as unknown as { handler: Handler });
  });

  afterAll(async () => {
    restoreEnvironment();
    await lambdaApi?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  /** Starts a replay of `window` (the CLI's part: stopping the one before), and gives back its id. */
  const startReplay = async (window = WINDOW, more: Partial<NewReplay> = {}) => {
    const previous = await store.current();
    if (previous?.status === 'running') await store.markStopped(previous.replayId, new Date().toISOString());
    const replayId = aReplayId();
    await store.start({
      replayId,
      ...window,
      startedAt: new Date().toISOString(),
      mappingUuid: MAPPING_UUID,
      ...more,
    });
    return replayId;
  };

  /** Everything a queue (by default the destination) holds in sight, taken off it. */
  const drainDestination = async (queueUrl = destinationUrl): Promise<Message[]> => {
    const messages: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
          WaitTimeSeconds: 0,
        }),
      );
      if (Messages.length === 0) return messages;
      messages.push(...Messages);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map(({ ReceiptHandle }, index) => ({ Id: String(index), ReceiptHandle })),
        }),
      );
    }
  };

  const counts = async () => {
    const state = (await store.current()) as ReplayState;
    return { replayId: state.replayId, forwarded: state.forwarded, skipped: state.skipped, kept: state.kept };
  };

  const replayQueueCounts = async (queueUrl: string) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return {
      waiting: Number(Attributes.ApproximateNumberOfMessages),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
    };
  };

  beforeEach(async () => {
    await drainDestination();
  });

  let ownQueues = 0;
  /** A module instance of its own, with a replay queue of its own (empty), for tests that count that queue. */
  const withItsOwnReplayQueue = async () => {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${REPLAY_QUEUE}-${++ownQueues}` })))
      .QueueUrl as string;
    const restore = setEnvironment({ REPLAY_QUEUE_URL: queueUrl });
    let isolated: Handler | undefined;
    try {
      await jest.isolateModulesAsync(async () => {
        ({ handler: isolated } = (await import(MODULE)) as unknown as { handler: Handler });
      });
    } finally {
      restore();
    }
    return { handler: isolated as Handler, queueUrl };
  };

  it('sends exactly the orders inside the window to the destination, with their attributes and the replay id', async () => {
    const replayId = await startReplay();
    const inside = [
      anOrderRecordAt('2026-11-21T10:00:00Z'),
      anOrderRecordAt('2026-11-21T11:30:00+01:00'),
      anOrderRecordAt('2026-11-21T10:59:59.999Z'),
    ];
    const outside = [
      anOrderRecordAt('2026-11-21T11:00:00Z'),
      anOrderRecordAt('2026-11-21T10:30:00+01:00'),
      anOrderRecordAt('2026-11-20T10:30:00Z'),
      anSqsRecord('{"id": "not an order"'),
    ];

    const response = await handler(
      anSqsEvent([...outside.slice(0, 2), ...inside, ...outside.slice(2)]),
      aLambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    const received = await drainDestination();
    const byBody = new Map(received.map((message) => [message.Body, message]));
    expect([...byBody.keys()].sort()).toEqual(inside.map((record) => record.body).sort());
    expect(received).toHaveLength(inside.length);
    for (const record of inside) {
      expect(byBody.get(record.body)?.MessageAttributes).toEqual(attributesOf(record, replayId));
    }
  });

  it('keeps Binary and custom-typed attributes byte for byte', async () => {
    await startReplay();
    const bytes = Buffer.from([0, 1, 2, 127, 128, 254, 255]);
    const record = anOrderRecordAt('2026-11-21T10:15:00Z');
    record.messageAttributes.signature = {
      dataType: 'Binary',
      binaryValue: bytes.toString('base64'),
      stringListValues: [],
      binaryListValues: [],
    };
    record.messageAttributes.weight = {
      dataType: 'Number.float',
      stringValue: '1.25',
      stringListValues: [],
      binaryListValues: [],
    };

    expect(await handler(anSqsEvent([record]), aLambdaContext())).toEqual({ batchItemFailures: [] });

    const [message] = await drainDestination();
    const signature = message?.MessageAttributes?.signature;
    expect(signature?.DataType).toBe('Binary');
    expect(Buffer.from(signature?.BinaryValue ?? []).equals(bytes)).toBe(true);
    expect(message?.MessageAttributes?.weight).toEqual({ DataType: 'Number.float', StringValue: '1.25' });
  });

  it("counts the forwarded, skipped and kept orders in the replay's state, across batches", async () => {
    const replayId = await startReplay();

    await handler(
      anSqsEvent([anOrderRecordAt('2026-11-21T10:10:00Z'), anOrderRecordAt('2026-11-21T12:00:00Z')]),
      aLambdaContext(),
    );
    expect(await counts()).toEqual({ replayId, forwarded: 1, skipped: 0, kept: 1 });

    await handler(
      anSqsEvent([
        anOrderRecordAt('2026-11-21T10:20:00Z'),
        anOrderRecordAt('2026-11-21T10:30:00Z'),
        anOrderRecordAt('2026-11-21T09:00:00Z'),
        anSqsRecord('[]'),
      ]),
      aLambdaContext(),
    );
    expect(await counts()).toEqual({ replayId, forwarded: 3, skipped: 2, kept: 1 });
    expect(await drainDestination()).toHaveLength(3);
    expect((await store.current())?.status).toBe('running');
  });

  it('keeps every order in the replay queue once the replay is stopped, sending and counting nothing', async () => {
    const replayId = await startReplay();
    await store.markStopped(replayId, new Date().toISOString());
    const records = [anOrderRecordAt('2026-11-21T10:10:00Z'), anOrderRecordAt('2026-11-21T12:00:00Z')];

    const response = await handler(anSqsEvent(records), aLambdaContext());

    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort()).toEqual(
      records.map(({ messageId }) => messageId).sort(),
    );
    expect(await drainDestination()).toEqual([]);
    expect(await counts()).toEqual({ replayId, forwarded: 0, skipped: 0, kept: 0 });
  });

  /*
   * An operator starts replay B while a batch of replay A is in flight. A's counts must not land on B (the
   * update is conditioned on A's id), and the batch must not leave the replay queue judged by A's window
   * alone: orders A skipped may be inside B's. So the invocation fails, Lambda returns the batch to the
   * queue, and B judges it again. Orders A already sent may be sent again by B: checkout processing is
   * idempotent, so that changes nothing.
   */
  it('leaves a batch to a replay started meanwhile: the old counts do not apply and the new replay judges it', async () => {
    await startReplay();
    const windowB = { since: '2026-11-21T10:30:00.000Z', until: '2026-11-21T12:00:00.000Z' };
    let replayB = '';
    const addCounts = DynamoDbReplayStateStore.prototype.addCounts;
    jest.spyOn(DynamoDbReplayStateStore.prototype, 'addCounts').mockImplementationOnce(async function (
      this: DynamoDbReplayStateStore,
      ...args
    ) {
      replayB = await startReplay(windowB);
      return addCounts.apply(this, args);
    });
    const onlyInA = anOrderRecordAt('2026-11-21T10:10:00Z');
    const inBoth = anOrderRecordAt('2026-11-21T10:40:00Z');
    const onlyInB = anOrderRecordAt('2026-11-21T11:30:00Z');
    const batch = anSqsEvent([onlyInA, inBoth, onlyInB]);

    expect(await handler(batch, aLambdaContext())).toEqual({
      batchItemFailures: batch.Records.map(({ messageId }) => ({ itemIdentifier: messageId })),
    });

    expect(await counts()).toEqual({ replayId: replayB, forwarded: 0, skipped: 0, kept: 0 });
    const sentByA = await drainDestination();
    expect(sentByA.map((message) => message.Body).sort()).toEqual([onlyInA.body, inBoth.body].sort());

    // Lambda's retry of the orders reported failed: the whole batch.
    expect(await handler(batch, aLambdaContext())).toEqual({ batchItemFailures: [] });

    expect(await counts()).toEqual({ replayId: replayB, forwarded: 2, skipped: 1, kept: 0 });
    const sentByB = await drainDestination();
    expect(sentByB.map((message) => message.Body).sort()).toEqual([inBoth.body, onlyInB.body].sort());
    expect(sentByB.map((message) => message.MessageAttributes?.replayId?.StringValue)).toEqual([
      replayB,
      replayB,
    ]);
  });

  it('lets the counts of an older replay fail on the current one', async () => {
    const replayA = await startReplay();
    const replayB = await startReplay();
    await expect(store.addCounts(replayA, { forwarded: 5, skipped: 5, kept: 5 })).rejects.toThrow(
      ReplaySupersededError,
    );
    await store.addCounts(replayB, { forwarded: 1, skipped: 2, kept: 3 });
    expect(await counts()).toEqual({ replayId: replayB, forwarded: 1, skipped: 2, kept: 3 });
  });

  it('reports the orders it could not send as failed, so that they stay in the replay queue', async () => {
    const replayId = await startReplay();
    const restore = setEnvironment({
      DESTINATION_QUEUE_ARN: destinationArn.replace(/:[^:]+$/, ':no-such-queue'),
    });
    let unreachable: Handler | undefined;
    try {
      await jest.isolateModulesAsync(async () => {
        ({ handler: unreachable } = (await import(MODULE)) as unknown as { handler: Handler });
      });
    } finally {
      restore();
    }
    const inside = [anOrderRecordAt('2026-11-21T10:10:00Z'), anOrderRecordAt('2026-11-21T10:20:00Z')];
    const outside = anOrderRecordAt('2026-11-21T09:00:00Z');

    const response = await (unreachable as Handler)(
      anSqsEvent([inside[0], outside, inside[1]] as SQSRecord[]),
      aLambdaContext(),
    );

    expect(response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort()).toEqual(
      inside.map(({ messageId }) => messageId).sort(),
    );
    expect(await counts()).toEqual({ replayId, forwarded: 0, skipped: 1, kept: 0 });
    expect(await drainDestination()).toEqual([]);
  });

  it('keeps the orders after the window and those published during the replay in the replay queue, as delayed copies', async () => {
    const own = await withItsOwnReplayQueue();
    const replayId = await startReplay();
    const after = aReplayQueueRecord('2026-11-21T11:00:00Z');
    const publishedMeanwhile = aReplayQueueRecord('2026-11-21T09:00:00Z', {
      sentAt: new Date().toISOString(),
    });

    expect(await own.handler(anSqsEvent([after, publishedMeanwhile]), aLambdaContext())).toEqual({
      batchItemFailures: [],
    });

    expect(await counts()).toMatchObject({ replayId, forwarded: 0, skipped: 0, kept: 2 });
    // Out of sight for 10 s (as long as the replay has run, at least 10 s).
    expect(await replayQueueCounts(own.queueUrl)).toEqual({ waiting: 0, delayed: 2 });
    await sleep(10_500);
    const copies = (await drainDestination(own.queueUrl)).filter(
      (message) => !message.MessageAttributes?.replayTick,
    );
    expect(copies.map((message) => message.Body).sort()).toEqual(
      [after.body, publishedMeanwhile.body].sort(),
    );
    for (const copy of copies) {
      expect(copy.MessageAttributes).toEqual({
        ...attributesOf(after, replayId),
        amount: expect.any(Object),
        customerId: expect.any(Object),
        replayId: undefined,
        keptByReplay: { DataType: 'String', StringValue: replayId },
      });
    }
  }, 20_000);

  it('completes the replay once the replay queue holds only its copies: disables the mapping and gives it its settings back', async () => {
    const own = await withItsOwnReplayQueue();
    mapping.update({ enabled: true, batchSize: 5, maximumConcurrency: 2 });
    const replayId = await startReplay(WINDOW, {
      rate: 5,
      mappingBefore: { batchSize: 10, maximumConcurrency: 5 },
    });

    await own.handler(
      anSqsEvent([anOrderRecordAt('2026-11-21T10:10:00Z'), anOrderRecordAt('2026-11-21T12:10:00Z')]),
      aLambdaContext(),
    );

    expect(await store.current()).toMatchObject({
      replayId,
      status: 'completed',
      completedAt: expect.any(String),
      forwarded: 1,
      kept: 1,
    });
    expect(mapping.settings).toMatchObject({ enabled: false, batchSize: 10, maximumConcurrency: 5 });
  });

  it('forwards at the rate of the replay, however many invocations share it', async () => {
    await startReplay(WINDOW, { rate: 10 });
    const batches = [0, 1].map((batch) =>
      anSqsEvent(
        Array.from({ length: 6 }, (_, index) => anOrderRecordAt(`2026-11-21T10:${batch}${index}:00Z`)),
      ),
    );

    await Promise.all(batches.map((batch) => handler(batch, aLambdaContext())));

    const sentAt = (await drainDestination())
      .map((message) => Number(message.Attributes?.SentTimestamp))
      .sort((a, b) => a - b);
    expect(sentAt).toHaveLength(12);
    // 12 orders at 10/s: 11 intervals of 100 ms, within 20 %.
    const rate = 11 / (((sentAt.at(-1) as number) - (sentAt[0] as number)) / 1000);
    expect(rate).toBeGreaterThanOrEqual(8);
    expect(rate).toBeLessThanOrEqual(12);
  });
});
