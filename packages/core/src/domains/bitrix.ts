/** Bitrix24 -> PostgreSQL: the `cycle` task every SCHEDULE_BITRIX, one cycle at a time (a first load is long). */
import { defineDomain } from './manifest.js';

export const bitrix = defineDomain({
  name: 'bitrix',
  label: { tr: 'Bitrix24', en: 'Bitrix24' },
  needs: ['web'],
  captures: [],
  tasks: [{ name: 'cycle', default: true, exclusive: true, schedules: [{ id: 'bitrix-cycle', variable: 'SCHEDULE_BITRIX', cron: (c) => c.schedules.bitrix }] }],
});
