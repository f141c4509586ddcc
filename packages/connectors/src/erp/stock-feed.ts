/**
 * ERP reads of the stock XML feed (spec stock-xml.md §1.1): every stock card with its first barcode
 * (by bar_RECno), on-hand quantity and list 1/2/3 prices, paged by sto_RECno (key set, never the
 * whole table at once). Per-card lookups are OUTER APPLY on SQL Server and LEFT JOIN LATERAL on the
 * stand-in, so both use Mikro's per-stock-code indexes instead of joining whole tables.
 */
import type { ErpFeedProductRow } from '@mikrosync/core';
import type { ErpTx } from './client.js';
import { dialectPart, ident, join, sql, type Statement } from './sql.js';

export interface StockFeedBounds {
  /** Stock cards with sto_RECno <= maxRecno at the time of the read: the feed's ProductCount. */
  count: number;
  maxRecno: number;
}

const s = ident('s');
const col = (alias: string, name: string) => sql`${ident(alias)}.${ident(name)}`;

/** `OUTER APPLY (sub) AS alias` / `LEFT JOIN LATERAL (sub) AS alias ON TRUE`. */
function outerApply(sub: Statement, alias: string): Statement {
  return sql`${dialectPart('OUTER APPLY', 'LEFT JOIN LATERAL')} (${sub}) AS ${ident(alias)}${dialectPart('', ' ON TRUE')}`;
}

/** First row of `sub` (TOP (1) on SQL Server, LIMIT 1 on PostgreSQL): `select` is the column list. */
function firstOf(select: Statement, rest: Statement): Statement {
  return sql`SELECT ${dialectPart('TOP (1) ', '')}${select} ${rest}${dialectPart('', ' LIMIT 1')}`;
}

/**
 * The price of one list. A stock card may have several rows per list (depot, payment plan: erp.md
 * §2.6); the row of depot 0 / plan 0 wins, then the lowest record number, so a product never repeats.
 */
function priceOf(list: number, alias: string): Statement {
  return outerApply(
    firstOf(
      sql`${ident('sfiyat_fiyati')}`,
      sql`FROM ${ident('STOK_SATIS_FIYAT_LISTELERI')} WHERE ${ident('sfiyat_stokkod')} = ${col('s', 'sto_kod')} AND ${ident('sfiyat_listesirano')} = ${list} ORDER BY ${ident('sfiyat_deposirano')}, ${ident('sfiyat_odemeplan')}, ${ident('sfiyat_RECno')}`,
    ),
    alias,
  );
}

const CARD_COLUMNS = [
  'sto_RECno',
  'sto_kod',
  'sto_isim',
  'sto_marka_kodu',
  'sto_kisa_ismi',
  'sto_yer_kod',
  'sto_sektor_kodu',
  'sto_ambalaj_kodu',
  'sto_altgrup_kod',
  'sto_anagrup_kod',
] as const;

export async function readStockFeedBounds(erp: ErpTx): Promise<StockFeedBounds> {
  const [row] = await erp.query<{ n: number | string; max_recno: number | string | null }>(
    sql`SELECT COUNT(*) AS ${ident('n')}, MAX(${ident('sto_RECno')}) AS ${ident('max_recno')} FROM ${ident('STOKLAR')}`,
  );
  return { count: Number(row?.n ?? 0), maxRecno: Number(row?.max_recno ?? 0) };
}

/** The next page: up to `limit` cards with afterRecno < sto_RECno <= uptoRecno, by sto_RECno. */
export async function readStockFeedPage(erp: ErpTx, afterRecno: number, uptoRecno: number, limit: number): Promise<ErpFeedProductRow[]> {
  const select = join([
    ...CARD_COLUMNS.map((c) => col('s', c)),
    sql`${col('b', 'bar_kodu')} AS ${ident('barcode')}`,
    sql`${col('h', 'sth_eldeki_miktar')} AS ${ident('stock')}`,
    sql`${col('p1', 'sfiyat_fiyati')} AS ${ident('price1')}`,
    sql`${col('p2', 'sfiyat_fiyati')} AS ${ident('price2')}`,
    sql`${col('p3', 'sfiyat_fiyati')} AS ${ident('price3')}`,
  ]);
  const stmt = sql`SELECT ${dialectPart(sql`TOP (${limit}) `, '')}${select}
FROM ${ident('STOKLAR')} AS ${s}
${outerApply(firstOf(sql`${ident('bar_kodu')}`, sql`FROM ${ident('BARKOD_TANIMLARI')} WHERE ${ident('bar_stokkodu')} = ${col('s', 'sto_kod')} ORDER BY ${ident('bar_RECno')}`), 'b')}
${outerApply(sql`SELECT SUM(${ident('sth_eldeki_miktar')}) AS ${ident('sth_eldeki_miktar')} FROM ${ident('STOK_HAREKETTEN_ELDEKI_MIKTAR_VIEW')} WHERE ${ident('sth_stok_kod')} = ${col('s', 'sto_kod')}`, 'h')}
${priceOf(1, 'p1')}
${priceOf(2, 'p2')}
${priceOf(3, 'p3')}
WHERE ${col('s', 'sto_RECno')} > ${afterRecno} AND ${col('s', 'sto_RECno')} <= ${uptoRecno}
ORDER BY ${col('s', 'sto_RECno')}${dialectPart('', sql` LIMIT ${limit}`)}`;
  return erp.query<ErpFeedProductRow>(stmt);
}
