import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context } from 'aws-lambda';
import { OrderAcceptanceInProgressError, type OrderEvent, OrderIdConflictError } from '../domain/order';
import type { OrderPublisher } from './sns-order-publisher';

/**
 * One call's order: the key is its partner and id, and the whole order tells a retry from a conflict. A
 * wrapper of its own per call, so that the call that published can be told from one answered from the store.
 */
interface Acceptance {
  order: OrderEvent;
}

/** Whether this call published the order, or found it already accepted and answered from the store. */
export type PublishOnceOutcome = 'published' | 'already-accepted';

export interface OncePerIdOrderPublisher {
  publishOnce(order: OrderEvent): Promise<PublishOnceOutcome>;
}

export interface IdempotentOrderPublisherOptions {
  persistenceStore: BasePersistenceLayer;
  /** How long an accepted order id is remembered. */
  expiresAfterSeconds: number;
  /**
   * The pauses before asking again whether a concurrent request with the same order has finished; once
   * they are used up, the request is told to retry later.
   */
  inProgressPausesMs?: readonly number[];
}

const DEFAULT_IN_PROGRESS_PAUSES_MS = [25, 50, 100, 200, 400, 800] as const;

const pause = (ms: number) => new Promise((resolvePause) => setTimeout(resolvePause, ms));

/**
 * Publishes an order once per partner and order id within the idempotency window (SPEC §3.1), with Powertools
 * Idempotency: a retry of the same order is answered from the store and not published again; the same id
 * with other content is an `OrderIdConflictError`; a request that finds the same order being accepted waits
 * for it (`inProgressPausesMs`), then gets the stored answer or an `OrderAcceptanceInProgressError`.
 */
export class IdempotentOrderPublisher implements OncePerIdOrderPublisher {
  private readonly config: IdempotencyConfig;
  private readonly publishIdempotently: (acceptance: Acceptance) => Promise<{ orderId: string }>;
  /** The calls that published their order themselves, as opposed to being answered from the store. */
  private readonly published = new WeakSet<Acceptance>();
  private readonly inProgressPausesMs: readonly number[];

  constructor(
    publisher: OrderPublisher,
    { persistenceStore, expiresAfterSeconds, inProgressPausesMs }: IdempotentOrderPublisherOptions,
  ) {
    this.config = new IdempotencyConfig({
      eventKeyJmesPath: '[order.partner.id, order.id]',
      payloadValidationJmesPath: 'order',
      expiresAfterSeconds,
      throwOnNoIdempotencyKey: true,
    });
    this.inProgressPausesMs = inProgressPausesMs ?? DEFAULT_IN_PROGRESS_PAUSES_MS;
    this.publishIdempotently = makeIdempotent(
      async (acceptance: Acceptance) => {
        const { order } = acceptance;
        await publisher.publish(order);
        this.published.add(acceptance);
        return { orderId: order.id };
      },
      { persistenceStore, config: this.config },
    );
  }

  /**
   * Lets Powertools give up on a record left "in progress" by an invocation that timed out, once that
   * invocation's remaining time has passed, instead of at the end of the idempotency window.
   */
  registerLambdaContext(context: Context): void {
    this.config.registerLambdaContext(context);
  }

  async publishOnce(order: OrderEvent): Promise<PublishOnceOutcome> {
    if (!order.partner) throw new Error('Only an order with a partner is published idempotently');
    const acceptance: Acceptance = { order };
    await this.publishWhenNotInProgress(acceptance);
    return this.published.has(acceptance) ? 'published' : 'already-accepted';
  }

  private async publishWhenNotInProgress(acceptance: Acceptance): Promise<void> {
    for (const pauseMs of [...this.inProgressPausesMs, undefined]) {
      try {
        await this.publishIdempotently(acceptance);
        return;
      } catch (error) {
        if (error instanceof IdempotencyValidationError) throw new OrderIdConflictError();
        if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
        if (pauseMs === undefined) throw new OrderAcceptanceInProgressError();
        await pause(pauseMs);
      }
    }
  }
}
