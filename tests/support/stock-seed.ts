/** Rows for stock-domain tests: web rows written as a web user or as the ERP -> Web sync, ERP reads. */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ident, join, sql, withSyncTransaction, type ErpTx, type Row, type SqlValue } from '@mikrosync/connectors';

function insertSql(table: string, row: Record<string, unknown>): { text: string; values: unknown[] } {
  const cols = Object.keys(row);
  return { text: `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, values: Object.values(row) };
}

/** A web row written by a web user: the capture trigger records it in the outbox. */
export async function webInsert(web: pg.Pool, table: string, row: Record<string, unknown>): Promise<string> {
  const full = { id: randomUUID(), ...row };
  const q = insertSql(table, full);
  await web.query(q.text, q.values);
  return full.id as string;
}

/** A web row written as the ERP -> Web sync writes (withSyncTransaction): no outbox row. */
export async function syncInsert(web: pg.Pool, table: string, row: Record<string, unknown>): Promise<string> {
  const full = { id: randomUUID(), ...row };
  const q = insertSql(table, full);
  await withSyncTransaction(web, (c) => c.query(q.text, q.values));
  return full.id as string;
}

export async function outboxRows(web: pg.Pool, table: string, id: string): Promise<{ operation: string; status: string; last_error: string | null }[]> {
  return (await web.query('SELECT operation, status, last_error FROM sync_outbox WHERE table_name = $1 AND record_id = $2 ORDER BY id', [table, id])).rows;
}

/** Rows of an ERP table matching column = value pairs, ordered by record number. */
export async function erpRows(erp: ErpTx, table: string, where: Record<string, SqlValue>, recnoColumn: string): Promise<Row[]> {
  const cond = Object.entries(where).map(([c, v]) => sql`${ident(c)} = ${v}`);
  return erp.query(sql`SELECT * FROM ${ident(table)} WHERE ${cond.length ? join(cond, ' AND ') : sql`1 = 1`} ORDER BY ${ident(recnoColumn)}`);
}

/** Row counts of every Mikro table the stock domain writes, and of our ledger: "nothing partial". */
export async function stockDomainCounts(erp: ErpTx): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['STOKLAR', 'STOK_SATIS_FIYAT_LISTELERI', 'BARKOD_TANIMLARI', 'STOK_HAREKETLERI', 'CARI_HESAPLAR', 'MIKROSYNC_LEDGER']) {
    const r = await erp.query<{ n: number }>(sql`SELECT COUNT(*) AS ${ident('n')} FROM ${ident(table)}`);
    out[table] = Number(r[0]?.n ?? 0);
  }
  return out;
}
