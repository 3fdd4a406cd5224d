import type { FromSchema } from 'json-schema-to-ts';
import type { orderSchema } from './order-schema';

/** An order as a client sends it: `id` may be absent. */
export type OrderInput = FromSchema<typeof orderSchema>;

/** An accepted order: it always has an id. */
export type Order = OrderInput & { id: string };

export type Card = NonNullable<Order['payment']['card']>;

/** What `CheckoutTable` keeps of the card: never the number, expiry, holder or CVV. */
export interface StoredCard {
  network: Card['network'];
  last4: string;
}

export type StoredOrder = Omit<Order, 'payment'> & {
  payment: Omit<Order['payment'], 'card'> & { card?: StoredCard };
};

/** The attributes published with every order, so that subscription filter policies can select on them. */
export interface OrderAttributes {
  amount: number;
  currency: string;
  customerId: string;
}

export const withOrderId = (input: OrderInput, generateId: () => string): Order => ({
  ...input,
  id: input.id ?? generateId(),
});

export const orderAttributes = (order: Order): OrderAttributes => ({
  amount: order.payment.amount,
  currency: order.payment.currency,
  customerId: order.customer.id,
});
