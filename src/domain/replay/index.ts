export * from './replay-window';
