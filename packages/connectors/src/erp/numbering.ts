/**
 * Document numbers and cheque reference numbers, allocated inside the ERP transaction under a
 * lock per (document type, series) so that concurrent workers never collide (spec 3.13, rule 7).
 */
import type { ErpTx } from './client.js';
import { lockForTransaction } from './locks.js';
import { dialectPart, ident, sql } from './sql.js';

/** SQL Server: hold the key range we read so that a Mikro user cannot insert into it meanwhile. */
const rangeLock = dialectPart(' WITH (UPDLOCK, HOLDLOCK)', '');

export interface NumberRange {
  /** cha_evrak_tip of the header. */
  headerType: number;
  /** sth_evraktip of the lines, when the document has lines. */
  lineType?: number;
  series: string;
}

async function maxNumber(tx: ErpTx, r: NumberRange): Promise<number> {
  const head = await tx.query<{ m: number | null }>(
    sql`SELECT MAX(${ident('cha_evrakno_sira')}) AS ${ident('m')} FROM ${ident('CARI_HESAP_HAREKETLERI')}${rangeLock} WHERE ${ident('cha_evrak_tip')} = ${r.headerType} AND ${ident('cha_evrakno_seri')} = ${r.series}`,
  );
  let max = Number(head[0]?.m ?? 0);
  if (r.lineType !== undefined) {
    const lines = await tx.query<{ m: number | null }>(
      sql`SELECT MAX(${ident('sth_evrakno_sira')}) AS ${ident('m')} FROM ${ident('STOK_HAREKETLERI')}${rangeLock} WHERE ${ident('sth_evraktip')} = ${r.lineType} AND ${ident('sth_evrakno_seri')} = ${r.series}`,
    );
    max = Math.max(max, Number(lines[0]?.m ?? 0));
  }
  return max;
}

async function numberInUse(tx: ErpTx, r: NumberRange, n: number): Promise<boolean> {
  const rows = await tx.query<{ c: number }>(
    sql`SELECT COUNT(*) AS ${ident('c')} FROM ${ident('CARI_HESAP_HAREKETLERI')}${rangeLock} WHERE ${ident('cha_evrak_tip')} = ${r.headerType} AND ${ident('cha_evrakno_seri')} = ${r.series} AND ${ident('cha_evrakno_sira')} = ${n}`,
  );
  return Number(rows[0]?.c ?? 0) > 0;
}

/**
 * Takes the lock of the range, then returns the requested number when it is free in the ERP,
 * otherwise the ERP maximum + 1.
 */
export async function allocateDocumentNumber(tx: ErpTx, r: NumberRange, requested: number | null, lockTimeoutMs: number): Promise<number> {
  await lockForTransaction(tx, `mikrosync:evrak:${r.headerType}:${r.series}`, lockTimeoutMs);
  if (requested !== null && !(await numberInUse(tx, r, requested))) return requested;
  return (await maxNumber(tx, r)) + 1;
}

/**
 * Next cheque/note reference `<prefix>-000-000-<year>-<8 digits>`: the highest running number of
 * that prefix and year + 1, checked free for the order type (Mikro's client checks the same).
 */
export async function allocateRefno(tx: ErpTx, sckTip: number, prefix: string, year: number, lockTimeoutMs: number): Promise<string> {
  const stem = `${prefix}-000-000-${year}-`;
  await lockForTransaction(tx, `mikrosync:refno:${stem}`, lockTimeoutMs);
  const rows = await tx.query<{ m: string | null }>(
    sql`SELECT MAX(${ident('sck_refno')}) AS ${ident('m')} FROM ${ident('ODEME_EMIRLERI')}${rangeLock} WHERE ${ident('sck_refno')} LIKE ${`${stem}%`}`,
  );
  const last = rows[0]?.m ? Number.parseInt(String(rows[0].m).slice(stem.length), 10) : 0;
  for (let next = (Number.isFinite(last) ? last : 0) + 1; ; next++) {
    const refno = `${stem}${String(next).padStart(8, '0')}`;
    const taken = await tx.query<{ c: number }>(
      sql`SELECT COUNT(*) AS ${ident('c')} FROM ${ident('ODEME_EMIRLERI')} WHERE ${ident('sck_tip')} = ${sckTip} AND ${ident('sck_refno')} = ${refno}`,
    );
    if (Number(taken[0]?.c ?? 0) === 0) return refno;
  }
}

/** A customer cheque still in the portfolio, found by its number, locked for the update. */
export async function findPortfolioCheque(tx: ErpTx, chequeNumber: string): Promise<Record<string, unknown> | undefined> {
  const rows = await tx.query(
    sql`SELECT * FROM ${ident('ODEME_EMIRLERI')}${rangeLock} WHERE ${ident('sck_tip')} = ${0} AND ${ident('sck_no')} = ${chequeNumber} AND ${ident('sck_sonpoz')} = ${0} ORDER BY ${ident('sck_RECno')}`,
  );
  return rows[0];
}
