/** Collections and payments (cheques, notes, cash, card) from the web to Mikro. */
import { defineDomain } from './manifest.js';

export const collections = defineDomain({
  name: 'collections',
  label: { tr: 'Tahsilat ve tediyeler', en: 'Collections and payments' },
  needs: ['erp', 'web'],
  captures: [{ table: 'tahsilatlar' }],
  tasks: [],
});
