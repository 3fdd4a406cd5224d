import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { CircuitBreaker } from '../../../../src/domain/circuit-breaker';
import { type OrderEvent, storedOrderChecksum } from '../../../../src/domain/order';
import { corruptedCopy } from '../../../../src/functions/checkout/fault-mode';
import { aBreakerItem, aCountingBreaker, anOpenBreaker } from '../../../factories/circuit-breaker';
import { aLambdaContext } from '../../../factories/lambda-context';
import {
  anOrder,
  anOrderEvent,
  anOrderInput,
  type OrderRequestWithId,
  TEST_CARD_NUMBERS,
} from '../../../factories/order';
import { anOrderRecord, anSqsEvent, anSqsRecord, CHECKOUT_QUEUE_ARN } from '../../../factories/sqs';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import {
  expectStartUpToFailWithout,
  POWERTOOLS_TEST_ENVIRONMENT,
  setEnvironment,
  useFunctionHandler,
} from '../../../helpers/handler-environment';
import { reverseOrderGate } from '../../../helpers/reverse-order-gate';

const TABLE_NAME = 'checkout-CheckoutTable-1A2B3C';
const BREAKER_TABLE_NAME = 'checkout-CircuitBreakerTable-4D5E6F';
const FAULT_MODE_PARAMETER = '/checkout-test/CheckoutFaultMode';
const MODULE = '../../../../src/functions/checkout/index';
/** The function's own ARN, as its context gives it: the mapping it disables is the one that invokes it. */
const FUNCTION_ARN = aLambdaContext('checkout').invokedFunctionArn;
const MAPPING_UUID = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

/** What the template gives the function besides the fault switch: its table, queue and breaker. */
const ENVIRONMENT = {
  CHECKOUT_TABLE_NAME: TABLE_NAME,
  CHECKOUT_QUEUE_ARN,
  CIRCUIT_BREAKER_TABLE_NAME: BREAKER_TABLE_NAME,
  CIRCUIT_BREAKER_FAILURE_THRESHOLD: '3',
  CIRCUIT_BREAKER_WINDOW_SECONDS: '60',
  CIRCUIT_BREAKER_COOL_DOWN_SECONDS: '60',
};

const card = { number: TEST_CARD_NUMBERS.visa, cvv: '8642' };
/** A whole order with its card, as another publisher to the topic might send it. */
const anOrderWithCard = (id: string) => anOrder({ id, payment: { card } });

/** The event stored for an order message: the card reduced to network and last 4. */
const eventOf = (order: OrderRequestWithId): OrderEvent => anOrderEvent({ ...order, payment: order.payment });

/** The item the table holds for an order, in DynamoDB's marshalled form, as a failed condition returns it. */
const itemOf = (order: OrderRequestWithId, checksum?: string) => {
  const stored = eventOf(order);
  return marshall(
    { orderId: order.id, ...stored, checksum: checksum ?? storedOrderChecksum(stored) },
    { removeUndefinedValues: true },
  );
};

const conditionFailed = (item: ReturnType<typeof itemOf>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: item,
  });

const failedIds = (response: SQSBatchResponse) =>
  response.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort();

const ids = (records: SQSRecord[]) => records.map(({ messageId }) => messageId).sort();

/** Everything but Date stays real: the SDK mocks, middy and Powertools keep their own timing. */
const ONLY_DATE_IS_FAKE: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: [
    'hrtime',
    'nextTick',
    'performance',
    'queueMicrotask',
    'setImmediate',
    'clearImmediate',
    'setInterval',
    'clearInterval',
    'setTimeout',
    'clearTimeout',
  ],
};

describe('the checkout handler', () => {
  const dynamodb = mockClient(DynamoDBDocumentClient);
  const ssm = mockClient(SSMClient);
  const lambda = mockClient(LambdaClient);
  /*
   * The handler keeps the fault switch it read for 5 s. Each test starts a minute after the previous one
   * on a fake clock, so that it reads the switch afresh; tests of the cache move the clock themselves.
   */
  let clock = Date.now();
  let output: CapturedOutput;
  const handler = useFunctionHandler<SQSEvent, SQSBatchResponse>(
    'checkout',
    {
      ...ENVIRONMENT,
      FAULT_MODE_PARAMETER_NAME: FAULT_MODE_PARAMETER,
      // As Lambda sets it for on-demand execution environments: Powertools then reports cold starts.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    },
    () => import(MODULE),
  );

  afterAll(() => {
    dynamodb.restore();
    ssm.restore();
    lambda.restore();
  });

  const setFaultMode = (value: string) =>
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: FAULT_MODE_PARAMETER, Type: 'String', Value: value } });

  beforeEach(() => {
    jest.useFakeTimers(ONLY_DATE_IS_FAKE);
    clock += 60_000;
    jest.setSystemTime(clock);
    dynamodb.reset();
    dynamodb.on(PutCommand).resolves({});
    // No breaker stored yet: a closed one.
    dynamodb.on(GetCommand, { TableName: BREAKER_TABLE_NAME }).resolves({});
    ssm.reset();
    setFaultMode('off');
    lambda.reset();
    lambda
      .on(ListEventSourceMappingsCommand)
      .resolves({ EventSourceMappings: [{ UUID: MAPPING_UUID, State: 'Enabled' }] });
    lambda.on(UpdateEventSourceMappingCommand).resolves({ UUID: MAPPING_UUID, State: 'Disabling' });
    output = captureOutput();
  });

  afterEach(() => {
    output.restore();
    jest.useRealTimers();
  });

  /** The writes to the orders table (the breaker's table has its own). */
  const putItems = () =>
    dynamodb
      .commandCalls(PutCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.TableName === TABLE_NAME);

  it('stores every valid order of a batch and reports exactly the poison messages as failures', async () => {
    const valid = [
      anOrderRecord(anOrderWithCard('batch-order-1')),
      anOrderRecord(anOrderWithCard('batch-order-2')),
    ];
    const poison = [
      anSqsRecord('{"id": "batch-order-3", "payment": '),
      anSqsRecord(JSON.stringify(anOrder({ id: 'batch-order-4', payment: { amount: 1 } }))),
      anSqsRecord(JSON.stringify(anOrderInput())),
    ];
    const [first, second] = valid;
    const response = await handler(
      anSqsEvent([poison[0], first, poison[1], second, poison[2]] as SQSRecord[]),
    );

    expect(failedIds(response)).toEqual(ids(poison));
    expect(putItems()).toHaveLength(2);
    expect(putItems().map((input) => input.Item?.orderId)).toEqual(['batch-order-1', 'batch-order-2']);
    expect(putItems().every((input) => input.TableName === TABLE_NAME)).toBe(true);
  });

  it('answers an empty failure list when the whole batch is stored', async () => {
    const response = await handler(anSqsEvent([anOrderRecord(anOrder()), anOrderRecord(anOrder())]));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(putItems()).toHaveLength(2);
  });

  it('stores the order with only the network and the last 4 digits of the card', async () => {
    const order = anOrderWithCard('batch-order-5');
    await handler(anSqsEvent([anOrderRecord(order)]));
    const item = putItems()[0]?.Item;
    const { card: _card, ...payment } = order.payment;
    expect(item?.payment).toEqual({ ...payment, card: { network: 'visa', last4: '1111' } });
    expect(item?.checksum).toBe(storedOrderChecksum(eventOf(order)));
  });

  it('treats a message delivered twice as done, without writing again', async () => {
    const order = anOrder({ id: 'batch-order-6' });
    dynamodb.on(PutCommand).rejects(conditionFailed(itemOf(order)));
    const response = await handler(anSqsEvent([anOrderRecord(order)]));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(putItems()).toHaveLength(1);
  });

  it('fails only the message whose id is already stored with other content', async () => {
    const stored = anOrder({ id: 'batch-order-7' });
    const reused = anOrder({ id: 'batch-order-7', customer: { id: 'someone-else' } });
    const conflicting = anOrderRecord(reused);
    const fine = anOrderRecord(anOrder({ id: 'batch-order-8' }));
    dynamodb.on(PutCommand, { Item: { orderId: 'batch-order-7' } }).rejects(conditionFailed(itemOf(stored)));
    const response = await handler(anSqsEvent([conflicting, fine]));
    expect(failedIds(response)).toEqual([conflicting.messageId]);
  });

  it('fails only the message whose write DynamoDB refused, so that it is retried', async () => {
    const throttled = anOrderRecord(anOrder({ id: 'batch-order-9' }));
    const fine = anOrderRecord(anOrder({ id: 'batch-order-10' }));
    dynamodb
      .on(PutCommand, { Item: { orderId: 'batch-order-9' } })
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    const response = await handler(anSqsEvent([throttled, fine]));
    expect(failedIds(response)).toEqual([throttled.messageId]);
  });

  it('fails a batch in which every message failed as a whole', async () => {
    const event = anSqsEvent([anSqsRecord('not json'), anSqsRecord('[]')]);
    await expect(handler(event)).rejects.toThrow(FullBatchFailureError);
    expect(putItems()).toHaveLength(0);
  });

  it('logs why an order message failed, with its id and receive count', async () => {
    const poison = anSqsRecord(JSON.stringify(anOrder({ payment: { amount: 1 } })), {
      attributes: { ...anSqsRecord('').attributes, ApproximateReceiveCount: '3' },
    });
    await handler(anSqsEvent([poison, anOrderRecord(anOrder())]));
    expect(output.jsonLines()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Order message failed; it will be retried, then moved to the dead-letter queue',
        messageId: poison.messageId,
        receiveCount: '3',
        problems: ['payment.amount 1.00 does not equal the sum of the items 59.97'],
      }),
    );
  });

  it('logs each stored order with its id as correlation id, and emits EMF metrics', async () => {
    await handler(anSqsEvent([anOrderRecord(anOrder({ id: 'batch-order-11' }))]));
    const lines = output.jsonLines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Order stored',
        correlation_id: 'batch-order-11',
        function_name: 'checkout',
      }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ OrderStored: 1 }));
  });

  describe('card data', () => {
    const grouped = '4111-1111-1111-1111';
    const scenarios: [string, () => SQSEvent, () => void][] = [
      [
        'valid orders',
        () => anSqsEvent([anOrderRecord(anOrderWithCard('cd-1')), anOrderRecord(anOrderWithCard('cd-2'))]),
        () => undefined,
      ],
      [
        'a grouped card number',
        () => anSqsEvent([anOrderRecord(anOrder({ payment: { card: { ...card, number: grouped } } }))]),
        () => undefined,
      ],
      [
        'malformed JSON',
        () =>
          anSqsEvent([
            anSqsRecord(JSON.stringify(anOrderWithCard('cd-3')).slice(0, -2)),
            anOrderRecord(anOrder()),
          ]),
        () => undefined,
      ],
      [
        'an order that breaks the rules',
        () =>
          anSqsEvent([
            anSqsRecord(
              JSON.stringify({ ...anOrder({ id: 'cd-4', payment: { card, amount: 1 } }), pan: card.number }),
            ),
            anOrderRecord(anOrder()),
          ]),
        () => undefined,
      ],
      [
        'a conflict',
        () => anSqsEvent([anOrderRecord(anOrderWithCard('cd-5')), anOrderRecord(anOrder())]),
        () =>
          dynamodb
            .on(PutCommand, { Item: { orderId: 'cd-5' } })
            .rejects(conditionFailed(itemOf(anOrder({ id: 'cd-5' })))),
      ],
      [
        'a DynamoDB failure',
        () => anSqsEvent([anOrderRecord(anOrderWithCard('cd-6')), anOrderRecord(anOrder())]),
        () =>
          dynamodb.on(PutCommand, { Item: { orderId: 'cd-6' } }).rejects(new Error('Internal server error')),
      ],
      [
        'a batch that fails as a whole',
        () => anSqsEvent([anSqsRecord(JSON.stringify({ ...anOrderWithCard('cd-7'), date: 'yesterday' }))]),
        () => undefined,
      ],
    ];

    it.each(scenarios)('is never logged, at any level, for %s', async (_, event, arrange) => {
      arrange();
      await handler(event()).catch((error: unknown) => {
        expect(error).toBeInstanceOf(FullBatchFailureError);
        expect(cardDataIn(String(error), card)).toEqual([]);
      });
      expect(output.jsonLines().length).toBeGreaterThan(0);
      expect(cardDataIn(output.text(), card)).toEqual([]);
    });

    it.each(scenarios)('is never written to the table for %s', async (_, event, arrange) => {
      arrange();
      await handler(event()).catch(() => undefined);
      const written = JSON.stringify(putItems());
      expect(cardDataIn(written, card)).toEqual([]);
      expect(written).not.toMatch(/"(cvv|expiry|holder|number)"/);
    });

    it.each([
      ['spaced', '4111 1111 1111 1111', '**** **** **** 1111'],
      ['dotted', '4111.1111.1111.1111', '****.****.****.1111'],
      ['with no-break spaces', '4111\u00a01111\u00a01111\u00a01111', '****\u00a0****\u00a0****\u00a01111'],
      ['URL-encoded', '4111%2D1111%2D1111%2D1111', '****%2D****%2D****%2D1111'],
      [
        'in full-width digits',
        '\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11',
        '************\uff11\uff11\uff11\uff11',
      ],
    ])(
      'is masked in the texts of a message from another publisher, written %s, before it is stored or logged',
      async (_, written, masked) => {
        const order = anOrder({
          id: 'other-publisher-1',
          notes: `Charge ${written}`,
          shipping: { line2: written },
          items: [{ sku: 'GIFT-1', name: `Gift ${written}`, quantity: 1, unitPrice: 59.97 }],
          payment: { amount: 59.97, card },
        });
        await expect(handler(anSqsEvent([anOrderRecord(order)]))).resolves.toEqual({ batchItemFailures: [] });
        const item = putItems()[0]?.Item;
        expect(item?.notes).toBe(`Charge ${masked}`);
        expect(item?.shipping.line2).toBe(masked);
        expect(item?.items[0].name).toBe(`Gift ${masked}`);
        expect(item?.payment.card).toEqual({ network: 'visa', last4: '1111' });
        expect(item?.orderId).toBe('other-publisher-1');
        expect(JSON.stringify(item)).not.toContain(written);
        expect(output.text()).not.toContain(written);
      },
    );
  });

  it('stores an order event from the API as it is, keyed by its id', async () => {
    const event = anOrderEvent({ id: 'hold-1795937317-802' });
    await handler(anSqsEvent([anOrderRecord(event)]));
    expect(putItems()).toEqual([
      expect.objectContaining({
        Item: { orderId: 'hold-1795937317-802', ...event, checksum: storedOrderChecksum(event) },
      }),
    ]);
  });

  it('stores an order with a whole card from another publisher exactly as the API would have published it', async () => {
    const whole = anOrderWithCard('batch-order-12');
    await handler(anSqsEvent([anOrderRecord(whole)]));
    const event = eventOf(whole);
    expect(putItems()[0]?.Item).toEqual({
      orderId: whole.id,
      ...event,
      checksum: storedOrderChecksum(event),
    });
  });

  it.each(Object.keys(ENVIRONMENT))(
    'fails at start-up, naming the variable, when %s is not set',
    (variable) => expectStartUpToFailWithout(variable, () => import(MODULE)),
  );

  it.each([
    ['CIRCUIT_BREAKER_FAILURE_THRESHOLD', '0', 1],
    ['CIRCUIT_BREAKER_WINDOW_SECONDS', '1.5', 1],
    ['CIRCUIT_BREAKER_COOL_DOWN_SECONDS', 'a minute', 0],
  ])(
    'fails at start-up when %s is %j, not a whole number of at least %i',
    async (variable, value, minimum) => {
      const restore = setEnvironment({ [variable]: value });
      try {
        await jest.isolateModulesAsync(async () => {
          await expect(import(MODULE)).rejects.toThrow(
            `Environment variable ${variable} must be a whole number of at least ${minimum}`,
          );
        });
      } finally {
        restore();
      }
    },
  );

  it('logs a replayed order with the id of its replay', async () => {
    const order = anOrder({ id: 'replayed-order-1' });
    const record = anOrderRecord(order);
    record.messageAttributes.replayId = {
      dataType: 'String',
      stringValue: 'replay-2026-11-21-1',
      stringListValues: [],
      binaryListValues: [],
    };
    await handler(anSqsEvent([record]));
    expect(output.jsonLines()).toContainEqual(
      expect.objectContaining({
        message: 'Order stored',
        correlation_id: 'replayed-order-1',
        replayId: 'replay-2026-11-21-1',
      }),
    );
  });

  it("logs each order of a batch under its own id, without a neighbour's replay id", async () => {
    const replayed = anOrderRecord(anOrder({ id: 'batch-replayed' }));
    replayed.messageAttributes.replayId = {
      dataType: 'String',
      stringValue: 'replay-7',
      stringListValues: [],
      binaryListValues: [],
    };
    await handler(
      anSqsEvent([replayed, anOrderRecord(anOrder({ id: 'batch-plain' })), anSqsRecord('not json')]),
    );

    const lines = output.jsonLines();
    const stored = lines.filter((line) => line.message === 'Order stored');
    expect(stored.map(({ correlation_id, replayId }) => ({ correlation_id, replayId }))).toEqual([
      { correlation_id: 'batch-replayed', replayId: 'replay-7' },
      { correlation_id: 'batch-plain', replayId: undefined },
    ]);
    const failed = lines.find((line) => line.message?.toString().startsWith('Order message failed'));
    expect(failed).toBeDefined();
    expect(failed?.correlation_id).toBeUndefined();
  });

  it('reports a cold start on no order of a later invocation', async () => {
    await handler(anSqsEvent([anOrderRecord(anOrder())]));
    output.restore();
    output = captureOutput();

    await handler(anSqsEvent([anOrderRecord(anOrder()), anOrderRecord(anOrder())]));

    const stored = output.jsonLines().filter((line) => line.message === 'Order stored');
    expect(stored.map((line) => line.cold_start)).toEqual([false, false]);
  });

  describe('the circuit breaker', () => {
    const breakerRequests = () =>
      dynamodb
        .calls()
        .filter((call) => (call.args[0].input as { TableName?: string }).TableName === BREAKER_TABLE_NAME);
    const breakerPuts = () =>
      dynamodb
        .commandCalls(PutCommand)
        .map((call) => call.args[0].input)
        .filter((input) => input.TableName === BREAKER_TABLE_NAME);
    const listCalls = () =>
      lambda.commandCalls(ListEventSourceMappingsCommand).map((call) => call.args[0].input);
    const updates = () =>
      lambda.commandCalls(UpdateEventSourceMappingCommand).map((call) => call.args[0].input);
    const storedBreaker = (breaker: CircuitBreaker, version: number) =>
      dynamodb
        .on(GetCommand, { TableName: BREAKER_TABLE_NAME })
        .resolves({ Item: aBreakerItem(breaker, version) });
    /** Two failures counted 10 s ago: one more opens the breaker (threshold 3 within 60 s). */
    const oneFailureFromOpening = () => storedBreaker(aCountingBreaker(2, new Date(Date.now() - 10_000)), 4);
    const failingWrite = (orderId: string) =>
      dynamodb
        .on(PutCommand, { TableName: TABLE_NAME, Item: { orderId } })
        .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    const errorLines = () => output.jsonLines().filter((line) => line.level === 'ERROR');
    const TOLD_NOTHING = 'The circuit breaker could not be told of failed orders';

    it('makes no request to the breaker or to Lambda for a batch without failures', async () => {
      await handler(anSqsEvent([anOrderRecord(anOrder()), anOrderRecord(anOrder())]));
      expect(breakerRequests()).toEqual([]);
      expect(lambda.calls()).toEqual([]);
    });

    it('counts a failed DynamoDB write on the breaker, which stays closed below the threshold', async () => {
      const failed = anOrderRecord(anOrder({ id: 'breaker-order-1' }));
      failingWrite('breaker-order-1');
      const response = await handler(anSqsEvent([failed, anOrderRecord(anOrder())]));

      expect(failedIds(response)).toEqual([failed.messageId]);
      const now = new Date().toISOString();
      expect(breakerPuts()).toEqual([
        {
          TableName: BREAKER_TABLE_NAME,
          Item: expect.objectContaining({
            circuit: 'checkout',
            state: 'closed',
            failures: 1,
            windowStartedAt: now,
            lastFailureAt: now,
            version: 1,
          }),
          ConditionExpression: 'attribute_not_exists(version)',
        },
      ]);
      expect(lambda.calls()).toEqual([]);
    });

    it('counts each failed order of a batch once, in one change of the breaker', async () => {
      for (const id of ['breaker-order-2', 'breaker-order-3']) failingWrite(id);
      await handler(
        anSqsEvent([
          anOrderRecord(anOrder({ id: 'breaker-order-2' })),
          anOrderRecord(anOrder({ id: 'breaker-order-3' })),
          anOrderRecord(anOrder()),
        ]),
      );
      expect(breakerPuts().map(({ Item }) => Item?.failures)).toEqual([2]);
    });

    it('does not count a poison message or a conflicting order: they are no sign of an outage', async () => {
      const stored = anOrder({ id: 'breaker-order-4' });
      dynamodb
        .on(PutCommand, { TableName: TABLE_NAME, Item: { orderId: 'breaker-order-4' } })
        .rejects(conditionFailed(itemOf(stored)));
      const conflicting = anOrderRecord(anOrder({ id: 'breaker-order-4', customer: { id: 'someone-else' } }));
      const poison = anSqsRecord('{"id": "half an order"');

      const response = await handler(anSqsEvent([conflicting, poison, anOrderRecord(anOrder())]));

      expect(failedIds(response)).toEqual(ids([conflicting, poison]));
      expect(breakerRequests()).toEqual([]);
      expect(lambda.calls()).toEqual([]);
    });

    it('opens the breaker with the batch that reaches the threshold, and disables its own event source', async () => {
      oneFailureFromOpening();
      const failed = anOrderRecord(anOrder({ id: 'breaker-order-5' }));
      failingWrite('breaker-order-5');

      const response = await handler(anSqsEvent([failed, anOrderRecord(anOrder())]));

      expect(failedIds(response)).toEqual([failed.messageId]);
      expect(breakerPuts()).toEqual([
        {
          TableName: BREAKER_TABLE_NAME,
          Item: expect.objectContaining({ state: 'open', failures: 0, trips: 1, version: 5 }),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': 4 },
        },
      ]);
      expect(listCalls()).toEqual([
        expect.objectContaining({ FunctionName: FUNCTION_ARN, EventSourceArn: CHECKOUT_QUEUE_ARN }),
      ]);
      expect(updates()).toEqual([{ UUID: MAPPING_UUID, Enabled: false }]);
    });

    it('logs the transition as a warning and a metric, and says that processing stopped', async () => {
      oneFailureFromOpening();
      failingWrite('breaker-order-6');
      await handler(anSqsEvent([anOrderRecord(anOrder({ id: 'breaker-order-6' }))])).catch(() => undefined);

      const lines = output.jsonLines();
      const reason = '3 failures of the dependencies within 60 s (threshold 3)';
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          message: `Checkout circuit breaker closed -> open: ${reason}`,
          circuitBreaker: { from: 'closed', to: 'open', reason, trips: 1 },
        }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          message: 'Checkout processing stopped: orders wait in the queue until the circuit breaker closes',
          eventSourceMapping: MAPPING_UUID,
          state: 'Disabling',
        }),
      );
      expect(lines).toContainEqual(expect.objectContaining({ CircuitBreakerOpened: 1 }));
    });

    it.each(['Disabled', 'Disabling'])(
      'leaves a mapping that is already %s alone when the breaker opens',
      async (state) => {
        oneFailureFromOpening();
        lambda
          .on(ListEventSourceMappingsCommand)
          .resolves({ EventSourceMappings: [{ UUID: MAPPING_UUID, State: state }] });
        failingWrite('breaker-order-7');
        await handler(
          anSqsEvent([anOrderRecord(anOrder({ id: 'breaker-order-7' })), anOrderRecord(anOrder())]),
        );
        expect(breakerPuts()[0]?.Item?.state).toBe('open');
        expect(listCalls()).toHaveLength(1);
        expect(updates()).toEqual([]);
      },
    );

    it('keeps counting on a breaker that is already open, without looking for the mapping again', async () => {
      storedBreaker(anOpenBreaker(new Date(Date.now() - 5_000)), 9);
      failingWrite('breaker-order-8');
      await handler(
        anSqsEvent([anOrderRecord(anOrder({ id: 'breaker-order-8' })), anOrderRecord(anOrder())]),
      );
      expect(breakerPuts()).toEqual([
        expect.objectContaining({
          Item: expect.objectContaining({
            state: 'open',
            lastFailureAt: new Date().toISOString(),
            version: 10,
          }),
        }),
      ]);
      expect(lambda.calls()).toEqual([]);
    });

    it('logs an error when no mapping feeds the function from its queue', async () => {
      oneFailureFromOpening();
      lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
      failingWrite('breaker-order-9');
      const response = await handler(
        anSqsEvent([anOrderRecord(anOrder({ id: 'breaker-order-9' })), anOrderRecord(anOrder())]),
      );
      expect(response.batchItemFailures).toHaveLength(1);
      expect(updates()).toEqual([]);
      expect(errorLines()).toContainEqual(
        expect.objectContaining({
          message:
            'The circuit breaker opened but no event source mapping feeds this function from its queue',
          functionArn: FUNCTION_ARN,
          queueArn: CHECKOUT_QUEUE_ARN,
        }),
      );
    });

    const breakerFailures: [string, () => void][] = [
      [
        'reading the breaker fails',
        () =>
          dynamodb
            .on(GetCommand, { TableName: BREAKER_TABLE_NAME })
            .rejects(new Error('Internal server error')),
      ],
      [
        'writing the breaker fails',
        () =>
          dynamodb
            .on(PutCommand, { TableName: BREAKER_TABLE_NAME })
            .rejects(new Error('Internal server error')),
      ],
      [
        'listing the mappings fails',
        () => {
          oneFailureFromOpening();
          lambda.on(ListEventSourceMappingsCommand).rejects(new Error('AccessDeniedException'));
        },
      ],
      [
        'disabling the mapping fails',
        () => {
          oneFailureFromOpening();
          lambda.on(UpdateEventSourceMappingCommand).rejects(new Error('ResourceInUseException'));
        },
      ],
    ];

    it.each(breakerFailures)(
      'answers the same batch response, and logs an error, when %s',
      async (_, arrange) => {
        arrange();
        failingWrite('breaker-order-10');
        const failed = anOrderRecord(anOrder({ id: 'breaker-order-10' }));
        const response = await handler(anSqsEvent([failed, anOrderRecord(anOrder())]));
        expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: failed.messageId }] });
        expect(putItems()).toHaveLength(2);
        expect(errorLines()).toContainEqual(expect.objectContaining({ message: TOLD_NOTHING }));
      },
    );

    it.each(breakerFailures)('still fails a batch that failed as a whole when %s', async (_, arrange) => {
      arrange();
      failingWrite('breaker-order-11');
      await expect(handler(anSqsEvent([anOrderRecord(anOrder({ id: 'breaker-order-11' }))]))).rejects.toThrow(
        FullBatchFailureError,
      );
      expect(errorLines()).toContainEqual(expect.objectContaining({ message: TOLD_NOTHING }));
    });
  });

  describe('the game-day fault switch', () => {
    const getParameterCalls = () => ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input);

    it('is read from the SSM parameter FAULT_MODE_PARAMETER_NAME names, once per batch', async () => {
      await handler(
        anSqsEvent([anOrderRecord(anOrder()), anOrderRecord(anOrder()), anOrderRecord(anOrder())]),
      );
      expect(getParameterCalls()).toEqual([expect.objectContaining({ Name: FAULT_MODE_PARAMETER })]);
    });

    it('set to "fail" fails every order of the batch, writing nothing, and logs each under its order id', async () => {
      setFaultMode('fail');
      const records = [
        anOrderRecord(anOrderWithCard('fault-fail-1')),
        anOrderRecord(anOrder({ id: 'fault-fail-2' })),
      ];
      await expect(handler(anSqsEvent(records))).rejects.toThrow(FullBatchFailureError);
      expect(putItems()).toEqual([]);
      const failures = output
        .jsonLines()
        .filter(
          (line) =>
            line.message === 'Order message failed; it will be retried, then moved to the dead-letter queue',
        );
      expect(failures.map((line) => line.messageId).sort()).toEqual(ids(records));
      expect(failures.map((line) => line.correlation_id).sort()).toEqual(['fault-fail-1', 'fault-fail-2']);
      expect(
        failures.every((line) => (line.error as { name?: string })?.name === 'SimulatedOutageError'),
      ).toBe(true);
      expect(cardDataIn(output.text(), card)).toEqual([]);
    });

    it('set to "fail" counts every failed order on the circuit breaker, as an outage would', async () => {
      setFaultMode('fail');
      await expect(
        handler(anSqsEvent([anOrderRecord(anOrder()), anOrderRecord(anOrder()), anOrderRecord(anOrder())])),
      ).rejects.toThrow(FullBatchFailureError);
      const breakerPuts = dynamodb
        .commandCalls(PutCommand)
        .map((call) => call.args[0].input)
        .filter((input) => input.TableName === BREAKER_TABLE_NAME);
      expect(breakerPuts).toEqual([
        expect.objectContaining({ Item: expect.objectContaining({ state: 'open', trips: 1 }) }),
      ]);
      expect(lambda.commandCalls(UpdateEventSourceMappingCommand)).toHaveLength(1);
    });

    it('set to "corrupt" stores a damaged item that keeps the checksum of the real order', async () => {
      setFaultMode('corrupt');
      const order = anOrderWithCard('fault-corrupt-1');
      const response = await handler(anSqsEvent([anOrderRecord(order)]));
      expect(response).toEqual({ batchItemFailures: [] });
      const stored = eventOf(order);
      expect(putItems()).toEqual([
        expect.objectContaining({
          TableName: TABLE_NAME,
          Item: { orderId: order.id, ...corruptedCopy(stored), checksum: storedOrderChecksum(stored) },
          ConditionExpression: 'attribute_not_exists(orderId)',
        }),
      ]);
    });

    it('set back to "off" lets the same message repair the damaged item', async () => {
      const order = anOrderWithCard('fault-corrupt-2');
      const stored = eventOf(order);
      const checksum = storedOrderChecksum(stored);
      const damaged = marshall(
        { orderId: order.id, ...corruptedCopy(stored), checksum },
        { removeUndefinedValues: true },
      );
      dynamodb
        .on(PutCommand, { ConditionExpression: 'attribute_not_exists(orderId)' })
        .rejects(conditionFailed(damaged));

      const response = await handler(anSqsEvent([anOrderRecord(order)]));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(putItems()[1]).toEqual({
        TableName: TABLE_NAME,
        Item: { orderId: order.id, ...stored, checksum },
        ConditionExpression: 'checksum = :expected',
        ExpressionAttributeValues: { ':expected': checksum },
      });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({ message: 'Order repaired', orderId: order.id }),
      );
    });

    it.each(['on', 'maintenance', 'FAIL!'])(
      'set to the unknown value %j processes normally, with a warning',
      async (value) => {
        setFaultMode(value);
        const response = await handler(anSqsEvent([anOrderRecord(anOrder())]));
        expect(response).toEqual({ batchItemFailures: [] });
        expect(putItems()).toHaveLength(1);
        expect(output.jsonLines()).toContainEqual(
          expect.objectContaining({
            level: 'WARN',
            message: 'Unknown checkout fault mode; processing normally',
            value,
          }),
        );
      },
    );

    it('accepts the mode in any case, with blanks around it', async () => {
      setFaultMode(' FAIL\n');
      await expect(handler(anSqsEvent([anOrderRecord(anOrder())]))).rejects.toThrow(FullBatchFailureError);
    });

    it.each<[string, Error]>([
      ['missing', new ParameterNotFound({ message: 'Parameter not found', $metadata: {} })],
      ['unreadable', new Error('AccessDeniedException: not authorized to perform ssm:GetParameter')],
    ])('processes normally, with a warning, when the parameter is %s', async (_, error) => {
      ssm.on(GetParameterCommand).rejects(error);
      const response = await handler(anSqsEvent([anOrderRecord(anOrder()), anOrderRecord(anOrder())]));
      expect(response).toEqual({ batchItemFailures: [] });
      expect(putItems()).toHaveLength(2);
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          message: 'The checkout fault switch cannot be read; processing normally',
        }),
      );
    });

    it('is kept for 5 seconds, then read again, so that a game day flips it without a deployment', async () => {
      setFaultMode('fail');
      await expect(handler(anSqsEvent([anOrderRecord(anOrder())]))).rejects.toThrow(FullBatchFailureError);
      setFaultMode('off');

      jest.setSystemTime(clock + 4_000);
      await expect(handler(anSqsEvent([anOrderRecord(anOrder())]))).rejects.toThrow(FullBatchFailureError);
      expect(getParameterCalls()).toHaveLength(1);

      jest.setSystemTime(clock + 6_000);
      await expect(handler(anSqsEvent([anOrderRecord(anOrder())]))).resolves.toEqual({
        batchItemFailures: [],
      });
      expect(getParameterCalls()).toHaveLength(2);
      expect(putItems()).toHaveLength(1);
    });
  });
});

describe('the checkout handler of a stack without fault injection (no FAULT_MODE_PARAMETER_NAME)', () => {
  let output: CapturedOutput;
  let restoreEnvironment = () => {};
  let faultModeParameterName: string | undefined;

  beforeAll(() => {
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: 'checkout',
      ...ENVIRONMENT,
    });
    faultModeParameterName = process.env.FAULT_MODE_PARAMETER_NAME;
    delete process.env.FAULT_MODE_PARAMETER_NAME;
  });

  afterAll(() => {
    if (faultModeParameterName !== undefined) process.env.FAULT_MODE_PARAMETER_NAME = faultModeParameterName;
    restoreEnvironment();
  });

  beforeEach(() => {
    output = captureOutput();
  });

  afterEach(() => output.restore());

  /**
   * Runs `test` with the function module loaded afresh (a cold start in this environment), in a module
   * registry of its own: the SDK clients are that registry's, so they are mocked there, and the switch's
   * module would load into it too. The whole test runs inside, so that nothing it loads lazily escapes.
   */
  const withAFreshModule = (
    test: (loaded: {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
      /** Every request to SSM, by any SSM client of the module. */
      ssmRequests: () => unknown[];
      /** The orders table's writes. */
      orderPuts: () => unknown[];
    }) => Promise<void>,
  ) =>
    jest.isolateModulesAsync(async () => {
      const ssmModule: typeof import('@aws-sdk/client-ssm') = await import('@aws-sdk/client-ssm');
      const documentsModule: typeof import('@aws-sdk/lib-dynamodb') = await import('@aws-sdk/lib-dynamodb');
      const ssm = mockClient(ssmModule.SSMClient);
      const documents = mockClient(documentsModule.DynamoDBDocumentClient);
      documents.on(documentsModule.PutCommand).resolves({});
      documents.on(documentsModule.GetCommand).resolves({});
      try {
        const { handler } = (await import(MODULE)) as {
          handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
        };
        await test({
          handler,
          ssmRequests: () => ssm.calls(),
          orderPuts: () =>
            documents
              .commandCalls(documentsModule.PutCommand)
              .filter((call) => call.args[0].input.TableName === TABLE_NAME),
        });
      } finally {
        ssm.restore();
        documents.restore();
      }
    });

  it('stores orders normally and never reads the fault switch, in any batch', async () => {
    await withAFreshModule(async ({ handler, ssmRequests, orderPuts }) => {
      const first = await handler(
        anSqsEvent([anOrderRecord(anOrder()), anOrderRecord(anOrder())]),
        aLambdaContext('checkout'),
      );
      const poison = anSqsRecord('not json');
      const second = await handler(
        anSqsEvent([anOrderRecord(anOrder()), poison]),
        aLambdaContext('checkout'),
      );

      expect(first).toEqual({ batchItemFailures: [] });
      expect(second).toEqual({ batchItemFailures: [{ itemIdentifier: poison.messageId }] });
      expect(orderPuts()).toHaveLength(3);
      expect(ssmRequests()).toEqual([]);
      expect(output.jsonLines()).not.toContainEqual(
        expect.objectContaining({ message: expect.stringContaining('fault switch') }),
      );
    });
  });
});

describe('the checkout handler in a new execution environment', () => {
  let output: CapturedOutput;
  let restoreEnvironment = () => {};
  let faultModeParameterName: string | undefined;

  beforeAll(() => {
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: 'checkout',
      ...ENVIRONMENT,
      // As Lambda sets it for on-demand execution environments: Powertools then reports cold starts.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    });
    faultModeParameterName = process.env.FAULT_MODE_PARAMETER_NAME;
    delete process.env.FAULT_MODE_PARAMETER_NAME;
  });

  afterAll(() => {
    if (faultModeParameterName !== undefined) process.env.FAULT_MODE_PARAMETER_NAME = faultModeParameterName;
    restoreEnvironment();
  });

  beforeEach(() => {
    output = captureOutput();
  });

  afterEach(() => output.restore());

  /**
   * Runs `test` with the function module loaded afresh, as in a new execution environment, in a module
   * registry of its own whose DynamoDB writes to the orders table are answered in the reverse order of
   * their start (the last first), and fail for the orders in `failing`.
   */
  const inANewEnvironment = (
    test: (loaded: {
      handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
      failing: Set<string>;
      gate: ReturnType<typeof reverseOrderGate>;
    }) => Promise<void>,
  ) =>
    jest.isolateModulesAsync(async () => {
      const documentsModule: typeof import('@aws-sdk/lib-dynamodb') = await import('@aws-sdk/lib-dynamodb');
      const documents = mockClient(documentsModule.DynamoDBDocumentClient);
      const failing = new Set<string>();
      const gate = reverseOrderGate();
      documents.on(documentsModule.GetCommand).resolves({});
      documents.on(documentsModule.PutCommand, { TableName: BREAKER_TABLE_NAME }).resolves({});
      documents.on(documentsModule.PutCommand, { TableName: TABLE_NAME }).callsFake(async (input) => {
        await gate.hold();
        if (failing.has(input.Item.orderId)) {
          throw new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
        }
        return {};
      });
      try {
        const { handler } = (await import(MODULE)) as {
          handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
        };
        await test({ handler, failing, gate });
      } finally {
        documents.restore();
      }
    });

  it('processes the records of a batch concurrently, each line under its own order id', async () => {
    await inANewEnvironment(async ({ handler, failing, gate }) => {
      const orders = Array.from({ length: 10 }, () => anOrder());
      const failed = orders.slice(3, 5).map(({ id }) => id);
      for (const id of failed) failing.add(id);

      const response = await handler(
        anSqsEvent(orders.map((order) => anOrderRecord(order))),
        aLambdaContext('checkout'),
      );

      expect(response.batchItemFailures).toHaveLength(2);
      expect(gate.crossed).toBe(10);
      const lines = output.jsonLines();
      const stored = lines.filter((line) => line.message === 'Order stored');
      expect(stored).toHaveLength(8);
      for (const line of stored) expect(line.correlation_id).toBe(line.orderId);
      // The table answered the last write first.
      expect(stored.map((line) => line.orderId)).toEqual(
        orders
          .map(({ id }) => id)
          .filter((id) => !failed.includes(id))
          .reverse(),
      );
      const errors = lines.filter(
        (line) =>
          line.message === 'Order message failed; it will be retried, then moved to the dead-letter queue',
      );
      expect(errors.map((line) => line.correlation_id).sort()).toEqual([...failed].sort());
    });
  });

  it('reports a cold start on every line of its first invocation only, and the ColdStart metric once', async () => {
    await inANewEnvironment(async ({ handler, failing }) => {
      const first = [anOrder(), anOrder(), anOrder()];
      failing.add(first[1]?.id ?? '');
      await handler(anSqsEvent(first.map((order) => anOrderRecord(order))), aLambdaContext('checkout'));
      const firstOutput = output.jsonLines();
      output.clear();
      await handler(
        anSqsEvent([anOrderRecord(anOrder()), anOrderRecord(anOrder()), anSqsRecord('not json')]),
        aLambdaContext('checkout'),
      );
      const laterOutput = output.jsonLines();
      const logLines = (lines: Record<string, unknown>[]) => lines.filter((line) => 'level' in line);

      expect(logLines(firstOutput).map((line) => line.message)).toEqual(
        expect.arrayContaining([
          'Order stored',
          'Order message failed; it will be retried, then moved to the dead-letter queue',
        ]),
      );
      expect(logLines(firstOutput).every((line) => line.cold_start === true)).toBe(true);
      expect(logLines(laterOutput).map((line) => line.cold_start)).toEqual([false, false, false]);
      const coldStartMetrics = [...firstOutput, ...laterOutput].filter((line) => 'ColdStart' in line);
      expect(coldStartMetrics).toEqual([expect.objectContaining({ ColdStart: 1 })]);
    });
  });

  it('loads the Lambda client only when the circuit breaker opens, and creates it once', async () => {
    const lambdaModule = '@aws-sdk/client-lambda';
    let loads = 0;
    let clients = 0;
    let lambda: ReturnType<typeof mockClient> | undefined;
    // Counts the loads of the SDK module in the fresh registry, and the clients made from it (mocked).
    jest.doMock(lambdaModule, () => {
      loads += 1;
      const actual: typeof import('@aws-sdk/client-lambda') = jest.requireActual(lambdaModule);
      lambda = mockClient(actual.LambdaClient);
      lambda
        .on(actual.ListEventSourceMappingsCommand)
        .resolves({ EventSourceMappings: [{ UUID: MAPPING_UUID, State: 'Enabled' }] });
      lambda.on(actual.UpdateEventSourceMappingCommand).resolves({ UUID: MAPPING_UUID, State: 'Disabling' });
      class CountedLambdaClient extends actual.LambdaClient {
        constructor(...args: ConstructorParameters<typeof actual.LambdaClient>) {
          super(...args);
          clients += 1;
        }
      }
      return { ...actual, LambdaClient: CountedLambdaClient };
    });
    try {
      await inANewEnvironment(async ({ handler, failing }) => {
        await handler(anSqsEvent([anOrderRecord(anOrder())]), aLambdaContext('checkout'));
        expect(loads).toBe(0);

        // Three dependency failures reach the threshold: the breaker opens, and the event source is disabled.
        const openingBatch = () => {
          const orders = [anOrder(), anOrder(), anOrder()];
          for (const { id } of orders) failing.add(id);
          return handler(anSqsEvent(orders.map((order) => anOrderRecord(order))), aLambdaContext('checkout'));
        };
        // (The error classes of the fresh registry are its own: the message tells the batch failed whole.)
        await expect(openingBatch()).rejects.toThrow('All records failed processing');
        await expect(openingBatch()).rejects.toThrow('All records failed processing');

        expect(loads).toBe(1);
        expect(clients).toBe(1);
        expect(lambda?.calls().map((call) => call.args[0].constructor.name)).toEqual([
          'ListEventSourceMappingsCommand',
          'UpdateEventSourceMappingCommand',
          'ListEventSourceMappingsCommand',
          'UpdateEventSourceMappingCommand',
        ]);
      });
    } finally {
      lambda?.restore();
      jest.dontMock(lambdaModule);
    }
  });
});
