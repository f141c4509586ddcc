export * from './webhook.js';
export * from './php-query.js';
export * from './errors.js';
export { BitrixLimiter, type BitrixLimiterSettings, type BitrixSlot } from './limiter.js';
export * from './client.js';
export * from './tables.js';
export * from './store.js';
export * from './migrate.js';
