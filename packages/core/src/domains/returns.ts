/** Return invoices from the web to Mikro; served by the worker folder `invoices`. */
import { defineDomain } from './manifest.js';

export const returns = defineDomain({
  name: 'returns',
  label: { tr: 'İadeler', en: 'Returns' },
  needs: ['erp', 'web'],
  captures: [
    { table: 'iadeler', debounce: 'document' },
    { table: 'iade_kalemleri', keyColumn: 'iade_id', jobTable: 'iadeler', debounce: 'document' },
  ],
  tasks: [],
});
