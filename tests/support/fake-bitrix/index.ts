export * from './server.js';
export * from './store.js';
export * from './records.js';
export * from './limits.js';
export * from './php-query.js';
export type { Rec } from './filters.js';
