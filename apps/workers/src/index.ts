export * from './context.js';
export * from './runtime.js';
export * from './jobs/types.js';
export { DOMAIN_TASKS, implementedDomains, recordProcessorFor } from './jobs/registry.js';
export { deadLetter } from './jobs/dead-letter.js';
export { runRecordJob } from './jobs/record-job.js';
export { runTaskJob } from './jobs/task-job.js';
export * from './config-checks.js';
