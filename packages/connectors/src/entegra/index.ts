export * from './sqlite-errors.js';
export * from './sqlite-reader.js';
export * from './sqlite-writer.js';
export * from './pg-mirror.js';
export * from './pg-lookups.js';
export * from './pg-state.js';
