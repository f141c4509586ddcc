/**
 * The checks against Mikro that posting flows share, each written once: the Mikro stamp of the
 * rows we write, the account, the stock codes and the depot lock date. They judge rows the read
 * batch already fetched; none of them talks to the ERP.
 */
import { MIKRO_EMPTY_DATE, mikroDateFromDb, mikroTimestamp, PermanentError, says, type Config, type RecordRef } from '@mikrosync/core';

export { describeLedger } from '@mikrosync/connectors/erp';

/** The user and time Mikro's own columns (*_create_*, *_lastup_*) get, in the shop's time zone. */
export function stampOf(config: Config): { userNo: number; now: string } {
  return { userNo: config.erp.userNo, now: mikroTimestamp(new Date(), config.erp.timeZone) };
}

/** The account row read for `code`, or the operator-facing refusal. */
export function requireAccount<T extends { cari_unvan1?: unknown }>(record: RecordRef, code: string, rows: T[]): T {
  const account = rows[0];
  if (!account) {
    throw new PermanentError(`${record.table} ${record.id}: account code "${code}" does not exist in Mikro (CARI_HESAPLAR).`, {
      record,
      fix: 'create the account in Mikro or correct the mapping (int_kodmap_cari / cari_hesaplar.cari_kodu)',
      says: says('err.accountNotInErp', { code }),
    });
  }
  return account;
}

/** Every line's stock code is among the codes Mikro returned; no stock card is created silently. */
export function requireStockCodes(record: RecordRef, lines: { lineNo: number; lineId: string; stockCode: string }[], found: { sto_kod: unknown }[]): void {
  const known = new Set(found.map((r) => String(r.sto_kod)));
  const unknown = lines.find((l) => !known.has(l.stockCode));
  if (unknown) {
    throw new PermanentError(
      `${record.table} ${record.id}: line ${unknown.lineNo} (${unknown.lineId}): stock code "${unknown.stockCode}" does not exist in Mikro (STOKLAR); no stock card is created silently.`,
      {
        record,
        fix: 'create the stock card in Mikro (or through the stock flow) or correct the mapping in int_kodmap_stok, then re-enqueue',
        says: says('err.stockCodeNotInErp', { line: unknown.lineNo, code: unknown.stockCode }),
      },
    );
  }
}

/**
 * The date is after the depot's lock date (`dep_KilitTarihi` as read; Mikro's empty date means
 * no lock). `what` names the date in the message ("document date", "date"), `fix` says what to do,
 * `key` the catalog text the page shows (a document's date or a stock movement's).
 */
export function requireDepotOpen(
  record: RecordRef,
  depotNo: number,
  lockValue: unknown,
  date: string,
  wording: { what: string; fix: string; key: 'err.depotLocked' | 'err.movementDepotLocked' },
): void {
  const lock = mikroDateFromDb(lockValue);
  if (lock !== MIKRO_EMPTY_DATE && date <= lock) {
    throw new PermanentError(`${record.table} ${record.id}: ${wording.what} ${date} is on or before the lock date ${lock} of depot ${depotNo}.`, {
      record,
      fix: wording.fix,
      says: says(wording.key, { date, lock, depot: depotNo }),
    });
  }
}
