/** The invoice processors' former module, kept for its importers: the flow is flow.ts. */
export { invoiceProcessor } from './flow.js';
