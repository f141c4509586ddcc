import { registerRecordProcessor } from '../../processors.js';
import { invoiceProcessor } from './flow.js';

registerRecordProcessor('satislar', invoiceProcessor('satislar'));
registerRecordProcessor('iadeler', invoiceProcessor('iadeler'));
registerRecordProcessor('alislar', invoiceProcessor('alislar'));
