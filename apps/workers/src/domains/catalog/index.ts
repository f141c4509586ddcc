/** The catalog domain: ERP -> Web master data, movements, on-hand quantities and deletions. */
import type { DomainModule } from '../../jobs/types.js';
import { createPriceMappings, fixCari } from './repairs.js';
import { syncCatalog } from './sync.js';

export const catalog: DomainModule = { domains: ['catalog'], tasks: { sync: syncCatalog, 'create-price-mappings': createPriceMappings, 'fix-cari': fixCari } };
