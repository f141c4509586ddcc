export * from './table-types.js';
export * from './tables.generated.js';
export * from './tables.js';
export * from './window.js';
export * from './values.js';
export * from './columns.js';
