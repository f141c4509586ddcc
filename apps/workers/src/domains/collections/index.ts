import { registerRecordProcessor } from '../../processors.js';
import { processCollection } from './flow.js';

registerRecordProcessor('tahsilatlar', processCollection, { outboxWithDocument: true });
