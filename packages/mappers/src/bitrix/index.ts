export * from './values.js';
export * from './multi-fields.js';
export * from './portal-time.js';
export * from './rows.js';
export * from './entities.js';
