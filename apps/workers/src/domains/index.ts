/**
 * The worker code of every domain folder, by folder. A new domain is one manifest in
 * packages/core/src/domains, one folder here and one line below.
 */
import type { DomainModule } from '../jobs/types.js';
import { bitrix } from './bitrix/index.js';
import { catalog } from './catalog/index.js';
import { collections } from './collections/index.js';
import { entegra } from './entegra/index.js';
import { invoices } from './invoices/index.js';
import { stock } from './stock/index.js';
import { xml } from './xml/index.js';

export const DOMAIN_MODULES: Readonly<Record<string, DomainModule>> = {
  collections,
  invoices,
  stock,
  catalog,
  entegra,
  xml,
  bitrix,
};
