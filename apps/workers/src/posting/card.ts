/**
 * Master-data cards (stock cards, barcodes, prices, customers) -> Mikro, written once: the
 * transaction, the lock of the card's key, the ledger (the values last sent, which tell a later
 * edit what changed), the crash test point, and the rule for a dependent record (barcode, price,
 * movement) whose stock card is not in Mikro. A card flow says only what it reads and writes.
 */
import { faultPoint, NotReadyError, PermanentError, says, type RecordRef } from '@mikrosync/core';
import {
  findLedger,
  findStockCard,
  insertLedger,
  lockMasterKey,
  updateLedger,
  type ErpTx,
  type LedgerEntry,
  type LedgerRow,
  type Row,
} from '@mikrosync/connectors/erp';
import { stockCardPending, type WebPool } from '@mikrosync/connectors/web';
import { sameValue, type FieldValue } from '@mikrosync/mappers';
import type { WorkerContext } from '../context.js';
import { stampOf } from './checks.js';

/** Values last sent to Mikro for a card (kept as JSON in the ledger's fingerprint). */
export type Sent = Record<string, FieldValue>;

export function sentOf(ledger: LedgerEntry | undefined): Sent | undefined {
  if (!ledger || ledger.status !== 'posted') return undefined;
  try {
    const v: unknown = JSON.parse(ledger.fingerprint);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Sent) : undefined;
  } catch {
    return undefined;
  }
}

function sameSent(a: Sent, b: Sent): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => sameValue(a[k], b[k]) && typeof a[k] === typeof b[k]);
}

export interface CardLedger {
  webTable: string;
  webId: string;
  docKind: string;
  recno: number;
  rows: LedgerRow[];
  sent: Sent;
}

/**
 * Records what a card write sent, in the same ERP transaction as the write: a first ledger row, or a
 * new version when the values changed. A card we only looked at (nothing written, no ledger yet)
 * leaves no row.
 */
async function saveCardLedger(tx: ErpTx, existing: LedgerEntry | undefined, e: CardLedger, wrote: boolean, now: string): Promise<void> {
  const fingerprint = JSON.stringify(e.sent);
  if (!existing) {
    if (!wrote) return;
    await insertLedger(tx, { webTable: e.webTable, webId: e.webId, docKind: e.docKind, evrakTip: 0, series: '', number: 0, headerRecno: e.recno, fingerprint, rows: e.rows }, now);
    return;
  }
  const before = sentOf(existing);
  if (!wrote && existing.status === 'posted' && before && sameSent(before, e.sent) && existing.headerRecno === e.recno) return;
  await updateLedger(tx, e.webTable, e.webId, { rows: e.rows, fingerprint, status: 'posted', headerRecno: e.recno }, now);
}

/**
 * The Mikro stock card a barcode, price or movement belongs to. Missing: "not ready" while the web
 * card's own job is still open (it is on its way), otherwise a permanent error naming the record.
 */
export async function requireStockCard(found: ErpTx | Row | undefined, web: WebPool, stokId: string, code: string, record: RecordRef, what: string): Promise<Row> {
  // The card as a read batch brought it, or read here through `tx`.
  const card = found && 'query' in found && typeof found.query === 'function' ? await findStockCard(found as ErpTx, code) : (found as Row | undefined);
  if (card) return card;
  if (await stockCardPending(web, stokId)) {
    throw new NotReadyError(`${record.table} ${record.id}: stock card "${code}" is not in Mikro yet (its own job is still open)`);
  }
  throw new PermanentError(`${record.table} ${record.id}: ${what} for stock code "${code}", which does not exist in Mikro (STOKLAR).`, {
    record,
    fix: 'create the stock card in Mikro, or save the web stock card again so that it is sent, then re-enqueue',
    says: says('err.stockCardNotInErp', { code }),
  });
}

/** Nothing in the stock domain ever touches an assortment variant in Mikro (rule 21, trap 28). */
export const ASORTI_SKIPPED = 'assortment variant (is_asorti): never written to Mikro';

/** What a card write may record in the ledger, inside its transaction. */
export interface CardLedgerWriter {
  /** The values sent (a first ledger row, or a new version when they changed). */
  save(e: CardLedger, wrote: boolean): Promise<void>;
  /** The card's ledger row marked deleted (its web row is gone), rows and values kept. */
  markDeleted(posted: LedgerEntry): Promise<void>;
}

/**
 * Runs a card write: one ERP transaction that takes the locks of the card's keys (in the order
 * given), reads the card's ledger under them, runs `write`, and commits; then the crash test
 * point, as for documents.
 */
export async function upsertCard<T>(
  ctx: Pick<WorkerContext, 'erp' | 'config'>,
  spec: { table: string; id: string; locks: { kind: string; key: string }[] },
  write: (tx: ErpTx, ledger: LedgerEntry | undefined, ledgerWriter: CardLedgerWriter) => Promise<T>,
): Promise<T> {
  const { config } = ctx;
  const result = await ctx.erp.transaction(async (tx) => {
    for (const l of spec.locks) await lockMasterKey(tx, l.kind, l.key, config.erp.lockTimeoutMs);
    const ledger = await findLedger(tx, spec.table, spec.id);
    return write(tx, ledger, {
      save: (e, wrote) => saveCardLedger(tx, ledger, e, wrote, stampOf(config).now),
      markDeleted: (posted) =>
        updateLedger(tx, spec.table, spec.id, { rows: posted.rows, fingerprint: posted.fingerprint, status: 'deleted', headerRecno: posted.headerRecno }, stampOf(config).now),
    });
  });
  faultPoint('crash-after-erp-commit');
  return result;
}

/** A card's ledger read outside the transaction (a deletion needs it to know the key it locks). */
export function cardLedger(ctx: Pick<WorkerContext, 'erp'>, table: string, id: string): Promise<LedgerEntry | undefined> {
  return findLedger(ctx.erp, table, id);
}
