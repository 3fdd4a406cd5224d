import type { OrderEvent } from '../../domain/order';

/**
 * The game-day fault switch of the checkout pipeline (SSM parameter, `CheckoutFaultMode` in the
 * template): `fail` makes every order fail as in a fulfilment outage, `corrupt` stores damaged items.
 */
export const FAULT_MODES = ['off', 'fail', 'corrupt'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export const parseFaultMode = (value: string | undefined): FaultMode | undefined =>
  FAULT_MODES.find((mode) => mode === value?.trim().toLowerCase());

export class SimulatedOutageError extends Error {
  constructor(orderId: string) {
    super(`Order ${orderId} not processed: the checkout fault switch is set to "fail" (game day)`);
    this.name = 'SimulatedOutageError';
  }
}

/** What a broken fulfilment system might write: the items and the amount lost. */
export const corruptedCopy = (order: OrderEvent): OrderEvent => ({
  ...order,
  items: [],
  payment: { ...order.payment, amount: 0 },
});
