import './domains/index.js';

export * from './context.js';
export * from './runtime.js';
export * from './processors.js';
export * from './tasks.js';
export { deadLetter, runRecordJob } from './run-job.js';
export * from './config-checks.js';
