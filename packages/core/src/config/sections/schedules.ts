import { z } from 'zod';
import { schedule, timeZone } from '../fields.js';
import { section } from '../section.js';

export const schedules = section(
  `Schedules
Cron, 5 or 6 fields, checked with the scheduler's own parser; empty or off disables; unset: the default
shown. Only the long-running producer (start / producer) applies them, each by its own variable;
one-off commands (sync-web-to-erp, run, status, ...) never touch them.`,
  {
    SCHEDULE_TIMEZONE: timeZone('Europe/Istanbul'),
    SCHEDULE_HOUSEKEEPING: schedule('30 3 * * *').describe('purge of settled outbox events'),
    SCHEDULE_CATALOG: schedule('*/15 * * * *').describe('ERP -> Web master data and movements (npm run sync)'),
    SCHEDULE_ENTEGRA: schedule('*/10 * * * *').describe(
      'Entegra SQLite <-> Web (npm run sync-entegra); a worker without ENTEGRA_DB_PATH skips it (logged); off without Entegra',
    ),
    SCHEDULE_STOCK_XML: schedule('0 * * * *').describe('stock XML feed (npm run stock-xml)'),
    STOCK_XML_HOURS: z
      .string()
      .regex(/^(\s*([01]?\d|2[0-3])\s*)(,\s*([01]?\d|2[0-3])\s*)*$/, { message: 'expected hours of the day, e.g. 13,17' })
      .optional()
      .describe('extra fixed hours for the feed, e.g. 13,17'),
    SCHEDULE_BITRIX: schedule('*/5 * * * *').describe('Bitrix24 -> PostgreSQL cycle; a worker without BITRIX_WEBHOOK_URL skips it (logged); off without Bitrix24'),
  },
  (e) => ({
    timeZone: e.SCHEDULE_TIMEZONE,
    housekeeping: e.SCHEDULE_HOUSEKEEPING,
    catalog: e.SCHEDULE_CATALOG,
    entegra: e.SCHEDULE_ENTEGRA,
    stockXml: e.SCHEDULE_STOCK_XML,
    /** Extra fixed hours of the stock XML run (STOCK_XML_HOURS=13,17). */
    stockXmlHours: e.STOCK_XML_HOURS ? e.STOCK_XML_HOURS.split(',').map((h) => Number.parseInt(h, 10)) : [],
    bitrix: e.SCHEDULE_BITRIX,
  }),
);
