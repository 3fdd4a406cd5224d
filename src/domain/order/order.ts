import type { FromSchema } from 'json-schema-to-ts';
import type { orderEventSchema, orderRequestSchema } from './order-schema';

/** An order as a client posts it: `id` may be absent, and the card is whole. Only the API function holds it. */
export type OrderRequest = FromSchema<typeof orderRequestSchema>;

/** The card of a request: number, expiry, holder and CVV. Never published, stored or logged. */
export type RequestCard = NonNullable<OrderRequest['payment']['card']>;

/**
 * An accepted order as it is published, queued, stored, archived and indexed: it always has an id, its card
 * is reduced to network and last 4 digits, and card numbers in its texts are masked.
 */
export type OrderEvent = FromSchema<typeof orderEventSchema>;

export type EventCard = NonNullable<OrderEvent['payment']['card']>;

/** The partner that posted an order: its name (the `Partners` parameter) and its OAuth 2.0 client id. */
export type Partner = NonNullable<OrderEvent['partner']>;

/** The attributes published with every order, so that subscription filter policies can select on them. */
export interface OrderAttributes {
  amount: number;
  currency: string;
  customerId: string;
  /** The partner's name, so that a subscription can select one partner's orders. */
  partnerId?: string;
}

export const orderAttributes = (order: OrderEvent): OrderAttributes => ({
  amount: order.payment.amount,
  currency: order.payment.currency,
  customerId: order.customer.id,
  ...(order.partner ? { partnerId: order.partner.id } : {}),
});
