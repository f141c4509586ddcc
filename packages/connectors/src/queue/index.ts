export * from './connection.js';
export * from './queues.js';
export * from './job-metrics.js';
export * from './heartbeat.js';
export * from './outages.js';
export * from './run-lock.js';
