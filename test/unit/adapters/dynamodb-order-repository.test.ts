import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbOrderRepository, type OrderRecord } from '../../../src/adapters/dynamodb-order-repository';
import { storedOrderChecksum } from '../../../src/domain/order';
import { anOrderEvent } from '../../factories/order';

const TABLE_NAME = 'checkout-CheckoutTable-1A2B3C';

const aRecord = (id = 'order-ddb-1'): OrderRecord => {
  const order = anOrderEvent({ id });
  return { order, checksum: storedOrderChecksum(order) };
};

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
    ...(item && { Item: marshall(item, { removeUndefinedValues: true }) }),
  });

/*
 * The repository talks through a DynamoDBDocumentClient made from the DynamoDBClient it is given. The
 * document client's `send` does not go through `DynamoDBClient.send`, so it is the one to mock (as the
 * aws-sdk-client-mock documentation says); conditional check failures still carry the item in
 * DynamoDB's marshalled form, as the real service returns it.
 */
describe('DynamoDbOrderRepository', () => {
  const dynamodb = mockClient(DynamoDBDocumentClient);
  const repository = new DynamoDbOrderRepository(new DynamoDBClient({ region: 'eu-west-1' }), TABLE_NAME);

  beforeEach(() => {
    dynamodb.reset();
    dynamodb.on(PutCommand).resolves({});
  });

  afterAll(() => dynamodb.restore());

  describe('insert', () => {
    it('puts the order keyed by its id, with its checksum, only if no item has that id', async () => {
      const record = aRecord();
      await expect(repository.insert(record)).resolves.toEqual({ inserted: true });
      const calls = dynamodb.commandCalls(PutCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Item: { orderId: 'order-ddb-1', ...record.order, checksum: record.checksum },
        ConditionExpression: 'attribute_not_exists(orderId)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    });

    it('writes the order event as it is: of the card, only its network and last 4 digits', async () => {
      await repository.insert(aRecord('order-ddb-6'));
      const item = dynamodb.commandCalls(PutCommand)[0]?.args[0].input.Item;
      expect(item?.payment.card).toEqual({ network: 'visa', last4: '1111' });
      expect(JSON.stringify(item)).not.toMatch(/4111111111111111|"(cvv|expiry|holder|number)"/);
    });

    it('returns the item that already has the id instead of overwriting it', async () => {
      const existing = aRecord('order-ddb-2');
      dynamodb
        .on(PutCommand)
        .rejects(conditionFailed({ orderId: 'order-ddb-2', ...existing.order, checksum: existing.checksum }));
      await expect(repository.insert(aRecord('order-ddb-2'))).resolves.toEqual({
        inserted: false,
        existing,
      });
    });

    it('returns the existing item as it is, even when it differs from the new one', async () => {
      const existing = aRecord('order-ddb-3');
      const damaged = { ...existing.order, notes: 'damaged' };
      dynamodb
        .on(PutCommand)
        .rejects(conditionFailed({ orderId: 'order-ddb-3', ...damaged, checksum: 'other' }));
      await expect(repository.insert(existing)).resolves.toEqual({
        inserted: false,
        existing: { order: damaged, checksum: 'other' },
      });
    });

    it('rethrows a conditional check failure that carries no item', async () => {
      const failure = conditionFailed();
      dynamodb.on(PutCommand).rejects(failure);
      await expect(repository.insert(aRecord())).rejects.toBe(failure);
    });

    it('rethrows any other error', async () => {
      const failure = new ProvisionedThroughputExceededException({
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      });
      dynamodb.on(PutCommand).rejects(failure);
      await expect(repository.insert(aRecord())).rejects.toBe(failure);
    });
  });

  describe('replace', () => {
    it('overwrites the item only if it still has the expected checksum', async () => {
      const record = aRecord('order-ddb-4');
      await repository.replace(record, 'expected-checksum');
      expect(dynamodb.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Item: { orderId: 'order-ddb-4', ...record.order, checksum: record.checksum },
        ConditionExpression: 'checksum = :expected',
        ExpressionAttributeValues: { ':expected': 'expected-checksum' },
      });
    });

    it('fails when the item changed meanwhile', async () => {
      const failure = conditionFailed({ orderId: 'order-ddb-5', checksum: 'changed' });
      dynamodb.on(PutCommand).rejects(failure);
      await expect(repository.replace(aRecord('order-ddb-5'), 'expected')).rejects.toBe(failure);
    });
  });
});
