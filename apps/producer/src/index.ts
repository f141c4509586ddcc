export * from './producer.js';
export * from './outbox-relay.js';
export * from './schedules.js';
export * from './http/server.js';
export * from './dlq-actions.js';
export * from './run-task.js';
export * from './status/status-service.js';
export { SummaryMailer, summaryData, summaryHtml } from './console/summary.js';
