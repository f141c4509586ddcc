/** The catalog domain's web writes (ERP -> Web master data, movements, deletions). */
export * from './catalog-batch.js';
export * from './catalog-state.js';
export * from './catalog-master.js';
export * from './catalog-stocks.js';
export * from './catalog-movements.js';
export * from './catalog-deletes.js';
export * from './catalog-repairs.js';
