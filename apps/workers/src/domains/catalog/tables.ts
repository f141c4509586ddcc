/**
 * The incremental table steps of the catalog sync, in the dependency order of spec 2.1:
 * stocks before barcodes and prices, price definitions before prices, accounts and stocks
 * before movements. Each step = ERP source + pure mapper + set-based web writer.
 */
import { CATALOG_SOURCES, readCashAndBankCodes } from '@mikrosync/connectors/erp';
import {
  readStockLookupRows,
  writeAccountMovements,
  writeAccounts,
  writeBanks,
  writeBarcodes,
  writeCashBoxes,
  writeDepots,
  writePriceLists,
  writePrices,
  writeStockMovements,
  writeStocks,
} from '@mikrosync/connectors/web';
import {
  brandLookup,
  mapAccountMovements,
  mapAccounts,
  mapBanks,
  mapBarcodes,
  mapCashBoxes,
  mapDepots,
  mapPriceLists,
  mapPrices,
  mapStockMovements,
  mapStocks,
  parseVatTable,
} from '@mikrosync/mappers';
import type { ErpAccount, ErpAccountMovement, ErpBank, ErpBarcode, ErpCashBox, ErpDepot, ErpPrice, ErpPriceList, ErpStock, ErpStockMovement } from '@mikrosync/core';
import { runKeysetStep, type KeysetStep } from './keyset-step.js';
import type { CatalogRun } from './run.js';

const none = { missing: [] };

const stocks: KeysetStep<ErpStock, ReturnType<typeof mapStocks>['rows'][number]> = {
  step: 'stoklar',
  state: 'STOKLAR',
  source: CATALOG_SOURCES.stocks,
  async prepare(run) {
    const r = await readStockLookupRows(run.ctx.web);
    run.lookups = {
      subCategories: new Map(r.categories.filter((c) => c.level === 1).map((c) => [c.erp_id.trim(), c.id])),
      mainCategories: new Map(r.categories.filter((c) => c.level === 0).map((c) => [c.erp_id.trim(), c.id])),
      brands: brandLookup(r.brands),
    };
  },
  map: (run, rows) => mapStocks(rows, run.lookups!),
  async write(run, client, rows) {
    const r = await writeStocks(client, rows, run.write);
    for (const code of r.newCodes) run.onHandCodes.add(code);
    return { written: r.written, ...none };
  },
};

const barcodes: KeysetStep<ErpBarcode, ReturnType<typeof mapBarcodes>['rows'][number]> = {
  step: 'urun_barkodlari',
  state: 'BARKOD_TANIMLARI',
  source: CATALOG_SOURCES.barcodes,
  map: (_run, rows) => mapBarcodes(rows),
  write: (run, client, rows) => writeBarcodes(client, rows, run.write),
};

const priceLists: KeysetStep<ErpPriceList, ReturnType<typeof mapPriceLists>['rows'][number]> = {
  step: 'fiyat_tanimlari',
  state: 'STOK_SATIS_FIYAT_LISTE_TANIMLARI',
  source: CATALOG_SOURCES.priceLists,
  map: (_run, rows) => mapPriceLists(rows),
  write: async (run, client, rows) => ({ written: await writePriceLists(client, rows, run.write), ...none }),
};

const prices: KeysetStep<ErpPrice, ReturnType<typeof mapPrices>['rows'][number]> = {
  step: 'urun_fiyat_listeleri',
  state: 'STOK_SATIS_FIYAT_LISTELERI',
  source: CATALOG_SOURCES.prices,
  map: (_run, rows) => mapPrices(rows),
  write: (run, client, rows) => writePrices(client, rows, run.write),
};

const cashBoxes: KeysetStep<ErpCashBox, ReturnType<typeof mapCashBoxes>['rows'][number]> = {
  step: 'kasalar',
  state: 'KASALAR',
  source: CATALOG_SOURCES.cashBoxes,
  map: (_run, rows) => mapCashBoxes(rows),
  write: async (run, client, rows) => ({ written: await writeCashBoxes(client, rows, run.write), ...none }),
};

const banks: KeysetStep<ErpBank, ReturnType<typeof mapBanks>['rows'][number]> = {
  step: 'bankalar',
  state: 'BANKALAR',
  source: CATALOG_SOURCES.banks,
  map: (_run, rows) => mapBanks(rows),
  write: async (run, client, rows) => ({ written: await writeBanks(client, rows, run.write), ...none }),
};

const depots: KeysetStep<ErpDepot, ReturnType<typeof mapDepots>['rows'][number]> = {
  step: 'depolar',
  state: 'DEPOLAR',
  source: CATALOG_SOURCES.depots,
  map: (_run, rows) => mapDepots(rows),
  async write(run, client, rows) {
    const r = await writeDepots(client, rows, run.write);
    if (r.skipped) {
      run.log.warn({ step: 'depolar', skipped: r.skipped }, 'depots skipped: their depo_no belongs to another ERP-linked web depot');
      run.notes.push(`depolar: ${r.skipped} depot(s) skipped (depo_no taken on the web)`);
    }
    return { written: r.written, ...none };
  },
};

const accounts: KeysetStep<ErpAccount, ReturnType<typeof mapAccounts>['rows'][number]> = {
  step: 'cari_hesaplar',
  state: 'CARI_HESAPLAR',
  source: CATALOG_SOURCES.accounts,
  map: (_run, rows) => mapAccounts(rows),
  write: async (run, client, rows) => ({ written: await writeAccounts(client, rows, run.write), ...none }),
};

const stockMovements: KeysetStep<ErpStockMovement, ReturnType<typeof mapStockMovements>['rows'][number]> = {
  step: 'stok_hareketleri',
  state: 'STOK_HAREKETLERI',
  source: CATALOG_SOURCES.stockMovements,
  async prepare(run) {
    run.vat = parseVatTable(run.ctx.config.invoices.vatPointers);
  },
  map(run, rows) {
    const m = mapStockMovements(rows, run.vat!);
    if (m.fractional.size) {
      // The web column is an integer (Q45): the exact quantity is logged, the rounded one stored.
      run.log.info({ step: 'stok_hareketleri', rows: Object.fromEntries([...m.fractional].slice(0, 50)) }, `${m.fractional.size} fractional quantity(ies) rounded into the integer miktar column`);
    }
    return m;
  },
  write: (run, client, rows) => writeStockMovements(client, rows, run.write),
};

const accountMovements: KeysetStep<ErpAccountMovement, ReturnType<typeof mapAccountMovements>['rows'][number]> = {
  step: 'cari_hesap_hareketleri',
  state: 'CARI_HESAP_HAREKETLERI',
  source: CATALOG_SOURCES.accountMovements,
  async prepare(run) {
    run.specialCodes = await readCashAndBankCodes(run.ctx.erp);
  },
  map: (run, rows) => mapAccountMovements(rows, run.specialCodes!),
  write: (run, client, rows) => writeAccountMovements(client, rows, run.write),
};

export interface TableStep {
  step: string;
  state: string;
  run(run: CatalogRun): Promise<void>;
}
const step = <R, W>(s: KeysetStep<R, W>): TableStep => ({ step: s.step, state: s.state, run: (r) => runKeysetStep(r, s) });

/**
 * Groups in run order after the categories; the chains of one group run at the same time on
 * separate connections (tables that do not depend on each other, as the original ran its steps
 * 6-8 and 10-11 in parallel): barcodes beside price definitions + prices, the three small tables,
 * stock beside account movements. A chain's steps run one after the other.
 */
export const TABLE_GROUPS: readonly (readonly (readonly TableStep[])[])[] = [
  [[step(stocks)]],
  [[step(barcodes)], [step(priceLists), step(prices)]],
  [[step(cashBoxes)], [step(banks)], [step(depots)]],
  [[step(accounts)]],
  [[step(stockMovements)], [step(accountMovements)]],
];
