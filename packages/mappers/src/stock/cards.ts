/**
 * Web stock card (`stoklar`) -> Mikro `STOKLAR` and its list-1 price (spec 3.10, rule 21; traces
 * `yeni-urun-ekleme`, `urun-guncelle`). The web owns the fields the original wrote (name, foreign
 * name, unit, packaging, shelf, size) and the list-1 sales price (open question Q22).
 */
import { PermanentError, says, type RecordRef } from '@mikrosync/core';
import { checkedCode, cut, mikroRow, type Stamp } from '../mikro/rows.js';
import { MIKRO_COLUMNS, type MikroTable } from '../mikro/columns.generated.js';
import type { MikroColumn, MikroRow } from '../mikro/column-types.js';
import { webNumber, webText, type CardField, type FieldValue } from './fields.js';

/** A `stoklar` row as read from the web database. */
export interface WebStockCard {
  id: string;
  stok_kodu: string | null;
  stok_adi: string | null;
  katalog_ismi?: string | null;
  birim_turu?: string | null;
  ambalaj?: string | null;
  raf_kodu?: string | null;
  olcu?: string | null;
  satis_fiyati?: string | number | null;
  is_asorti?: boolean | null;
  [column: string]: unknown;
}

/**
 * Defaults of a new card as Mikro's own client writes them (`yeni-urun-ekleme`): accounting codes,
 * VAT pointers 4 (20 %), label flags; every other column 0 / '' / '18991230'.
 */
export const STOCK_CARD_TRACE_DEFAULTS: Record<string, FieldValue> = {
  sto_birim1_katsayi: 1,
  sto_muh_kod: '153',
  sto_muh_Iade_kod: '153',
  sto_muh_sat_muh_kod: '600',
  sto_muh_satIadmuhkod: '610',
  sto_muh_sat_isk_kod: '611',
  sto_muh_aIiskmuhkod: '153',
  sto_muh_satmalmuhkod: '621',
  sto_yurtdisi_satmuhk: '601',
  sto_ilavemasmuhkod: '153',
  sto_yatirimtesmuhkod: '258',
  sto_depsatmuhkod: '600',
  sto_depsatmalmuhkod: '621',
  sto_bagortsatmuhkod: '600',
  sto_bagortsatIadmuhkod: '610',
  sto_bagortsatIskmuhkod: '611',
  sto_satfiyfarkmuhkod: '600',
  sto_yurtdisisatmalmuhkod: '621',
  sto_bagortsatmalmuhkod: '621',
  sto_sifirbedsatmalmuhkod: '760',
  sto_perakende_vergi: 4,
  sto_toptan_vergi: 4,
  sto_raf_etiketli: 1,
  sto_etiket_bas: 1,
  sto_otvbirimi: 1,
};

export interface StockCardOptions {
  /** Known units in Mikro's spelling (STOCK_UNITS). */
  units: string[];
  /** Column values over the traced defaults (STOCK_CARD_DEFAULTS). */
  defaults: Record<string, FieldValue>;
}

export const STOCK_CODE_WIDTH = 25;
const CODE_FIELD_WIDTH = 20;
/** The sales price list a card's `satis_fiyati` belongs to, and the key the client inserts. */
export const MAIN_PRICE_LIST = 1;

const recordOf = (row: { id: string }): RecordRef => ({ table: 'stoklar', id: row.id });

/**
 * Problems of configured column values (STOCK_CARD_DEFAULTS, CUSTOMER_CARD_DEFAULTS) against Mikro's
 * column list: unknown or identity columns, a number for a text column or text for a number, text
 * longer than the column, a date not written as Mikro writes it. Checked at start-up and per row.
 */
export function columnDefaultsProblems(table: MikroTable, values: Record<string, FieldValue>, variable: string): string[] {
  const known = new Map<string, MikroColumn>(MIKRO_COLUMNS[table].map((c) => [c.name.toLowerCase(), c]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const col = known.get(name.toLowerCase());
    if (!col || col.kind === 'identity') problems.push(`${variable}: "${name}" is not a column of ${table} that mikrosync writes.`);
    else if ((col.kind === 'number') !== (typeof value === 'number')) {
      problems.push(`${variable}: ${name} expects a ${col.kind === 'number' ? 'number' : col.kind === 'date' ? "date text such as '20250131'" : 'text'}, got ${JSON.stringify(value)}.`);
    } else if (col.kind === 'text' && col.length !== undefined && String(value).length > col.length) {
      problems.push(`${variable}: ${name} holds at most ${col.length} characters, got ${String(value).length}.`);
    } else if (col.kind === 'date' && !/^\d{8}( \d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/.test(String(value))) {
      problems.push(`${variable}: ${name} expects a date as Mikro writes it ('YYYYMMDD' or 'YYYYMMDD hh:mm:ss'), got ${JSON.stringify(value)}.`);
    }
  }
  return problems;
}

/** Column values checked against Mikro's column list (a typo in configuration is a clear error). */
export function checkedDefaults(table: MikroTable, values: Record<string, FieldValue>, variable: string): Record<string, FieldValue> {
  const [problem] = columnDefaultsProblems(table, values, variable);
  if (problem) throw new PermanentError(problem, { fix: `correct ${variable} and restart the workers`, says: says('err.configInvalid', { problem, variable }) });
  return values;
}

/** The unit in Mikro's spelling; '' stays '' (Mikro's own default for a new card). */
export function stockUnit(value: string, units: string[], record: RecordRef): string {
  if (value === '') return '';
  const found = units.find((u) => u.toLocaleUpperCase('tr-TR') === value.toLocaleUpperCase('tr-TR'));
  if (!found) {
    throw new PermanentError(`${record.table} ${record.id}: unit (birim_turu) "${value}" is not a unit mikrosync knows for Mikro.`, {
      record,
      fix: `use one of ${units.join(', ')} (or add the unit to STOCK_UNITS), then save the card again`,
      says: says('err.unknownUnit', { value, units: units.join(', ') }),
    });
  }
  return found;
}

const codeField = (name: string, column: keyof WebStockCard, erpColumns: string[], what: string): CardField<WebStockCard> => ({
  name,
  empty: '',
  web: (r) => webText(r[column]),
  erpView: (e) => webText(e[erpColumns[0]!]) ?? '',
  toErp: (v, r) => {
    const code = checkedCode(String(v), CODE_FIELD_WIDTH, what, recordOf(r));
    return Object.fromEntries(erpColumns.map((c) => [c, code]));
  },
});

/** The STOKLAR fields a web card owns, in the client's column order. */
export function stockCardFields(opts: StockCardOptions): CardField<WebStockCard>[] {
  return [
    { name: 'name', empty: '', web: (r) => webText(r.stok_adi), erpView: (e) => webText(e.sto_isim) ?? '', toErp: (v) => ({ sto_isim: cut(String(v), 50) }) },
    { name: 'foreignName', empty: '', web: (r) => webText(r.katalog_ismi), erpView: (e) => webText(e.sto_yabanci_isim) ?? '', toErp: (v) => ({ sto_yabanci_isim: cut(String(v), 50) }) },
    {
      name: 'unit',
      empty: '',
      web: (r) => webText(r.birim_turu),
      // The ERP -> Web sync shows an empty unit as 'Adet'.
      erpView: (e) => webText(e.sto_birim1_ad) || 'Adet',
      toErp: (v, r) => ({ sto_birim1_ad: stockUnit(String(v), opts.units, recordOf(r)) }),
    },
    codeField('shelf', 'raf_kodu', ['sto_yer_kod', 'sto_reyon_kodu'], 'shelf code (raf_kodu)'),
    codeField('size', 'olcu', ['sto_sektor_kodu'], 'size (olcu)'),
    codeField('packaging', 'ambalaj', ['sto_ambalaj_kodu'], 'packaging (ambalaj)'),
  ];
}

/**
 * The list-1 price field; its "Mikro row" is the price row of (stock, 1, depot 0, plan 0). A web
 * price of 0 is the column's default ("not priced yet"): it never zeroes a Mikro price of a card we
 * did not write, only one we sent a price for.
 */
export const PRICE_FIELD: CardField<WebStockCard> = {
  name: 'price1',
  empty: 0,
  web: (r) => webNumber(r.satis_fiyati) || null,
  erpView: (e) => webNumber(e.sfiyat_fiyati) ?? 0,
  toErp: (v, r) => ({ sfiyat_fiyati: checkedPrice(Number(v), 'sales price (satis_fiyati)', recordOf(r)) }),
};

export function checkedPrice(price: number, what: string, record: RecordRef): number {
  if (!Number.isFinite(price) || price < 0) {
    throw new PermanentError(`${record.table} ${record.id}: ${what} ${price} is not a valid price.`, { record, fix: `enter a price of 0 or more`, says: says('err.invalidPrice', { what, price }) });
  }
  return Math.round(price * 10000) / 10000;
}

/** The stock code a card is known by in Mikro: a key, so a longer code is an error, never a cut. */
export function stockCode(code: string | null | undefined, record: RecordRef): string {
  const c = checkedCode(code, STOCK_CODE_WIDTH, 'stock code', record);
  if (!c) throw new PermanentError(`${record.table} ${record.id}: the stock card has no stock code.`, { record, fix: 'give the card a stock code (stok_kodu) on the web', says: says('err.noStockCode') });
  return c;
}

/** A new price row as the client inserts it (`yeni-urun-ekleme`: fileid 228, depot 0, plan 0). */
export function newPriceRow(code: string, list: number, price: number, stamp: Stamp): MikroRow {
  return mikroRow('STOK_SATIS_FIYAT_LISTELERI', stamp, {
    sfiyat_stokkod: code,
    sfiyat_listesirano: list,
    sfiyat_deposirano: 0,
    sfiyat_odemeplan: 0,
    sfiyat_fiyati: price,
  });
}

/** A price change as the client writes it (`urun-guncelle`): user, stamp, price. */
export function priceUpdate(price: number, stamp: Stamp): Record<string, FieldValue> {
  return { sfiyat_lastup_user: stamp.userNo, sfiyat_lastup_date: stamp.now, sfiyat_fiyati: price };
}

/** A new STOKLAR row: the traced defaults, the configured overrides, then the web's fields. */
export function newStockCardRow(code: string, fieldValues: Record<string, FieldValue>, opts: StockCardOptions, stamp: Stamp): MikroRow {
  return mikroRow('STOKLAR', stamp, {
    ...STOCK_CARD_TRACE_DEFAULTS,
    ...checkedDefaults('STOKLAR', opts.defaults, 'STOCK_CARD_DEFAULTS'),
    sto_kod: code,
    ...fieldValues,
  });
}

/** The STOKLAR columns of an edit (`urun-guncelle`): the last-update stamp first, then the edited columns. */
export function stockCardUpdate(set: Record<string, FieldValue>, stamp: Stamp): Record<string, FieldValue> {
  return { sto_lastup_date: stamp.now, ...set };
}

