export * from './mikro.js';
export * from './erp-reads.js';
export * from './web-reads.js';
export * from './web-writes.js';
export * from './plans.js';
