import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OrderRecord, OrderRepository } from '../../adapters/dynamodb-order-repository';
import {
  type OrderEvent,
  storedOrderChecksum,
  validateOrderEvent,
  withoutCardData,
} from '../../domain/order';
import { parseJson } from '../../shared/json';
import { corruptedCopy, type FaultMode, SimulatedOutageError } from './fault-mode';

/** A message that can never become a valid order: retrying cannot help, so it ends in the DLQ. */
export class InvalidOrderMessageError extends Error {
  constructor(readonly problems: string[]) {
    super(`The message is not a valid order: ${problems.join('; ')}`);
    this.name = 'InvalidOrderMessageError';
  }
}

/** The order id was already stored with different content: a client reused its idempotency key. */
export class ConflictingOrderError extends Error {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} is already stored with different content`);
    this.name = 'ConflictingOrderError';
  }
}

export type StoreOutcome = 'stored' | 'duplicate' | 'repaired';

export interface StoreOrderDependencies {
  repository: OrderRepository;
  logger: Logger;
  metrics: Metrics;
  /** The game-day fault switch; `off` in normal operation. */
  faultMode?: FaultMode;
}

/**
 * The order event of a message. The API publishes events without card data, but any publisher may send to
 * the topic: card data is removed first (`withoutCardData`), so that neither the table nor a log line of a
 * rejected message can hold it.
 */
export const parseOrderMessage = (body: string): OrderEvent => {
  const parsed = parseJson(body);
  if (!parsed.ok) throw new InvalidOrderMessageError([`the body is ${parsed.error}`]);
  const validation = validateOrderEvent(withoutCardData(parsed.value));
  if (!validation.valid) throw new InvalidOrderMessageError(validation.errors);
  return validation.value;
};

/**
 * Stores an order exactly once. The same order again leaves the item as it is; an item whose content no
 * longer matches its own checksum (a damaged write) is replaced; a different order under the same id is
 * a conflict. The fault switch (game days) makes it fail, or write a damaged item, instead.
 */
export const storeOrder = async (
  order: OrderEvent,
  { repository, logger, metrics, faultMode = 'off' }: StoreOrderDependencies,
): Promise<StoreOutcome> => {
  if (faultMode === 'fail') throw new SimulatedOutageError(order.id);
  const record: OrderRecord = { order, checksum: storedOrderChecksum(order) };
  // A corrupted write keeps the real order's checksum, so a later delivery (a replay) detects and repairs it.
  const corrupt = faultMode === 'corrupt';
  const result = await repository.insert(corrupt ? { ...record, order: corruptedCopy(order) } : record);
  let outcome: StoreOutcome;
  if (result.inserted) {
    if (corrupt)
      logger.warn('Order stored corrupted: the checkout fault switch is "corrupt" (game day)', {
        orderId: order.id,
      });
    outcome = 'stored';
  } else if (result.existing.checksum !== record.checksum) {
    throw new ConflictingOrderError(order.id);
  } else if (storedOrderChecksum(result.existing.order) === record.checksum) {
    outcome = 'duplicate';
  } else {
    await repository.replace(record, record.checksum);
    outcome = 'repaired';
  }

  const metricName = { stored: 'OrderStored', duplicate: 'DuplicateOrderSkipped', repaired: 'OrderRepaired' }[
    outcome
  ];
  metrics.addMetric(metricName, MetricUnit.Count, 1);
  logger.info(`Order ${outcome}`, { orderId: order.id, outcome });
  return outcome;
};
