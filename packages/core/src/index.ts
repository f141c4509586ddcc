export * from './config.js';
export * from './errors.js';
export * from './logger.js';
export * from './queues.js';
export * from './time.js';
export * from './faults.js';
export * from './redis-config.js';
export * from './messages/index.js';
