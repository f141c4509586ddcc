/** Sales invoices from the web to Mikro; served by the worker folder `invoices`. */
import { defineDomain } from './manifest.js';

export const sales = defineDomain({
  name: 'sales',
  label: { tr: 'Satışlar', en: 'Sales' },
  needs: ['erp', 'web'],
  captures: [
    { table: 'satislar', debounce: 'document' },
    { table: 'satis_kalemleri', keyColumn: 'satis_id', jobTable: 'satislar', debounce: 'document' },
  ],
  tasks: [],
});
