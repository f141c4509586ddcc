export * from './erp/index.js';
export * from './web/index.js';
export * from './queue/index.js';
export * from './dev/index.js';
export * from './feed/index.js';
export * from './bitrix/index.js';
export * from './entegra/index.js';
