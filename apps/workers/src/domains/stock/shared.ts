/**
 * What the stock-domain processors share: the write stamp, the ledger of master-data cards (the
 * values last sent, which tell a later edit what changed), and the rule for a dependent record
 * (barcode, price, movement) whose stock card is not in Mikro.
 */
import { mikroTimestamp, NotReadyError, PermanentError, type Config, type RecordRef } from '@mikrosync/core';
import { findStockCard, insertLedger, stockCardPending, updateLedger, type ErpTx, type LedgerEntry, type LedgerRow, type Row, type WebPool } from '@mikrosync/connectors';
import { sameValue, type FieldValue, type Stamp } from '@mikrosync/mappers';

export function stampOf(config: Config): Stamp {
  return { userNo: config.erp.userNo, now: mikroTimestamp(new Date(), config.erp.timeZone) };
}

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
export async function saveCardLedger(tx: ErpTx, existing: LedgerEntry | undefined, e: CardLedger, wrote: boolean, now: string): Promise<void> {
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
  });
}

/** Nothing in the stock domain ever touches an assortment variant in Mikro (rule 21, trap 28). */
export const ASORTI_SKIPPED = 'assortment variant (is_asorti): never written to Mikro';
