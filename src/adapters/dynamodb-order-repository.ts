import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OrderEvent } from '../domain/order';

/** An order as a table item: the stored order, keyed by `orderId`, with a checksum of its content. */
export interface OrderRecord {
  order: OrderEvent;
  checksum: string;
}

export type InsertResult = { inserted: true } | { inserted: false; existing: OrderRecord };

export interface OrderRepository {
  /** Writes the record unless an item with its order id exists; then returns that item instead. */
  insert(record: OrderRecord): Promise<InsertResult>;
  /** Overwrites the item, provided it still has `expectedChecksum`. */
  replace(record: OrderRecord, expectedChecksum: string): Promise<void>;
}

interface OrderItem extends OrderEvent {
  orderId: string;
  checksum: string;
}

const toItem = ({ order, checksum }: OrderRecord): OrderItem => ({ orderId: order.id, ...order, checksum });

const fromItem = (item: Record<string, unknown>): OrderRecord => {
  const { orderId: _orderId, checksum, ...order } = item as unknown as OrderItem;
  return { order, checksum };
};

export class DynamoDbOrderRepository implements OrderRepository {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async insert(record: OrderRecord): Promise<InsertResult> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(orderId)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { inserted: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) {
        return { inserted: false, existing: fromItem(unmarshall(error.Item)) };
      }
      throw error;
    }
  }

  async replace(record: OrderRecord, expectedChecksum: string): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(record),
        ConditionExpression: 'checksum = :expected',
        ExpressionAttributeValues: { ':expected': expectedChecksum },
      }),
    );
  }
}
