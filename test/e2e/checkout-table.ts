import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { anOrderInput, OrderRequestWithId } from '../factories/order';
import { PartnerClient } from './partner-client';

/** CheckoutTable of a local stack, read from the outside: an order's item, and every item with its id. */
export const checkoutTable = (documents: DynamoDBDocumentClient, tableName: string) => ({
  item: async (orderId: string) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true })))
      .Item,
  itemsWithId: async (orderId: string) =>
    (
      await documents.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'orderId = :id',
          ExpressionAttributeValues: { ':id': orderId },
        }),
      )
    ).Items ?? [],
});

/** Posts an order as the stack's partner, expects it accepted (202), and gives it back with its id. */
export const postAccepted = async (
  outputs: Record<string, string>,
  order: ReturnType<typeof anOrderInput>,
): Promise<OrderRequestWithId> => {
  const response = await new PartnerClient(outputs).postOrder(order);
  expect(response.status).toBe(202);
  return { ...order, id: ((await response.json()) as { orderId: string }).orderId } as OrderRequestWithId;
};
