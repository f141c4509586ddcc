/**
 * Invoices (web -> Mikro): one folder serves three domains, each its own queue and worker
 * service: `sales` (satislar), `purchases` (alislar) and `returns` (iadeler). The lines travel
 * with their header's job (the manifests' captures).
 */
import type { DomainModule, RecordHandler } from '../../jobs/types.js';
import { invoiceProcessor } from './flow.js';

const satislar: RecordHandler = { process: invoiceProcessor('satislar'), outboxWithDocument: true };
const iadeler: RecordHandler = { process: invoiceProcessor('iadeler'), outboxWithDocument: true };
const alislar: RecordHandler = { process: invoiceProcessor('alislar'), outboxWithDocument: true };

export const invoices: DomainModule = { domains: ['sales', 'purchases', 'returns'], records: { satislar, iadeler, alislar } };
