import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { ReplayState } from '../../../../src/adapters/dynamodb-replay-state';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { anOrderRecord, anSqsEvent, anSqsRecord } from '../../../factories/sqs';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { expectStartUpToFailWithout, useFunctionHandler } from '../../../helpers/handler-environment';

const MODULE = '../../../../src/functions/replay/index';
const STATE_TABLE = 'checkout-EventReplay-ReplayStateTable-1A2B3C';
const DESTINATION_ARN = 'arn:aws:sqs:eu-west-1:210987654321:checkout-CheckoutQueue-9Z8Y7X';
const DESTINATION_URL = 'https://sqs.eu-west-1.amazonaws.com/210987654321/checkout-CheckoutQueue-9Z8Y7X';

const RUNNING: ReplayState = {
  replayId: 'replay-2026-11-21-1',
  since: '2026-11-21T10:00:00.000Z',
  until: '2026-11-21T11:00:00.000Z',
  startedAt: '2026-11-21T12:00:00.000Z',
  status: 'running',
  forwarded: 0,
  skipped: 0,
};

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
  let output: CapturedOutput;
  const handler = useFunctionHandler<SQSEvent, SQSBatchResponse>(
    'replay',
    { DESTINATION_QUEUE_ARN: DESTINATION_ARN, REPLAY_STATE_TABLE_NAME: STATE_TABLE },
    () => import(MODULE),
  );

  afterAll(() => {
    dynamodb.restore();
    sqs.restore();
  });

  beforeEach(() => {
    dynamodb.reset();
    sqs.reset();
    dynamodb.on(GetCommand).resolves({ Item: stateItem(RUNNING) });
    dynamodb.on(UpdateCommand).resolves({});
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: DESTINATION_URL });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'sent-1' });
    output = captureOutput();
  });

  afterEach(() => output.restore());

  const sent = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
  const updates = () => dynamodb.commandCalls(UpdateCommand).map((call) => call.args[0].input);

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

    it('counts the batch with one conditional ADD on the replay it read', async () => {
      await handler(
        anSqsEvent([
          anOrderRecordAt('2026-11-21T10:10:00Z'),
          anOrderRecordAt('2026-11-21T10:20:00Z'),
          anOrderRecordAt('2026-11-21T10:30:00Z'),
          anOrderRecordAt('2026-11-21T09:00:00Z'),
          anSqsRecord('{}'),
        ]),
      );
      expect(updates()).toEqual([
        {
          TableName: STATE_TABLE,
          Key: { replay: 'current' },
          UpdateExpression: 'ADD forwarded :forwarded, skipped :skipped',
          ConditionExpression: 'replayId = :replayId',
          ExpressionAttributeValues: { ':forwarded': 3, ':skipped': 2, ':replayId': RUNNING.replayId },
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

    it('sends nothing and counts every order as skipped when none is in the window', async () => {
      const response = await handler(
        anSqsEvent([anOrderRecordAt('2026-11-22T10:10:00Z'), anOrderRecordAt('2025-11-21T10:10:00Z')]),
      );
      expect(response).toEqual({ batchItemFailures: [] });
      expect(sent()).toEqual([]);
      expect(updates()[0]?.ExpressionAttributeValues).toMatchObject({ ':forwarded': 0, ':skipped': 2 });
    });

    it('fails only the order whose SendMessage failed, and counts only what was sent', async () => {
      const refused = anOrderRecordAt('2026-11-21T10:10:00Z');
      const fine = anOrderRecordAt('2026-11-21T10:20:00Z');
      const skipped = anOrderRecordAt('2026-11-21T12:00:00Z');
      sqs.on(SendMessageCommand, { MessageBody: refused.body }).rejects(new Error('Throttled'));

      const response = await handler(anSqsEvent([refused, fine, skipped]));

      expect(failedIds(response)).toEqual([refused.messageId]);
      expect(sent().map((input) => input.MessageBody)).toEqual([refused.body, fine.body]);
      expect(updates()[0]?.ExpressionAttributeValues).toMatchObject({ ':forwarded': 1, ':skipped': 1 });
    });

    it('reports every order as failed, without failing the invocation, when nothing could be sent', async () => {
      sqs.on(SendMessageCommand).rejects(new Error('Access denied'));
      const records = [anOrderRecordAt('2026-11-21T10:10:00Z'), anOrderRecordAt('2026-11-21T10:20:00Z')];
      const response = await handler(anSqsEvent(records));
      expect(failedIds(response)).toEqual(ids(records));
      expect(updates()[0]?.ExpressionAttributeValues).toMatchObject({ ':forwarded': 0, ':skipped': 0 });
    });

    it('logs a summary of the batch with the replay id, and emits EMF metrics', async () => {
      const failing = anOrderRecordAt('2026-11-21T10:20:00Z');
      sqs.on(SendMessageCommand, { MessageBody: failing.body }).rejects(new Error('Throttled'));
      await handler(
        anSqsEvent([
          anOrderRecordAt('2026-11-21T10:10:00Z'),
          failing,
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
          failed: 1,
          function_name: 'replay',
        }),
      );
      expect(lines).toContainEqual(expect.objectContaining({ OrderReplayed: 1, OrderSkipped: 1 }));
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
      dynamodb
        .on(UpdateCommand)
        .rejects(
          new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
        );
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
        isolatedDynamodb.on(documentsSdk.UpdateCommand).resolves({});
        isolatedSqs.on(sqsSdk.GetQueueUrlCommand).resolves({ QueueUrl: DESTINATION_URL });
        isolatedSqs.on(sqsSdk.SendMessageCommand).resolves({});
        const module = await import(MODULE);
        loaded = {
          invoke: (event) => module.handler(event, aLambdaContext('replay')),
          lookups: () =>
            isolatedSqs.commandCalls(sqsSdk.GetQueueUrlCommand).map((call) => call.args[0].input),
          sent: () => isolatedSqs.commandCalls(sqsSdk.SendMessageCommand).length,
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

  it.each(['DESTINATION_QUEUE_ARN', 'REPLAY_STATE_TABLE_NAME'])(
    'fails at start-up, naming the variable, when %s is not set',
    (variable) => expectStartUpToFailWithout(variable, () => import(MODULE)),
  );
});
