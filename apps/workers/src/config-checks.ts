/**
 * Checks of settings that only the worker code can judge (they need Mikro's column list), run at
 * start-up by every command so that a wrong value stops the process instead of failing each job.
 */
import type { Config } from '@mikrosync/core';
import { columnDefaultsProblems } from '@mikrosync/mappers';

export function startupConfigProblems(config: Config): string[] {
  return [
    ...columnDefaultsProblems('STOKLAR', config.stock.cardDefaults, 'STOCK_CARD_DEFAULTS'),
    ...columnDefaultsProblems('CARI_HESAPLAR', config.stock.customerDefaults, 'CUSTOMER_CARD_DEFAULTS'),
  ];
}
