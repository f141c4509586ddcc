/** The catalog domain's ERP reads (ERP -> Web master data, movements, deletions). */
export * from './catalog-read.js';
export * from './catalog-sources.js';
export * from './catalog-queries.js';
export * from './catalog-delete-log.js';
