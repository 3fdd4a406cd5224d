import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { ReplayState } from '../../../../src/adapters/dynamodb-replay-state';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { aReplayQueueRecord, aReplayState, aTickRecord } from '../../../factories/replay';
import { anOrderRecord, anSqsEvent, anSqsRecord } from '../../../factories/sqs';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { expectStartUpToFailWithout, useFunctionHandler } from '../../../helpers/handler-environment';

const MODULE = '../../../../src/functions/replay/index';
const STATE_TABLE = 'checkout-EventReplay-ReplayStateTable-1A2B3C';
const DESTINATION_ARN = 'arn:aws:sqs:eu-west-1:210987654321:checkout-CheckoutQueue-9Z8Y7X';
const DESTINATION_URL = 'https://sqs.eu-west-1.amazonaws.com/210987654321/checkout-CheckoutQueue-9Z8Y7X';
const REPLAY_QUEUE_URL =
  'https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-EventReplay-ReplayQueue-1A2B';
const MAPPING_UUID = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';

const RUNNING: ReplayState = aReplayState({ mappingUuid: MAPPING_UUID });

/** The replay queue's counts: by default, plenty of orders still to judge. */
const queueCounts = (waiting = 100, inFlight = 10, delayed = 0) => ({
  Attributes: {
    ApproximateNumberOfMessages: String(waiting),
    ApproximateNumberOfMessagesNotVisible: String(inFlight),
    ApproximateNumberOfMessagesDelayed: String(delayed),
  },
});

/** The state item as the table holds it: the replay under the key `current`. */
const stateItem = (state: ReplayState) => ({ replay: 'current', ...state });

const card = { number: TEST_CARD_NUMBERS.visa, cvv: '8642' };
const anOrderRecordAt = (date: string) => anOrderRecord(anOrder({ date, payment: { card } }));

const failedIds = (response: SQSBatchResponse) =>
  response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort();

const ids = (records: SQSRecord[]) => records.map(({ messageId }) => messageId).sort();

describe('the replay handler', () => {
  const dynamodb = mockClient(DynamoDBDocumentClient);
  const sqs = mockClient(SQSClient);
  const lambda = mockClient(LambdaClient);
  let output: CapturedOutput;
  const handler = useFunctionHandler<SQSEvent, SQSBatchResponse>(
    'replay',
    {
      DESTINATION_QUEUE_ARN: DESTINATION_ARN,
      REPLAY_STATE_TABLE_NAME: STATE_TABLE,
      REPLAY_QUEUE_URL,
    },
    () => import(MODULE),
  );

  afterAll(() => {
    dynamodb.restore();
    sqs.restore();
    lambda.restore();
  });

  /** The state as it is after a batch's counts were added (what addCounts gives back). */
  let afterBatch: ReplayState;
  const stateAfterCounts = (state: ReplayState = RUNNING) => {
    afterBatch = state;
  };
  /** The failure of an update, if it should fail. */
  let refuse: (input: UpdateCommandInput) => Error | undefined;
  const conditionFailed = () =>
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

  beforeEach(() => {
    dynamodb.reset();
    sqs.reset();
    lambda.reset();
    dynamodb.on(GetCommand).resolves({ Item: stateItem(RUNNING) });
    stateAfterCounts();
    refuse = () => undefined;
    dynamodb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
      const refusal = refuse(input);
      if (refusal) throw refusal;
      return input.UpdateExpression?.startsWith('ADD forwarded') ? { Attributes: stateItem(afterBatch) } : {};
    });
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: DESTINATION_URL });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'sent-1' });
    sqs.on(GetQueueAttributesCommand).resolves(queueCounts());
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: MAPPING_UUID, State: 'Enabled' });
    lambda.on(UpdateEventSourceMappingCommand).resolves({ UUID: MAPPING_UUID, State: 'Disabling' });
    output = captureOutput();
  });

  afterEach(() => output.restore());

  const sentTo = (queueUrl: string) =>
    sqs
      .commandCalls(SendMessageCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.QueueUrl === queueUrl);
  const sent = () => sentTo(DESTINATION_URL);
  /** The copies kept in the replay queue (its ticks left out). */
  const keptCopies = () => sentTo(REPLAY_QUEUE_URL).filter((input) => !input.MessageAttributes?.replayTick);
  const ticks = () => sentTo(REPLAY_QUEUE_URL).filter((input) => input.MessageAttributes?.replayTick);
  const updates = () => dynamodb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
  const countUpdates = () => updates().filter((input) => input.UpdateExpression?.startsWith('ADD forwarded'));

  describe('without a running replay', () => {
    it.each<[string, () => void]>([
      ['no replay was ever started', () => dynamodb.on(GetCommand).resolves({})],
      [
        'the replay was stopped',
        () =>
          dynamodb.on(GetCommand).resolves({
            Item: stateItem({ ...RUNNING, status: 'stopped', stoppedAt: '2026-11-21T12:30:00.000Z' }),
          }),
      ],
    ])(
      'keeps every order in the replay queue when %s: all fail, nothing is sent or counted',
      async (_, arrange) => {
        arrange();
        const records = [anOrderRecordAt('2026-11-21T10:30:00Z'), anOrderRecordAt('2026-11-20T10:30:00Z')];
        const response = await handler(anSqsEvent(records));
        expect(failedIds(response)).toEqual(ids(records));
        expect(sqs.calls()).toHaveLength(0);
        expect(updates()).toEqual([]);
      },
    );

    it('says how to stop the event source', async () => {
      dynamodb.on(GetCommand).resolves({});
      await handler(anSqsEvent([anOrderRecordAt('2026-11-21T10:30:00Z')]));
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          message:
            'The replay event source is enabled but no replay is running; stop it with `npm run replay -- stop`',
        }),
      );
    });

    it('fails the whole batch when the replay cannot be read, so that nothing is lost', async () => {
      dynamodb.on(GetCommand).rejects(new Error('DynamoDB is unavailable'));
      await expect(handler(anSqsEvent([anOrderRecordAt('2026-11-21T10:30:00Z')]))).rejects.toThrow(
        'DynamoDB is unavailable',
      );
      expect(sqs.calls()).toHaveLength(0);
    });
  });

  describe('with a running replay', () => {
    it('reads the current replay from the state table with a consistent read', async () => {
      await handler(anSqsEvent([anOrderRecordAt('2026-11-21T10:30:00Z')]));
      expect(dynamodb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([
        { TableName: STATE_TABLE, Key: { replay: 'current' }, ConsistentRead: true },
      ]);
    });

    it('sends the orders inside the window to the destination with their attributes and the replay id', async () => {
      const inside = [anOrderRecordAt('2026-11-21T10:00:00Z'), anOrderRecordAt('2026-11-21T11:59:00+01:00')];
      const outside = [
        anOrderRecordAt('2026-11-21T11:00:00Z'),
        anOrderRecordAt('2026-11-20T10:30:00Z'),
        anSqsRecord('not an order'),
      ];
      const [first, second] = inside as [SQSRecord, SQSRecord];
      const response = await handler(
        anSqsEvent([outside[0], first, outside[1], second, outside[2]] as SQSRecord[]),
      );

      expect(response).toEqual({ batchItemFailures: [] });
      expect(sent()).toEqual(
        inside.map((record) => ({
          QueueUrl: DESTINATION_URL,
          MessageBody: record.body,
          MessageAttributes: {
            amount: { DataType: 'Number', StringValue: record.messageAttributes.amount?.stringValue },
            currency: { DataType: 'String', StringValue: record.messageAttributes.currency?.stringValue },
            customerId: { DataType: 'String', StringValue: record.messageAttributes.customerId?.stringValue },
            replayId: { DataType: 'String', StringValue: RUNNING.replayId },
          },
        })),
      );
    });

    it('counts the batch with one conditional ADD on the replay it read, with a progress sample', async () => {
      await handler(
        anSqsEvent([
          anOrderRecordAt('2026-11-21T10:10:00Z'),
          anOrderRecordAt('2026-11-21T10:20:00Z'),
          anOrderRecordAt('2026-11-21T10:30:00Z'),
          anOrderRecordAt('2026-11-21T09:00:00Z'),
          anOrderRecordAt('2026-11-21T12:00:00Z'),
          anSqsRecord('{}'),
        ]),
      );
      expect(countUpdates()).toEqual([
        {
          TableName: STATE_TABLE,
          Key: { replay: 'current' },
          UpdateExpression:
            'ADD forwarded :forwarded, skipped :skipped, kept :kept SET samples = list_append(if_not_exists(samples, :none), :sample)',
          ConditionExpression: 'replayId = :replayId',
          ExpressionAttributeValues: {
            ':forwarded': 3,
            ':skipped': 2,
            ':kept': 1,
            ':replayId': RUNNING.replayId,
            ':none': [],
            ':sample': [{ at: expect.any(Number), forwarded: 3, skipped: 2, kept: 1 }],
          },
          ReturnValues: 'ALL_NEW',
        },
      ]);
      expect(dynamodb.commandCalls(PutCommand)).toHaveLength(0);
    });

    it('does not look up the destination queue URL again in later invocations', async () => {
      await handler(anSqsEvent([anOrderRecordAt('2026-11-21T10:10:00Z')]));
      sqs.resetHistory();
      await handler(
        anSqsEvent([anOrderRecordAt('2026-11-21T10:20:00Z'), anOrderRecordAt('2026-11-21T10:30:00Z')]),
      );
      expect(sqs.commandCalls(GetQueueUrlCommand)).toHaveLength(0);
      expect(sent()).toHaveLength(2);
      expect(sent().every((input) => input.QueueUrl === DESTINATION_URL)).toBe(true);
    });

    it('forwards nothing when no order is in the window: it keeps those after it and discards those before', async () => {
      const after = anOrderRecordAt('2026-11-22T10:10:00Z');
      const response = await handler(anSqsEvent([after, anOrderRecordAt('2025-11-21T10:10:00Z')]));
      expect(response).toEqual({ batchItemFailures: [] });
      expect(sent()).toEqual([]);
      expect(keptCopies()).toEqual([
        {
          QueueUrl: REPLAY_QUEUE_URL,
          MessageBody: after.body,
          MessageAttributes: expect.objectContaining({
            keptByReplay: { DataType: 'String', StringValue: RUNNING.replayId },
          }),
          DelaySeconds: expect.any(Number),
        },
      ]);
      expect(countUpdates()[0]?.ExpressionAttributeValues).toMatchObject({
        ':forwarded': 0,
        ':skipped': 1,
        ':kept': 1,
      });
    });

    it('fails only the order whose SendMessage failed, and counts only what was sent', async () => {
      const refused = anOrderRecordAt('2026-11-21T10:10:00Z');
      const fine = anOrderRecordAt('2026-11-21T10:20:00Z');
      const skipped = anOrderRecordAt('2026-11-21T09:00:00Z');
      sqs.on(SendMessageCommand, { MessageBody: refused.body }).rejects(new Error('Throttled'));

      const response = await handler(anSqsEvent([refused, fine, skipped]));

      expect(failedIds(response)).toEqual([refused.messageId]);
      expect(sent().map((input) => input.MessageBody)).toEqual([refused.body, fine.body]);
      expect(countUpdates()[0]?.ExpressionAttributeValues).toMatchObject({ ':forwarded': 1, ':skipped': 1 });
    });

    it('reports every order as failed, without failing the invocation, when nothing could be sent', async () => {
      sqs.on(SendMessageCommand).rejects(new Error('Access denied'));
      const records = [anOrderRecordAt('2026-11-21T10:10:00Z'), anOrderRecordAt('2026-11-21T10:20:00Z')];
      const response = await handler(anSqsEvent(records));
      expect(failedIds(response)).toEqual(ids(records));
      expect(countUpdates()[0]?.ExpressionAttributeValues).toMatchObject({ ':forwarded': 0, ':skipped': 0 });
    });

    it('logs a summary of the batch with the replay id, and emits EMF metrics', async () => {
      const failing = anOrderRecordAt('2026-11-21T10:20:00Z');
      sqs.on(SendMessageCommand, { MessageBody: failing.body }).rejects(new Error('Throttled'));
      await handler(
        anSqsEvent([
          anOrderRecordAt('2026-11-21T10:10:00Z'),
          failing,
          anOrderRecordAt('2026-11-21T09:00:00Z'),
          anOrderRecordAt('2026-11-21T12:00:00Z'),
        ]),
      );
      const lines = output.jsonLines();
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'INFO',
          message: 'Replayed a batch',
          replayId: RUNNING.replayId,
          forwarded: 1,
          skipped: 1,
          kept: 1,
          failed: 1,
          function_name: 'replay',
        }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({ OrderReplayed: 1, OrderSkipped: 1, OrderKept: 1 }),
      );
    });

    it('never logs card data', async () => {
      sqs.on(SendMessageCommand).rejects(new Error('Internal error'));
      await handler(
        anSqsEvent([
          anOrderRecordAt('2026-11-21T10:10:00Z'),
          anOrderRecordAt('2026-11-21T12:00:00Z'),
          anSqsRecord(JSON.stringify({ date: 'no date', payment: { card } })),
        ]),
      );
      expect(output.jsonLines().length).toBeGreaterThan(0);
      expect(cardDataIn(output.text(), card)).toEqual([]);
    });

    it('keeps every order of a batch in the replay queue when another replay started meanwhile, without failing', async () => {
      refuse = (input) =>
        input.UpdateExpression?.startsWith('ADD forwarded') ? conditionFailed() : undefined;
      const records = [anOrderRecordAt('2026-11-21T10:10:00Z'), anOrderRecordAt('2026-11-21T09:00:00Z')];
      await expect(handler(anSqsEvent(records))).resolves.toEqual({
        batchItemFailures: records.map(({ messageId }) => ({ itemIdentifier: messageId })),
      });
    });

    it('fails the invocation when the counts cannot be written, so that the batch is retried', async () => {
      dynamodb.on(UpdateCommand).rejects(new Error('Throughput exceeds the current capacity'));
      await expect(handler(anSqsEvent([anOrderRecordAt('2026-11-21T10:10:00Z')]))).rejects.toThrow(
        'Throughput exceeds the current capacity',
      );
    });
  });

  describe('completing the replay', () => {
    /** A replay that kept 40 copies, paced before (its mapping had batch size 10 and concurrency 5). */
    const PACED = aReplayState({
      mappingUuid: MAPPING_UUID,
      kept: 40,
      rate: 50,
      mappingBefore: { batchSize: 10, maximumConcurrency: 5 },
    });
    const batch = () =>
      anSqsEvent([aReplayQueueRecord('2026-11-21T09:00:00Z'), aReplayQueueRecord('2026-11-21T09:10:00Z')]);
    const completions = () =>
      updates().filter((input) => input.ExpressionAttributeValues?.[':status'] === 'completed');
    const mappingUpdates = () =>
      lambda.commandCalls(UpdateEventSourceMappingCommand).map((call) => call.args[0].input);

    beforeEach(() => {
      dynamodb.on(GetCommand).resolves({ Item: stateItem(PACED) });
      stateAfterCounts(PACED);
    });

    it('completes when the replay queue holds only its kept copies and this batch: marks it, disables the mapping and gives it its settings back', async () => {
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 2, 40));

      expect(await handler(batch())).toEqual({ batchItemFailures: [] });

      expect(completions()).toEqual([
        {
          TableName: STATE_TABLE,
          Key: { replay: 'current' },
          UpdateExpression: 'SET #status = :status, completedAt = :at',
          ConditionExpression: 'replayId = :replayId AND #status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': 'completed',
            ':at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            ':replayId': PACED.replayId,
            ':running': 'running',
          },
        },
      ]);
      expect(mappingUpdates()).toEqual([
        { UUID: MAPPING_UUID, Enabled: false, BatchSize: 10, ScalingConfig: { MaximumConcurrency: 5 } },
      ]);
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          message: 'Replay completed: the replay queue holds nothing of its window any more',
          forwarded: 0,
          kept: 40,
        }),
      );
    });

    it('does not complete while orders it has not judged wait in the replay queue, and looks again later', async () => {
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(30, 2, 40));
      await handler(batch());
      expect(completions()).toEqual([]);
      expect(mappingUpdates()).toEqual([]);
      expect(ticks().map((input) => input.DelaySeconds)).toEqual([30]);
    });

    it('does not complete while a single order it has not judged is in the queue', async () => {
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 2, 41));
      await handler(batch());
      expect(completions()).toEqual([]);
    });

    it('does not complete while another batch is in flight, and sends itself one tick to look again', async () => {
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 12, 40));
      await handler(batch());
      expect(completions()).toEqual([]);
      expect(updates()).toContainEqual(
        expect.objectContaining({
          UpdateExpression: 'SET tickDueAt = :due ADD ticks :one',
          ExpressionAttributeValues: expect.objectContaining({ ':replayId': PACED.replayId }),
        }),
      );
      expect(sentTo(REPLAY_QUEUE_URL)).toEqual([
        {
          QueueUrl: REPLAY_QUEUE_URL,
          MessageBody: JSON.stringify({ replayTick: PACED.replayId }),
          MessageAttributes: { replayTick: { DataType: 'String', StringValue: PACED.replayId } },
          DelaySeconds: 5,
        },
      ]);
    });

    it('completes with its own ticks still pending, and takes those it consumed off them', async () => {
      stateAfterCounts({ ...PACED, ticks: 1 });
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 3, 41));

      await handler(anSqsEvent([...batch().Records, aTickRecord(PACED.replayId)]));

      expect(countUpdates()[0]?.ExpressionAttributeValues).toMatchObject({ ':ticks': -1 });
      expect(completions()).toHaveLength(1);
    });

    it('sends no tick when another batch has claimed one already', async () => {
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 12, 40));
      refuse = (input) =>
        input.UpdateExpression === 'SET tickDueAt = :due ADD ticks :one' ? conditionFailed() : undefined;
      await handler(batch());
      expect(sentTo(REPLAY_QUEUE_URL)).toEqual([]);
    });

    it('does not look at completion after a batch that returned orders to the queue', async () => {
      const inWindow = aReplayQueueRecord('2026-11-21T10:10:00Z');
      sqs.on(SendMessageCommand, { QueueUrl: DESTINATION_URL }).rejects(new Error('Throttled'));
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 1, 40));
      expect(failedIds(await handler(anSqsEvent([inWindow])))).toEqual([inWindow.messageId]);
      expect(sqs.commandCalls(GetQueueAttributesCommand)).toEqual([]);
      expect(completions()).toEqual([]);
    });

    it('does not complete before the end of its window, however empty the queue', async () => {
      const open = aReplayState({ ...PACED, until: new Date(Date.now() + 60_000).toISOString() });
      dynamodb.on(GetCommand).resolves({ Item: stateItem(open) });
      stateAfterCounts(open);
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 2, 40));
      await handler(batch());
      expect(completions()).toEqual([]);
      expect(sentTo(REPLAY_QUEUE_URL).map((input) => input.DelaySeconds)).toEqual([60]);
    });

    it('leaves the mapping alone when the replay was stopped or completed by another batch meanwhile', async () => {
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 2, 40));
      refuse = (input) =>
        input.ExpressionAttributeValues?.[':status'] === 'completed' ? conditionFailed() : undefined;
      expect(await handler(batch())).toEqual({ batchItemFailures: [] });
      expect(mappingUpdates()).toEqual([]);
    });

    it('tries again with a tick when the mapping is changing state and refuses the update', async () => {
      sqs.on(GetQueueAttributesCommand).resolves(queueCounts(0, 2, 40));
      lambda
        .on(UpdateEventSourceMappingCommand)
        .rejects(Object.assign(new Error('in use'), { name: 'ResourceInUseException' }));
      expect(await handler(batch())).toEqual({ batchItemFailures: [] });
      expect(sentTo(REPLAY_QUEUE_URL).map((input) => input.MessageBody)).toEqual([
        JSON.stringify({ replayTick: PACED.replayId }),
      ]);
    });

    it('neither fails nor repeats a batch whose completion could not be looked at', async () => {
      sqs.on(GetQueueAttributesCommand).rejects(new Error('Access denied'));
      expect(await handler(batch())).toEqual({ batchItemFailures: [] });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          message: 'Could not look at the completion of the replay; the next batch looks again',
        }),
      );
    });
  });

  describe('after the replay completed', () => {
    const COMPLETED = aReplayState({
      mappingUuid: MAPPING_UUID,
      status: 'completed',
      completedAt: '2026-11-21T12:30:00.000Z',
    });

    beforeEach(() => {
      dynamodb.on(GetCommand).resolves({ Item: stateItem(COMPLETED) });
    });

    it('leaves a late batch in the replay queue, consumes its ticks, and disables a mapping still enabled', async () => {
      const order = aReplayQueueRecord('2026-11-21T10:10:00Z');
      const response = await handler(anSqsEvent([order, aTickRecord(COMPLETED.replayId)]));
      expect(failedIds(response)).toEqual([order.messageId]);
      expect(sent()).toEqual([]);
      expect(lambda.commandCalls(UpdateEventSourceMappingCommand)[0]?.args[0].input).toEqual({
        UUID: MAPPING_UUID,
        Enabled: false,
      });
    });

    it('leaves a mapping that is disabled already, or being disabled, alone', async () => {
      lambda.on(GetEventSourceMappingCommand).resolves({ UUID: MAPPING_UUID, State: 'Disabling' });
      await handler(anSqsEvent([aReplayQueueRecord('2026-11-21T10:10:00Z')]));
      expect(lambda.commandCalls(UpdateEventSourceMappingCommand)).toEqual([]);
    });
  });

  describe('at a pace', () => {
    const paced = (overrides = {}) => aReplayState({ mappingUuid: MAPPING_UUID, rate: 50, ...overrides });
    const inWindow = () => [
      aReplayQueueRecord('2026-11-21T10:10:00Z'),
      aReplayQueueRecord('2026-11-21T10:20:00Z'),
      aReplayQueueRecord('2026-11-21T10:30:00Z'),
    ];

    it('reserves one slot per order to forward, 1/rate apart, and sends each at its slot', async () => {
      dynamodb.on(GetCommand).resolves({ Item: stateItem(paced()) });
      const started = Date.now();
      const records = [...inWindow(), aReplayQueueRecord('2026-11-21T09:00:00Z')];

      expect(await handler(anSqsEvent(records))).toEqual({ batchItemFailures: [] });

      expect(Date.now() - started).toBeGreaterThanOrEqual(35);
      const reservation = updates().find((input) => input.UpdateExpression === 'SET nextSlotAt = :next');
      expect(reservation?.ConditionExpression).toBe(
        'replayId = :replayId AND attribute_not_exists(nextSlotAt)',
      );
      expect(reservation?.ExpressionAttributeValues?.[':next']).toBeGreaterThanOrEqual(started + 60);
      expect(sent()).toHaveLength(3);
    });

    it('leaves the orders it has no slot for before its timeout in the replay queue for a later batch', async () => {
      dynamodb.on(GetCommand).resolves({ Item: stateItem(paced({ nextSlotAt: Date.now() + 600_000 })) });
      const records = inWindow();
      const response = await handler(anSqsEvent([...records, aReplayQueueRecord('2026-11-21T09:00:00Z')]));
      expect(failedIds(response)).toEqual(ids(records));
      expect(sent()).toEqual([]);
      expect(countUpdates()[0]?.ExpressionAttributeValues).toMatchObject({ ':forwarded': 0, ':skipped': 1 });
    });

    it('keeps every order in the replay queue when another replay started before the slots were reserved', async () => {
      dynamodb.on(GetCommand).resolves({ Item: stateItem(paced()) });
      refuse = (input) =>
        input.UpdateExpression === 'SET nextSlotAt = :next' ? conditionFailed() : undefined;
      dynamodb
        .on(GetCommand)
        .resolvesOnce({ Item: stateItem(paced()) })
        .resolves({ Item: stateItem(paced({ replayId: 'replay-2' })) });
      const records = inWindow();
      expect(failedIds(await handler(anSqsEvent(records)))).toEqual(ids(records));
      expect(sent()).toEqual([]);
    });
  });

  describe('the destination queue URL', () => {
    /**
     * A module instance of its own, whose URL cache starts empty. Its SDK classes are its own too, so they are
     * mocked from the same isolated registry.
     */
    const isolatedReplayFunction = async () => {
      let loaded:
        | {
            invoke: (event: SQSEvent) => Promise<SQSBatchResponse>;
            lookups: () => unknown[];
            sent: () => number;
            restore: () => void;
          }
        | undefined;
      await jest.isolateModulesAsync(async () => {
        const mocks = await import('aws-sdk-client-mock');
        const sqsSdk = await import('@aws-sdk/client-sqs');
        const documentsSdk = await import('@aws-sdk/lib-dynamodb');
        const isolatedSqs = mocks.mockClient(sqsSdk.SQSClient);
        const isolatedDynamodb = mocks.mockClient(documentsSdk.DynamoDBDocumentClient);
        isolatedDynamodb.on(documentsSdk.GetCommand).resolves({ Item: stateItem(RUNNING) });
        isolatedDynamodb.on(documentsSdk.UpdateCommand).resolves({ Attributes: stateItem(RUNNING) });
        isolatedSqs.on(sqsSdk.GetQueueAttributesCommand).resolves(queueCounts());
        isolatedSqs.on(sqsSdk.GetQueueUrlCommand).resolves({ QueueUrl: DESTINATION_URL });
        isolatedSqs.on(sqsSdk.SendMessageCommand).resolves({});
        const module = await import(MODULE);
        loaded = {
          invoke: (event) => module.handler(event, aLambdaContext('replay')),
          lookups: () =>
            isolatedSqs.commandCalls(sqsSdk.GetQueueUrlCommand).map((call) => call.args[0].input),
          sent: () =>
            isolatedSqs
              .commandCalls(sqsSdk.SendMessageCommand)
              .filter((call) => call.args[0].input.QueueUrl === DESTINATION_URL).length,
          restore: () => {
            isolatedSqs.restore();
            isolatedDynamodb.restore();
          },
        };
      });
      if (!loaded) throw new Error('the replay function did not load');
      return loaded;
    };

    it('is looked up once, by queue name and owner account from the ARN, for all invocations', async () => {
      const replay = await isolatedReplayFunction();
      try {
        await replay.invoke(
          anSqsEvent([anOrderRecordAt('2026-11-21T10:10:00Z'), anOrderRecordAt('2026-11-21T10:20:00Z')]),
        );
        await replay.invoke(anSqsEvent([anOrderRecordAt('2026-11-21T10:30:00Z')]));
        expect(replay.lookups()).toEqual([
          { QueueName: 'checkout-CheckoutQueue-9Z8Y7X', QueueOwnerAWSAccountId: '210987654321' },
        ]);
        expect(replay.sent()).toBe(3);
      } finally {
        replay.restore();
      }
    });
  });

  it.each(['DESTINATION_QUEUE_ARN', 'REPLAY_STATE_TABLE_NAME', 'REPLAY_QUEUE_URL'])(
    'fails at start-up, naming the variable, when %s is not set',
    (variable) => expectStartUpToFailWithout(variable, () => import(MODULE)),
  );
});
