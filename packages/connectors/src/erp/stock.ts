/**
 * ERP side of the stock domain (web -> Mikro): reads of the cards a write touches, the client's
 * insert-then-RECid pattern, and slip numbers of header-less stock slips (counts, transfers).
 */
import type { ErpTx, Row } from './client.js';
import { lockForTransaction } from './locks.js';
import { insertRow, updateRow } from './rows.js';
import { dialectPart, ident, join, sql, type SqlValue, type Statement } from './sql.js';

/** SQL Server: hold the number range we read until commit (as numbering.ts does for documents). */
const held = dialectPart(' WITH (UPDLOCK, HOLDLOCK)', '');

/**
 * Serialises every write of one master-data key (a stock code, a barcode, an account code) across
 * workers, so two jobs cannot both find "no row" and insert it twice. The reads after it need no
 * lock hints of their own (range locks on SQL Server would only add deadlocks between keys).
 */
export async function lockMasterKey(tx: ErpTx, kind: string, key: string, timeoutMs: number): Promise<void> {
  await lockForTransaction(tx, `mikrosync:${kind}:${key}`, timeoutMs);
}

export async function findStockCard(tx: ErpTx, code: string): Promise<Row | undefined> {
  const rows = await tx.query(sql`SELECT * FROM ${ident('STOKLAR')} WHERE ${ident('sto_kod')} = ${code} ORDER BY ${ident('sto_RECno')}`);
  return rows[0];
}

/** The price row the client itself inserts for (stock, list): depot 0, payment plan 0 (rule 24). */
export async function findPriceRow(tx: ErpTx, code: string, list: number): Promise<Row | undefined> {
  const rows = await tx.query(
    sql`SELECT * FROM ${ident('STOK_SATIS_FIYAT_LISTELERI')} WHERE ${ident('sfiyat_stokkod')} = ${code} AND ${ident('sfiyat_listesirano')} = ${list} AND ${ident('sfiyat_deposirano')} = ${0} AND ${ident('sfiyat_odemeplan')} = ${0} ORDER BY ${ident('sfiyat_RECno')}`,
  );
  return rows[0];
}

/** Every Mikro row of a barcode value (Mikro does not keep them unique). */
export async function findBarcodeRows(tx: ErpTx, barcode: string): Promise<Row[]> {
  return tx.query(sql`SELECT * FROM ${ident('BARKOD_TANIMLARI')} WHERE ${ident('bar_kodu')} = ${barcode} ORDER BY ${ident('bar_RECno')}`);
}

export async function findBarcodeByRecno(tx: ErpTx, recno: number): Promise<Row | undefined> {
  const rows = await tx.query(sql`SELECT * FROM ${ident('BARKOD_TANIMLARI')} WHERE ${ident('bar_RECno')} = ${recno}`);
  return rows[0];
}

export async function findCustomerCard(tx: ErpTx, code: string): Promise<Row | undefined> {
  const rows = await tx.query(sql`SELECT * FROM ${ident('CARI_HESAPLAR')} WHERE ${ident('cari_kod')} = ${code} ORDER BY ${ident('cari_RECno')}`);
  return rows[0];
}

export interface ErpDepot {
  no: number;
  lockDate: unknown;
}

export async function findDepots(tx: ErpTx, numbers: number[]): Promise<Map<number, ErpDepot>> {
  const rows = await tx.query<{ dep_no: number; lock: unknown }>(
    sql`SELECT ${ident('dep_no')}, ${ident('dep_KilitTarihi')} AS ${ident('lock')} FROM ${ident('DEPOLAR')} WHERE ${ident('dep_no')} IN (${join(numbers.map((n) => sql`${n}`))})`,
  );
  return new Map(rows.map((r) => [Number(r.dep_no), { no: Number(r.dep_no), lockDate: r.lock }]));
}

/** The lowest depot of company 0 / branch 0: the entry depot the client gives a count slip (`sayim`). */
export async function lowestMainDepot(tx: ErpTx): Promise<number | undefined> {
  const rows = await tx.query<{ m: number | null }>(
    sql`SELECT MIN(${ident('dep_no')}) AS ${ident('m')} FROM ${ident('DEPOLAR')} WHERE ${ident('dep_firmano')} = ${0} AND ${ident('dep_subeno')} = ${0}`,
  );
  const m = rows[0]?.m;
  return m === null || m === undefined ? undefined : Number(m);
}

/**
 * INSERT as the client does it: the row with RECid_RECno 0, the identity read back, then one UPDATE
 * setting RECid_RECno (and any columns the client sets afterwards). Returns the record number.
 */
export async function insertWithRecid(
  tx: ErpTx,
  table: string,
  prefix: string,
  row: Record<string, SqlValue>,
  after: Record<string, SqlValue> = {},
): Promise<number> {
  const recnoColumn = `${prefix}_RECno`;
  const recno = await insertRow(tx, table, recnoColumn, { ...row, [`${prefix}_RECid_DBCno`]: 0, [`${prefix}_RECid_RECno`]: 0 });
  await updateRow(tx, table, recnoColumn, recno, { [`${prefix}_RECid_RECno`]: recno, ...after });
  return recno;
}

export interface SlipRange {
  /** sth_evraktip of the slip (counts 0, transfers as configured). */
  evrakTip: number;
  series: string;
}

/**
 * The number of a header-less stock slip, under the lock of its range (rule 7): the requested
 * number when no slip of the range uses it, otherwise the highest number in the ERP + 1.
 */
export async function allocateSlipNumber(tx: ErpTx, r: SlipRange, requested: number | null, lockTimeoutMs: number): Promise<number> {
  await lockForTransaction(tx, `mikrosync:sth:${r.evrakTip}:${r.series}`, lockTimeoutMs);
  const range = sql`${ident('sth_evraktip')} = ${r.evrakTip} AND ${ident('sth_evrakno_seri')} = ${r.series}`;
  if (requested !== null) {
    const used = await tx.query<{ c: number }>(
      sql`SELECT COUNT(*) AS ${ident('c')} FROM ${ident('STOK_HAREKETLERI')}${held} WHERE ${range} AND ${ident('sth_evrakno_sira')} = ${requested}`,
    );
    if (Number(used[0]?.c ?? 0) === 0) return requested;
  }
  const max = await tx.query<{ m: number | null }>(sql`SELECT MAX(${ident('sth_evrakno_sira')}) AS ${ident('m')} FROM ${ident('STOK_HAREKETLERI')}${held} WHERE ${range}`);
  return Number(max[0]?.m ?? 0) + 1;
}

/** Read batch statements of a stock slip: its stock card, its depots, the lowest main depot. */
export function stockCardQuery(code: string): Statement {
  return sql`SELECT * FROM ${ident('STOKLAR')} WHERE ${ident('sto_kod')} = ${code} ORDER BY ${ident('sto_RECno')}`;
}
export function depotsQuery(numbers: number[]): Statement {
  return sql`SELECT ${ident('dep_no')}, ${ident('dep_KilitTarihi')} AS ${ident('lock')} FROM ${ident('DEPOLAR')} WHERE ${ident('dep_no')} IN (${join(numbers.map((n) => sql`${n}`))})`;
}
export function lowestMainDepotQuery(): Statement {
  return sql`SELECT MIN(${ident('dep_no')}) AS ${ident('m')} FROM ${ident('DEPOLAR')} WHERE ${ident('dep_firmano')} = ${0} AND ${ident('dep_subeno')} = ${0}`;
}
