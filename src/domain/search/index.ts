export * from './access-control';
export * from './order-index';
