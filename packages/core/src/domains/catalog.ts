/**
 * Catalog (Mikro -> web): master data, movements, on-hand quantities and deletions, every
 * SCHEDULE_CATALOG; two repair tasks run by hand only. The sync takes its own lock in the web
 * database (it guards the catalog tables, not just the queue), so it is not `exclusive` here.
 */
import { defineDomain } from './manifest.js';

export const catalog = defineDomain({
  name: 'catalog',
  label: { tr: "Mikro'dan web'e (katalog)", en: 'Mikro to web (catalog)' },
  needs: ['erp', 'web'],
  captures: [],
  tasks: [
    { name: 'sync', default: true, schedules: [{ id: 'catalog-sync', variable: 'SCHEDULE_CATALOG', cron: (c) => c.schedules.catalog }] },
    { name: 'create-price-mappings' },
    { name: 'fix-cari' },
  ],
});
