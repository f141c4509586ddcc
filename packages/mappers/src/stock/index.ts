export * from './fields.js';
export * from './cards.js';
export * from './barcodes.js';
export * from './customers.js';
export * from './movements.js';
