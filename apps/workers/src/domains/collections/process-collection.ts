/** The collection processor's former module, kept for its importers: the flow is flow.ts. */
export { processCollection } from './flow.js';
