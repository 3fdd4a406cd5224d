export * from './order-index';
