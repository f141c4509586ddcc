// Generic helpers stay inside the folder (other mappers have their own `text`, `int`, ...).
export { erpTimestampText, erpTimestampOrNull, erpDateOrNull, intDateOrNull, turkishUpper, leadingInt, roundHalfAway } from './values.js';
export { keepLast as keepLastByKey, type Mapped, type Rejected, type Outcome } from './batch.js';
export * from './categories.js';
export * from './stocks.js';
export * from './barcodes-prices.js';
export * from './accounts.js';
export * from './movements.js';
export * from './on-hand.js';
export * from './deletions.js';
export * from './numbers.js';
export * from './repairs.js';
