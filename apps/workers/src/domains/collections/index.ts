import { registerRecordProcessor } from '../../processors.js';
import { processCollection } from './process-collection.js';

registerRecordProcessor('tahsilatlar', processCollection, { outboxWithDocument: true });
