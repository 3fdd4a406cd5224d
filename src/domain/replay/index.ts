export * from './completion';
export * from './pacing';
export * from './progress';
export * from './replay-judgement';
export * from './replay-window';
