import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { type OrderEvent, storedOrderChecksum } from '../../../../src/domain/order';
import { corruptedCopy } from '../../../../src/functions/checkout/fault-mode';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrder, anOrderEvent } from '../../../factories/order';
import { anOrderRecord, anSqsEvent, anSqsRecord } from '../../../factories/sqs';
import { cardDataIn } from '../../../helpers/card-data';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';
import { QUIET_POWERTOOLS, useMotoServer } from '../../../helpers/moto';

type Handler = (event: unknown, context: unknown) => Promise<SQSBatchResponse>;

const TABLE = 'checkout-orders';
const BREAKER_TABLE = 'checkout-circuit-breaker';
const MODULE = '../../../../src/functions/checkout';
/** The fault switch of the handler most tests use; `off`, as the template's default. */
const FAULT_MODE_PARAMETER = '/checkout-it/CheckoutFaultMode';

/** The item CheckoutTable should hold for an order event: the event as it is. */
const itemOf = (order: OrderEvent) => ({ orderId: order.id, ...order, checksum: storedOrderChecksum(order) });

describe('the checkout function against moto', () => {
  const moto = useMotoServer();
  let handler: Handler;
  let documents: DynamoDBDocumentClient;
  let ssm: SSMClient;
  let restoreEnvironment: () => void;

  const storedItem = async (orderId: string) =>
    (await documents.send(new GetCommand({ TableName: TABLE, Key: { orderId } }))).Item;

  beforeAll(async () => {
    const dynamodb = new DynamoDBClient(moto.clientConfig());
    documents = DynamoDBDocumentClient.from(dynamodb);
    await dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      }),
    );
    await dynamodb.send(
      new CreateTableCommand({
        TableName: BREAKER_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'circuit', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'circuit', KeyType: 'HASH' }],
      }),
    );
    ssm = new SSMClient(moto.clientConfig());
    await setFaultSwitch(FAULT_MODE_PARAMETER, 'off');
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      ...moto.environment(),
      ...QUIET_POWERTOOLS,
      POWERTOOLS_SERVICE_NAME: 'checkout',
      CHECKOUT_TABLE_NAME: TABLE,
      CHECKOUT_QUEUE_ARN: 'arn:aws:sqs:us-east-1:123456789012:checkout-queue',
      CIRCUIT_BREAKER_TABLE_NAME: BREAKER_TABLE,
      CIRCUIT_BREAKER_FAILURE_THRESHOLD: '1000',
      CIRCUIT_BREAKER_WINDOW_SECONDS: '60',
      CIRCUIT_BREAKER_COOL_DOWN_SECONDS: '60',
      FAULT_MODE_PARAMETER_NAME: FAULT_MODE_PARAMETER,
    });
    ({ handler } = (await import(MODULE)) as unknown as { handler: Handler });
  });

  const setFaultSwitch = (name: string, value: string) =>
    ssm.send(new PutParameterCommand({ Name: name, Type: 'String', Value: value, Overwrite: true }));

  /**
   * A cold start of the function reading the fault switch `parameterName`: a module instance of its own,
   * since a running one keeps the switch it read for 5 s.
   */
  const coldStartedHandler = async (parameterName: string): Promise<Handler> => {
    const restore = setEnvironment({ FAULT_MODE_PARAMETER_NAME: parameterName });
    try {
      let loaded: Handler | undefined;
      await jest.isolateModulesAsync(async () => {
        ({ handler: loaded } = (await import(MODULE)) as unknown as { handler: Handler });
      });
      if (!loaded) throw new Error('the checkout function did not load');
      return loaded;
    } finally {
      restore();
    }
  };

  afterAll(() => restoreEnvironment());

  it('stores the valid orders of a batch and reports only the poison message as failed', async () => {
    const first = anOrderEvent();
    const second = anOrderEvent();
    const poison = anSqsRecord('{"id": "half an order"');

    const response = await handler(
      anSqsEvent([anOrderRecord(first), poison, anOrderRecord(second)]),
      aLambdaContext(),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
    for (const order of [first, second]) expect(await storedItem(order.id)).toEqual(itemOf(order));
  });

  it('keeps only the card network and last 4 digits of a whole card from another publisher', async () => {
    const order = anOrder({ notes: 'card 4111 1111 1111 1111', payment: { card: { cvv: '8642' } } });

    expect(await handler(anSqsEvent([anOrderRecord(order)]), aLambdaContext())).toEqual({
      batchItemFailures: [],
    });

    const item = await storedItem(order.id);
    expect(item?.payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(item?.notes).toBe('card **** **** **** 1111');
    expect(
      cardDataIn(JSON.stringify(item), { number: order.payment.card?.number ?? '', cvv: '8642' }),
    ).toEqual([]);
    expect(JSON.stringify(item)).not.toMatch(/"(cvv|expiry|holder|number)"/);
    expect(item).toEqual(itemOf(anOrderEvent({ ...order, payment: order.payment, notes: item?.notes })));
  });

  it('leaves exactly the same single item when the same order is delivered twice', async () => {
    const order = anOrderEvent();
    await handler(anSqsEvent([anOrderRecord(order)]), aLambdaContext());
    const first = await storedItem(order.id);

    const again = await handler(anSqsEvent([anOrderRecord(order), anOrderRecord(order)]), aLambdaContext());

    expect(again.batchItemFailures).toEqual([]);
    expect(await storedItem(order.id)).toEqual(first);
    const { Items = [] } = await documents.send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'orderId = :id',
        ExpressionAttributeValues: { ':id': order.id },
      }),
    );
    expect(Items).toHaveLength(1);
  });

  it('stores exactly the 10 orders of a batch processed concurrently; the same batch again leaves them as they are', async () => {
    const orders = Array.from({ length: 10 }, () => anOrderEvent());
    const batch = anSqsEvent(orders.map((order) => anOrderRecord(order)));
    const itemsOfTheBatch = async () => {
      const { Items = [] } = await documents.send(
        new ScanCommand({
          TableName: TABLE,
          FilterExpression: 'orderId IN (:o0, :o1, :o2, :o3, :o4, :o5, :o6, :o7, :o8, :o9)',
          ExpressionAttributeValues: Object.fromEntries(
            orders.map((order, index) => [`:o${index}`, order.id]),
          ),
        }),
      );
      return Items.sort((a, b) => String(a.orderId).localeCompare(String(b.orderId)));
    };

    expect(await handler(batch, aLambdaContext())).toEqual({ batchItemFailures: [] });
    const stored = await itemsOfTheBatch();
    expect(stored).toEqual(orders.map(itemOf).sort((a, b) => a.orderId.localeCompare(b.orderId)));

    // Redelivered as a whole (e.g. after a timeout): every write finds its order already stored.
    expect(await handler(batch, aLambdaContext())).toEqual({ batchItemFailures: [] });
    expect(await itemsOfTheBatch()).toEqual(stored);
  });

  it('refuses a different order under an id that is already stored, and keeps the first', async () => {
    const order = anOrderEvent();
    await handler(anSqsEvent([anOrderRecord(order)]), aLambdaContext());
    const conflicting = anOrderRecord(
      anOrderEvent({ id: order.id, notes: 'a different order under the same key' }),
    );
    const unrelated = anOrderEvent();

    const response = await handler(anSqsEvent([conflicting, anOrderRecord(unrelated)]), aLambdaContext());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: conflicting.messageId }]);
    expect((await storedItem(order.id))?.notes).toBeUndefined();
    expect(await storedItem(unrelated.id)).toBeDefined();
  });

  it('fails the invocation when every message of the batch fails, so that the whole batch is retried', async () => {
    await expect(
      handler(anSqsEvent([anSqsRecord('not json'), anSqsRecord('{}')]), aLambdaContext()),
    ).rejects.toThrow('All records failed processing');
  });

  describe('with the game-day fault switch', () => {
    it('set to "fail" fails the whole batch, so that every order is retried, and stores nothing', async () => {
      await setFaultSwitch('/checkout-it/fault-fail', 'fail');
      const failing = await coldStartedHandler('/checkout-it/fault-fail');
      const orders = [anOrderEvent(), anOrderEvent(), anOrderEvent()];

      await expect(
        failing(anSqsEvent(orders.map((order) => anOrderRecord(order))), aLambdaContext()),
      ).rejects.toThrow('All records failed processing');

      for (const order of orders) expect(await storedItem(order.id)).toBeUndefined();
      const breaker = (
        await documents.send(new GetCommand({ TableName: BREAKER_TABLE, Key: { circuit: 'checkout' } }))
      ).Item;
      expect(breaker).toMatchObject({ state: 'closed', failures: expect.any(Number) });
      expect(breaker?.failures).toBeGreaterThanOrEqual(orders.length);
    });

    it('set to "corrupt" stores a damaged item; once it is back to "off", the same message repairs it', async () => {
      const parameter = '/checkout-it/fault-corrupt';
      const order = anOrderEvent();
      const message = anSqsEvent([anOrderRecord(order)]);
      await setFaultSwitch(parameter, 'corrupt');
      const corrupting = await coldStartedHandler(parameter);

      expect(await corrupting(message, aLambdaContext())).toEqual({ batchItemFailures: [] });
      const damaged = await storedItem(order.id);
      expect(damaged).toEqual({
        orderId: order.id,
        ...corruptedCopy(order),
        checksum: storedOrderChecksum(order),
      });
      expect(damaged?.items).toEqual([]);

      await setFaultSwitch(parameter, 'off');
      const repairing = await coldStartedHandler(parameter);
      expect(await repairing(message, aLambdaContext())).toEqual({ batchItemFailures: [] });
      expect(await storedItem(order.id)).toEqual(itemOf(order));
    });

    it('that does not exist leaves the function processing normally', async () => {
      const normal = await coldStartedHandler('/checkout-it/never-created');
      const order = anOrderEvent();
      const poison = anSqsRecord('not an order');

      const response = await normal(anSqsEvent([anOrderRecord(order), poison]), aLambdaContext());

      expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
      expect(await storedItem(order.id)).toEqual(itemOf(order));
    });

    it('set to an unknown value leaves the function processing normally', async () => {
      await setFaultSwitch('/checkout-it/fault-unknown', 'chaos');
      const normal = await coldStartedHandler('/checkout-it/fault-unknown');
      const order = anOrderEvent();
      expect(await normal(anSqsEvent([anOrderRecord(order)]), aLambdaContext())).toEqual({
        batchItemFailures: [],
      });
      expect(await storedItem(order.id)).toEqual(itemOf(order));
    });
  });
});
