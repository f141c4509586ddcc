export * from './connection.js';
export * from './queues.js';
export * from './job-metrics.js';
export * from './outages.js';
