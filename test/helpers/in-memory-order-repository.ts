import type {
  InsertResult,
  OrderRecord,
  OrderRepository,
} from '../../src/adapters/dynamodb-order-repository';

/** Thrown like DynamoDB's ConditionalCheckFailedException when `replace` finds another checksum. */
export class ChecksumMismatchError extends Error {
  override name = 'ChecksumMismatchError';
}

/** An OrderRepository over a Map, with the same conditional semantics as the DynamoDB one. */
export class InMemoryOrderRepository implements OrderRepository {
  private readonly items = new Map<string, OrderRecord>();
  /** Every successful write, in order: what a side effect counter would see. */
  readonly writes: OrderRecord[] = [];

  /** Puts an item in place without any condition, e.g. a damaged one. */
  seed(record: OrderRecord): void {
    this.items.set(record.order.id, structuredClone(record));
  }

  get(orderId: string): OrderRecord | undefined {
    const record = this.items.get(orderId);
    return record && structuredClone(record);
  }

  get size(): number {
    return this.items.size;
  }

  async insert(record: OrderRecord): Promise<InsertResult> {
    const existing = this.items.get(record.order.id);
    if (existing) return { inserted: false, existing: structuredClone(existing) };
    this.write(record);
    return { inserted: true };
  }

  async replace(record: OrderRecord, expectedChecksum: string): Promise<void> {
    const existing = this.items.get(record.order.id);
    if (existing?.checksum !== expectedChecksum) {
      throw new ChecksumMismatchError(`Order ${record.order.id} no longer has checksum ${expectedChecksum}`);
    }
    this.write(record);
  }

  private write(record: OrderRecord): void {
    this.items.set(record.order.id, structuredClone(record));
    this.writes.push(structuredClone(record));
  }
}
