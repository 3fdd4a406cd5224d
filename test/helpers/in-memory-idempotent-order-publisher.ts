import type {
  OncePerIdOrderPublisher,
  PublishOnceOutcome,
} from '../../src/adapters/idempotent-order-publisher';
import { type OrderEvent, OrderIdConflictError } from '../../src/domain/order';
import type { InMemoryOrderPublisher } from './in-memory-order-publisher';

/**
 * A OncePerIdOrderPublisher over an InMemoryOrderPublisher, with the rules of the real one (per partner and
 * id, the same content answered again, other content a conflict) and nothing of its store.
 */
export class InMemoryIdempotentOrderPublisher implements OncePerIdOrderPublisher {
  private readonly accepted = new Map<string, string>();
  private failure: Error | undefined;

  constructor(private readonly publisher: InMemoryOrderPublisher) {}

  /** Makes every later call fail as the store failing would. */
  failWith(error: Error): void {
    this.failure = error;
  }

  async publishOnce(order: OrderEvent): Promise<PublishOnceOutcome> {
    if (this.failure) throw this.failure;
    const key = JSON.stringify([order.partner?.id, order.id]);
    const content = JSON.stringify(order);
    const previous = this.accepted.get(key);
    if (previous === content) return 'already-accepted';
    if (previous !== undefined) throw new OrderIdConflictError();
    await this.publisher.publish(order);
    this.accepted.set(key, content);
    return 'published';
  }
}
