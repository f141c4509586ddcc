/** The catalog domain: ERP -> Web master data, movements, on-hand quantities and deletions. */
import { registerTasks } from '../../tasks.js';
import { createPriceMappings, fixCari } from './repairs.js';
import { syncCatalog } from './sync.js';

registerTasks('catalog', { sync: syncCatalog, 'create-price-mappings': createPriceMappings, 'fix-cari': fixCari });
