/** Purchase invoices from the web to Mikro; served by the worker folder `invoices`. */
import { defineDomain } from './manifest.js';

export const purchases = defineDomain({
  name: 'purchases',
  label: { tr: 'Alışlar', en: 'Purchases' },
  needs: ['erp', 'web'],
  captures: [
    { table: 'alislar', debounce: 'document' },
    { table: 'alis_kalemleri', keyColumn: 'alis_id', jobTable: 'alislar', debounce: 'document' },
  ],
  tasks: [],
});
