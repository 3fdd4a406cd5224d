import type { OrderPublisher } from '../../src/adapters/sns-order-publisher';
import type { OrderEvent } from '../../src/domain/order';

/** An OrderPublisher that keeps what it is given; `failWith` makes every later publish fail. */
export class InMemoryOrderPublisher implements OrderPublisher {
  readonly published: OrderEvent[] = [];
  private failure: Error | undefined;

  failWith(error: Error): void {
    this.failure = error;
  }

  async publish(order: OrderEvent): Promise<void> {
    if (this.failure) throw this.failure;
    this.published.push(structuredClone(order));
  }
}
