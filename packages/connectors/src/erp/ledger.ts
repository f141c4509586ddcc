/**
 * Our ledger inside the ERP database: one row per web document posted, committed in the same ERP
 * transaction as the document itself. A retry that finds the ledger row knows the document exists
 * and only rebuilds the web side (docs/architecture.md rule 3).
 */
import { MIKRO_TABLE_INFO } from '@mikrosync/core';
import type { ErpTx } from './client.js';
import { ident, join, sql, type SqlValue, type Statement } from './sql.js';
import { insertRow } from './rows.js';

export const LEDGER_TABLE = 'MIKROSYNC_LEDGER';

const ledgerTable = (table: 'CARI_HESAP_HAREKETLERI' | 'STOK_HAREKETLERI' | 'ODEME_EMIRLERI') => ({
  recno: MIKRO_TABLE_INFO[table].recnoColumn,
  lastup: MIKRO_TABLE_INFO[table].lastupColumn,
});

/** Record number and last-update columns of the Mikro tables a document writes. */
export const LEDGER_TABLES: Record<string, { recno: string; lastup: string }> = {
  CARI_HESAP_HAREKETLERI: ledgerTable('CARI_HESAP_HAREKETLERI'),
  STOK_HAREKETLERI: ledgerTable('STOK_HAREKETLERI'),
  ODEME_EMIRLERI: ledgerTable('ODEME_EMIRLERI'),
};

/** An ERP row the document wrote; `lastup` is its *_lastup_date as stored, to detect edits in Mikro. */
export interface LedgerRow {
  table: string;
  recno: number;
  ref?: string;
  /** Ledgers written before the write batch: the stamp as the driver returned it. */
  lastup?: string;
  /**
   * The stored *_lastup_date as the server itself formats it (`yyyy-mm-dd hh:mi:ss.mmm`), written
   * by the write batch; compared on the server, so no driver or time zone is involved.
   */
  stamp?: string;
}

export interface LedgerEntry {
  webTable: string;
  webId: string;
  docKind: string;
  evrakTip: number;
  series: string;
  number: number;
  headerRecno: number;
  fingerprint: string;
  rows: LedgerRow[];
  version: number;
  /** 'posted', or 'deleted' once the web document was deleted and its ERP rows removed. */
  status: string;
  createdAt: string;
}

/** How messages name a posted document: series and number, and its header's record number. */
export function describeLedger(l: Pick<LedgerEntry, 'series' | 'number' | 'headerRecno'>): string {
  return `${l.series}${l.number} (cha_RECno ${l.headerRecno})`;
}

interface LedgerDbRow {
  ldg_web_table: string;
  ldg_web_id: string;
  ldg_doc_kind: string;
  ldg_evrak_tip: number;
  ldg_seri: string;
  ldg_sira: number;
  ldg_header_recno: number;
  ldg_fingerprint: string;
  ldg_rows: string;
  ldg_version: number;
  ldg_status: string;
  ldg_created_at: string;
}

/** The ledger row of a web document (one statement of a read batch). */
export function ledgerQuery(webTable: string, webId: string): Statement {
  return sql`SELECT * FROM ${ident(LEDGER_TABLE)} WHERE ${ident('ldg_web_table')} = ${webTable} AND ${ident('ldg_web_id')} = ${webId}`;
}

export async function findLedger(tx: ErpTx, webTable: string, webId: string): Promise<LedgerEntry | undefined> {
  return parseLedger((await tx.query<LedgerDbRow>(ledgerQuery(webTable, webId)))[0]);
}

/** The ledger entry of a row read by `ledgerQuery`. */
export function parseLedger(row: unknown): LedgerEntry | undefined {
  const r = row as LedgerDbRow | undefined;
  if (!r) return undefined;
  return {
    webTable: r.ldg_web_table,
    webId: r.ldg_web_id,
    docKind: r.ldg_doc_kind,
    evrakTip: Number(r.ldg_evrak_tip),
    series: r.ldg_seri,
    number: Number(r.ldg_sira),
    headerRecno: Number(r.ldg_header_recno),
    fingerprint: r.ldg_fingerprint,
    rows: JSON.parse(r.ldg_rows) as LedgerEntry['rows'],
    version: Number(r.ldg_version),
    status: String(r.ldg_status ?? 'posted'),
    createdAt: String(r.ldg_created_at),
  };
}

/**
 * Records the posted document. The unique key (web table, web id) makes a second concurrent
 * posting of the same web document fail and roll back its whole ERP transaction.
 */
export async function insertLedger(tx: ErpTx, e: Omit<LedgerEntry, 'version' | 'createdAt' | 'status'>, now: string): Promise<void> {
  await insertRow(tx, LEDGER_TABLE, 'ldg_id', {
    ldg_web_table: e.webTable,
    ldg_web_id: e.webId,
    ldg_doc_kind: e.docKind,
    ldg_evrak_tip: e.evrakTip,
    ldg_seri: e.series,
    ldg_sira: e.number,
    ldg_header_recno: e.headerRecno,
    ldg_fingerprint: e.fingerprint,
    ldg_rows: JSON.stringify(e.rows),
    ldg_version: 1,
    ldg_created_at: now,
    ldg_updated_at: now,
  });
}

/** A re-post or a deletion: new rows, fingerprint and status; the version goes up by one. */
export async function updateLedger(
  tx: ErpTx,
  webTable: string,
  webId: string,
  change: { rows: LedgerRow[]; fingerprint: string; status: 'posted' | 'deleted'; headerRecno: number },
  now: string,
): Promise<void> {
  const set: Record<string, SqlValue> = {
    ldg_rows: JSON.stringify(change.rows),
    ldg_fingerprint: change.fingerprint,
    ldg_status: change.status,
    ldg_header_recno: change.headerRecno,
    ldg_updated_at: now,
  };
  const assignments = join([...Object.keys(set).map((k) => sql`${ident(k)} = ${set[k] ?? null}`), sql`${ident('ldg_version')} = ${ident('ldg_version')} + 1`]);
  await tx.query(
    sql`UPDATE ${ident(LEDGER_TABLE)} SET ${assignments} WHERE ${ident('ldg_web_table')} = ${webTable} AND ${ident('ldg_web_id')} = ${webId}`,
  );
}
