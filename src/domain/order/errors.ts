/** An order id the partner already used, within the idempotency window, for an order with other content. */
export class OrderIdConflictError extends Error {
  constructor() {
    super('An order with this id was already accepted with different content');
    this.name = 'OrderIdConflictError';
  }
}

/** The same order is being accepted by another request right now, and did not finish in time. */
export class OrderAcceptanceInProgressError extends Error {
  constructor() {
    super('An order with this id is being accepted by another request');
    this.name = 'OrderAcceptanceInProgressError';
  }
}
