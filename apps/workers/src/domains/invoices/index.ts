import { registerRecordProcessor } from '../../processors.js';
import { invoiceProcessor } from './flow.js';

const opts = { outboxWithDocument: true };
registerRecordProcessor('satislar', invoiceProcessor('satislar'), opts);
registerRecordProcessor('iadeler', invoiceProcessor('iadeler'), opts);
registerRecordProcessor('alislar', invoiceProcessor('alislar'), opts);
