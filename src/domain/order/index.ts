export * from './card-number';
export * from './errors';
export * from './money';
export * from './order';
export * from './order-event';
export * from './order-schema';
export * from './stored-order';
export * from './validate-order';
