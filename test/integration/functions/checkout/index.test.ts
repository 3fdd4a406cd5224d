import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { storedOrderChecksum, toStoredOrder } from '../../../../src/domain/order';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrder } from '../../../factories/order';
import { anOrderRecord, anSqsEvent, anSqsRecord } from '../../../factories/sqs';
import { cardDataIn } from '../../../helpers/card-data';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';
import { QUIET_POWERTOOLS, useMotoServer } from '../../../helpers/moto';

type Handler = (event: unknown, context: unknown) => Promise<SQSBatchResponse>;

const TABLE = 'checkout-orders';

describe('the checkout function against moto', () => {
  const moto = useMotoServer();
  let handler: Handler;
  let documents: DynamoDBDocumentClient;
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
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      ...moto.environment(),
      ...QUIET_POWERTOOLS,
      POWERTOOLS_SERVICE_NAME: 'checkout',
      CHECKOUT_TABLE_NAME: TABLE,
    });
    ({ handler } = (await import('../../../../src/functions/checkout')) as unknown as { handler: Handler });
  });

  afterAll(() => restoreEnvironment());

  it('stores the valid orders of a batch and reports only the poison message as failed', async () => {
    const first = anOrder();
    const second = anOrder();
    const poison = anSqsRecord('{"id": "half an order"');

    const response = await handler(
      anSqsEvent([anOrderRecord(first), poison, anOrderRecord(second)]),
      aLambdaContext(),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
    for (const order of [first, second]) {
      const stored = toStoredOrder(order);
      expect(await storedItem(order.id)).toEqual({
        orderId: order.id,
        ...stored,
        checksum: storedOrderChecksum(stored),
      });
    }
  });

  it('keeps only the card network and last 4 digits', async () => {
    const order = anOrder();

    await handler(anSqsEvent([anOrderRecord(order)]), aLambdaContext());

    const item = await storedItem(order.id);
    expect(item?.payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(cardDataIn(JSON.stringify(item), order.payment.card as { number: string; cvv: string })).toEqual(
      [],
    );
  });

  it('leaves exactly the same single item when the same order is delivered twice', async () => {
    const order = anOrder();
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

  it('refuses a different order under an id that is already stored, and keeps the first', async () => {
    const order = anOrder();
    await handler(anSqsEvent([anOrderRecord(order)]), aLambdaContext());
    const conflicting = anOrderRecord(
      anOrder({ id: order.id, notes: 'a different order under the same key' }),
    );
    const unrelated = anOrder();

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
});
