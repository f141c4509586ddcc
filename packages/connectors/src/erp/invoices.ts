/**
 * ERP side of invoices: the depot lock date, stock existence, writing header + lines in the
 * client's order and numbering them. Reading back and removing written rows is ledger-rows.ts.
 */
import type { InvoicePlan } from '@mikrosync/core';
import type { ErpTx } from './client.js';
import { insertRow, insertRows, updateRow } from './rows.js';
import { ident, join, sql, type SqlValue } from './sql.js';
import type { LedgerRow } from './ledger.js';
import { varRef, type BatchVariable, type WriteBatch } from './batch.js';
import type { LedgerRowSource } from './document-batch.js';

type Values = Record<string, SqlValue>;

export async function depotLockDate(tx: ErpTx, depotNo: number): Promise<unknown> {
  const rows = await tx.query<{ lock: unknown }>(sql`SELECT ${ident('dep_KilitTarihi')} AS ${ident('lock')} FROM ${ident('DEPOLAR')} WHERE ${ident('dep_no')} = ${depotNo}`);
  return rows[0]?.lock;
}

/** The stock codes among `codes` that Mikro knows. */
export async function existingStockCodes(tx: ErpTx, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await tx.query<{ sto_kod: string }>(
    sql`SELECT ${ident('sto_kod')} FROM ${ident('STOKLAR')} WHERE ${ident('sto_kod')} IN (${join(codes.map((c) => sql`${c}`))})`,
  );
  return new Set(rows.map((r) => r.sto_kod));
}

export async function writeInvoiceRows(tx: ErpTx, plan: InvoicePlan): Promise<{ headerRecno: number; rows: LedgerRow[] }> {
  const headerRecno = await insertRow(tx, 'CARI_HESAP_HAREKETLERI', 'cha_RECno', { ...plan.header.insert, cha_RECid_DBCno: 0, cha_RECid_RECno: 0 });
  await updateRow(tx, 'CARI_HESAP_HAREKETLERI', 'cha_RECno', headerRecno, { cha_RECid_RECno: headerRecno, ...plan.header.afterInsert });
  // All lines in one statement, then one RECid update for all of them (each row's own RECno):
  // the rows end exactly as the client's per-line insert + update leave them.
  const lineRecnos = await insertRows(
    tx,
    'STOK_HAREKETLERI',
    'sth_RECno',
    plan.lines.map((l) => ({ ...l.insert, ...l.afterInsert, sth_RECid_DBCno: 0, sth_RECid_RECno: 0, sth_fat_recid_dbcno: 0, sth_fat_recid_recno: headerRecno })),
  );
  await tx.query(
    sql`UPDATE ${ident('STOK_HAREKETLERI')} SET ${ident('sth_RECid_RECno')} = ${ident('sth_RECno')} WHERE ${ident('sth_fat_recid_recno')} = ${headerRecno}`,
  );
  const rows: LedgerRow[] = [{ table: 'CARI_HESAP_HAREKETLERI', recno: headerRecno }, ...lineRecnos.map((recno) => ({ table: 'STOK_HAREKETLERI', recno }))];
  return { headerRecno, rows };
}

/**
 * Gives a document written with a placeholder number its final number: the header and every line.
 * Writing the rows first and numbering them last keeps the allocation lock for two statements
 * instead of the whole document, so concurrent workers wait for each other far less.
 */
export async function assignDocumentNumber(tx: ErpTx, headerRecno: number, number: number): Promise<void> {
  await tx.query(sql`UPDATE ${ident('CARI_HESAP_HAREKETLERI')} SET ${ident('cha_evrakno_sira')} = ${number} WHERE ${ident('cha_RECno')} = ${headerRecno}`);
  await tx.query(sql`UPDATE ${ident('STOK_HAREKETLERI')} SET ${ident('sth_evrakno_sira')} = ${number} WHERE ${ident('sth_fat_recid_recno')} = ${headerRecno}`);
}

/** The check reads of an invoice, for the read batch: the depot's lock date. */
export function depotLockQuery(depotNo: number) {
  return sql`SELECT ${ident('dep_KilitTarihi')} AS ${ident('lock')} FROM ${ident('DEPOLAR')} WHERE ${ident('dep_no')} = ${depotNo}`;
}

/** The stock codes among `codes` that Mikro knows (a read batch statement; `codes` not empty). */
export function stockCodesQuery(codes: string[]) {
  return sql`SELECT ${ident('sto_kod')} FROM ${ident('STOKLAR')} WHERE ${ident('sto_kod')} IN (${join(codes.map((c) => sql`${c}`))})`;
}

/**
 * `writeInvoiceRows` as write batch steps: the header's record number goes into `header`, the
 * lines follow in as few statements as a SQL Server request allows, each row ending as the
 * client's insert + update leave it. Returns where the ledger reads the written rows back.
 */
export function writeInvoiceBatch(batch: WriteBatch, plan: InvoicePlan, header: BatchVariable): LedgerRowSource[] {
  const h = varRef(header);
  const headRow: Values = { ...plan.header.insert, cha_RECid_DBCno: 0, cha_RECid_RECno: 0 };
  const headNames = Object.keys(headRow);
  batch.insertIdentity(
    header,
    sql`INSERT INTO ${ident('CARI_HESAP_HAREKETLERI')} (${join(headNames.map((n) => ident(n)))}) VALUES (${join(headNames.map((n) => sql`${headRow[n] ?? null}`))})`,
    sql`${ident('cha_RECno')}`,
  );
  const after: Values = plan.header.afterInsert;
  batch.add(
    sql`UPDATE ${ident('CARI_HESAP_HAREKETLERI')} SET ${join([sql`${ident('cha_RECid_RECno')} = ${h}`, ...Object.keys(after).map((k) => sql`${ident(k)} = ${after[k] ?? null}`)])} WHERE ${ident('cha_RECno')} = ${h}`,
  );
  // The header's record number is known only on the server: every line takes it from the variable.
  const lines = plan.lines.map((l) => {
    const { sth_fat_recid_recno: _placeholder, ...row } = { ...l.insert, ...l.afterInsert, sth_RECid_DBCno: 0, sth_RECid_RECno: 0, sth_fat_recid_dbcno: 0 } as Values;
    return row;
  });
  if (lines.length > 0) {
    const names = Object.keys(lines[0]!);
    const perStatement = Math.max(1, Math.floor(2000 / names.length));
    const cols = join([...names.map((n) => ident(n)), ident('sth_fat_recid_recno')]);
    for (let i = 0; i < lines.length; i += perStatement) {
      const values = join(lines.slice(i, i + perStatement).map((r) => sql`(${join([...names.map((n) => sql`${r[n] ?? null}`), h])})`));
      batch.add(sql`INSERT INTO ${ident('STOK_HAREKETLERI')} (${cols}) VALUES ${values}`);
    }
    batch.add(sql`UPDATE ${ident('STOK_HAREKETLERI')} SET ${ident('sth_RECid_RECno')} = ${ident('sth_RECno')} WHERE ${ident('sth_fat_recid_recno')} = ${h}`);
  }
  return [
    { table: 'CARI_HESAP_HAREKETLERI', where: sql`${ident('cha_RECno')} = ${h}` },
    { table: 'STOK_HAREKETLERI', where: sql`${ident('sth_fat_recid_recno')} = ${h}` },
  ];
}

/** `assignDocumentNumber` as write batch steps. */
export function assignNumberBatch(batch: WriteBatch, header: BatchVariable, number: BatchVariable): void {
  batch.add(sql`UPDATE ${ident('CARI_HESAP_HAREKETLERI')} SET ${ident('cha_evrakno_sira')} = ${varRef(number)} WHERE ${ident('cha_RECno')} = ${varRef(header)}`);
  batch.add(sql`UPDATE ${ident('STOK_HAREKETLERI')} SET ${ident('sth_evrakno_sira')} = ${varRef(number)} WHERE ${ident('sth_fat_recid_recno')} = ${varRef(header)}`);
}
