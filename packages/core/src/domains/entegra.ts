/**
 * Entegra (marketplace, SQLite file): the `sync` task every SCHEDULE_ENTEGRA, and the web's
 * invoice_print 0 -> 1 on an order written back into the file. The sync locks in the web database
 * within its transaction (the write-back waits on it too), so it is not `exclusive` here.
 */
import { defineDomain } from './manifest.js';

export const entegra = defineDomain({
  name: 'entegra',
  label: { tr: 'Pazaryeri (Entegra)', en: 'Marketplace (Entegra)' },
  needs: ['web'],
  captures: [{ table: 'entegra_order' }],
  tasks: [{ name: 'sync', default: true, schedules: [{ id: 'entegra-sync', variable: 'SCHEDULE_ENTEGRA', cron: (c) => c.schedules.entegra }] }],
});
