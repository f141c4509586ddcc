/**
 * Operations on the Mikro rows a posted document wrote (its ledger rows), whatever the document:
 * reading back the stored last-update stamps, finding rows edited in Mikro since, and removing them.
 */
import type { ErpTx } from './client.js';
import { ident, join, sql } from './sql.js';
import { LEDGER_TABLES, type LedgerRow } from './ledger.js';

/** The stored *_lastup_date of each row, as text (SQL Server rounds milliseconds). */
export async function readLastups(tx: ErpTx, rows: LedgerRow[]): Promise<LedgerRow[]> {
  const out: LedgerRow[] = [];
  for (const table of new Set(rows.map((r) => r.table))) {
    const meta = LEDGER_TABLES[table];
    if (!meta) throw new Error(`no record number column known for ${table}`);
    const mine = rows.filter((r) => r.table === table);
    const found = await tx.query<{ recno: number; lastup: unknown }>(
      sql`SELECT ${ident(meta.recno)} AS ${ident('recno')}, ${ident(meta.lastup)} AS ${ident('lastup')} FROM ${ident(table)} WHERE ${ident(meta.recno)} IN (${join(mine.map((r) => sql`${r.recno}`))})`,
    );
    const byRecno = new Map(found.map((f) => [Number(f.recno), f.lastup instanceof Date ? f.lastup.toISOString() : String(f.lastup)]));
    for (const r of mine) out.push({ ...r, lastup: byRecno.get(r.recno) });
  }
  return out;
}

/** Rows whose stored stamp no longer matches the ledger (edited or deleted in Mikro). */
export async function changedSince(tx: ErpTx, rows: LedgerRow[]): Promise<LedgerRow[]> {
  const now = await readLastups(tx, rows);
  return now.filter((r) => {
    const recorded = rows.find((x) => x.table === r.table && x.recno === r.recno);
    return r.lastup === undefined || r.lastup !== recorded?.lastup;
  });
}

export async function deleteRows(tx: ErpTx, rows: LedgerRow[]): Promise<void> {
  for (const table of new Set(rows.map((r) => r.table))) {
    const meta = LEDGER_TABLES[table];
    if (!meta) throw new Error(`no record number column known for ${table}`);
    const recnos = rows.filter((r) => r.table === table).map((r) => sql`${r.recno}`);
    await tx.query(sql`DELETE FROM ${ident(table)} WHERE ${ident(meta.recno)} IN (${join(recnos)})`);
  }
}
