import { registerRecordProcessor } from '../../processors.js';
import { invoiceProcessor } from './process-invoice.js';

registerRecordProcessor('satislar', invoiceProcessor('satislar'));
registerRecordProcessor('iadeler', invoiceProcessor('iadeler'));
registerRecordProcessor('alislar', invoiceProcessor('alislar'));
