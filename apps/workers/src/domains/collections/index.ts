/** Collections and payments (web -> Mikro), one record job per `tahsilatlar` row. */
import type { DomainModule } from '../../jobs/types.js';
import { processCollection } from './flow.js';

export const collections: DomainModule = { domains: ['collections'], records: { tahsilatlar: { process: processCollection, outboxWithDocument: true } } };
