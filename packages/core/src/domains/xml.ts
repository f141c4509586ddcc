/**
 * The stock XML feed, built and published on the feed server hourly and at STOCK_XML_HOURS. Both
 * schedules fire together at e.g. 13:00: the feed is exclusive, so the second run is skipped.
 */
import { defineDomain } from './manifest.js';

export const xml = defineDomain({
  name: 'xml',
  label: { tr: 'Stok XML dosyası', en: 'Stock XML feed' },
  needs: ['erp', 'web'],
  captures: [],
  tasks: [
    {
      name: 'feed',
      default: true,
      exclusive: true,
      schedules: [
        { id: 'stock-xml', variable: 'SCHEDULE_STOCK_XML', cron: (c) => c.schedules.stockXml },
        {
          id: 'stock-xml-fixed-hours',
          variable: 'STOCK_XML_HOURS',
          cron: (c) => (c.schedules.stockXmlHours.length ? `0 ${c.schedules.stockXmlHours.join(',')} * * *` : ''),
        },
      ],
    },
  ],
});
