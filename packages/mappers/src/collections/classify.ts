/**
 * First, pure step of posting a web collection: validate the row and decide what it is in Mikro.
 * Everything that can be wrong with the row itself fails here, before any ERP connection.
 */
import { mikroDate, PermanentError, says, type RecordRef, type WebCollection } from '@mikrosync/core';
import { checkedCode, noteCut } from '../mikro/rows.js';
import { COLLECTION_KINDS, PAYMENT_KINDS, type KindInfo } from './kinds.js';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { WebCollection } from '@mikrosync/core';

export interface ClassifiedCollection {
  record: RecordRef;
  kind: KindInfo;
  amount: number;
  /** Mikro date literal 'YYYYMMDD' of the document. */
  date: string;
  /** Due date (cheques, notes) or the document date. */
  dueDate: string;
  /** Issue date of a note (sck_duzen_tarih). */
  issueDate: string;
  series: string;
  requestedNumber: number | null;
  chequeNumber: string;
  /** Notes cut to their Mikro column (spec rule 11), each naming the record: the worker logs them. */
  warnings: string[];
}

const SERIES_WIDTH = 10;
const CHEQUE_NUMBER_WIDTH = 20;
/** Where the note (aciklama) lands: cha_aciklama of receipts; a customer note's sck_vdaire_no. */
const NOTE_WIDTH = 40;
const NOTE_OF_PROMISSORY_WIDTH = 20;

function toDate(value: string | Date | null | undefined, what: string, record: RecordRef, timeZone: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  try {
    return mikroDate(value instanceof Date ? value : String(value), timeZone);
  } catch {
    throw new PermanentError(`${record.table} ${record.id}: ${what} "${String(value)}" is not a date.`, {
      record,
      fix: `enter ${what} as a calendar date`,
      says: says('err.notADate', { column: what, value: String(value) }),
    });
  }
}

export function classifyCollection(row: WebCollection, timeZone: string): ClassifiedCollection {
  const record: RecordRef = { table: 'tahsilatlar', id: row.id };
  const isPayment = row.tediye_tipi !== null && row.tediye_tipi !== undefined && row.tediye_tipi !== '';
  const webKind = (isPayment ? row.tediye_tipi : row.tahsilat_tipi)?.trim().toLowerCase() ?? '';
  let kind = isPayment ? PAYMENT_KINDS[webKind] : COLLECTION_KINDS[webKind];
  if (!kind) {
    const known = Object.keys(isPayment ? PAYMENT_KINDS : COLLECTION_KINDS).filter((k) => k !== 'musteri_ceki');
    throw new PermanentError(
      `${record.table} ${record.id}: unknown ${isPayment ? 'tediye_tipi' : 'tahsilat_tipi'} "${webKind}".`,
      { record, fix: `use one of ${known.join(', ')}`, says: says('err.unknownKind', { column: isPayment ? 'tediye_tipi' : 'tahsilat_tipi', value: webKind, known: known.join(', ') }) },
    );
  }
  // A payment by cheque without a bank hands on a customer cheque from the portfolio.
  if (isPayment && webKind === 'cek' && !row.banka_id) kind = PAYMENT_KINDS.musteri_ceki as KindInfo;

  const amount = Number(row.tutar);
  if (!Number.isFinite(amount) || amount <= 0) {
    throw new PermanentError(`${record.table} ${record.id}: amount (tutar) is ${String(row.tutar)}; it must be greater than 0.`, {
      record,
      fix: 'correct the amount on the web',
      says: says('err.amountNotPositive', { amount: String(row.tutar) }),
    });
  }
  if (!row.cari_hesap_id) {
    throw new PermanentError(`${record.table} ${record.id}: no account (cari_hesap_id).`, { record, fix: 'choose the account on the web', says: says('err.noAccount') });
  }
  if (kind.counterpart === 'bank' && !row.banka_id) {
    throw new PermanentError(`${record.table} ${record.id}: a ${kind.name} needs a bank (banka_id), none is set.`, {
      record,
      fix: 'choose the bank account on the web',
      says: says('err.bankRequired', { kind: kind.name }),
    });
  }
  if (kind.counterpart === 'cash' && !row.kasa_id) {
    throw new PermanentError(`${record.table} ${record.id}: a ${kind.name} needs a cash box (kasa_id), none is set.`, {
      record,
      fix: 'choose the cash box on the web',
      says: says('err.cashBoxRequired', { kind: kind.name }),
    });
  }
  const date = toDate(row.tahsilat_tarihi, 'tahsilat_tarihi', record, timeZone);
  if (!date) throw new PermanentError(`${record.table} ${record.id}: no document date (tahsilat_tarihi).`, { record, fix: 'enter the date', says: says('err.noDate') });
  const due = toDate(row.cek_vade_tarihi, 'cek_vade_tarihi', record, timeZone) ?? toDate(row.vade_tarihi, 'vade_tarihi', record, timeZone);
  const issue = toDate(row.duzenleme_tarihi, 'duzenleme_tarihi', record, timeZone);

  const chequeNumber = checkedCode(row.cek_no, CHEQUE_NUMBER_WIDTH, 'cheque/note number (cek_no)', record);
  if (kind.name === 'tahsilat_cek' && !chequeNumber) {
    throw new PermanentError(`${record.table} ${record.id}: a collection by cheque needs the cheque number (cek_no).`, {
      record,
      fix: 'enter the number printed on the cheque on the web',
      says: says('err.chequeNumberRequired'),
    });
  }
  if (kind.endorsesCheque && !chequeNumber) {
    throw new PermanentError(`${record.table} ${record.id}: a payment by customer cheque needs the cheque number (cek_no).`, {
      record,
      fix: 'enter the number of the customer cheque being handed on, or choose a bank for an own-company cheque',
      says: says('err.customerChequeNumberRequired'),
    });
  }
  // Paper kinds other than a customer note write the cheque summary instead of the note.
  const isPaper = kind.counterpart === 'portfolio' || kind.name === 'tediye_cek';
  const noteWidth = kind.name === 'tahsilat_senet' ? NOTE_OF_PROMISSORY_WIDTH : isPaper ? undefined : NOTE_WIDTH;
  const note: { warning?: string } = noteWidth === undefined ? {} : noteCut(row.aciklama, noteWidth, 'aciklama', record);
  const requested = row.tahsilat_sira_no === null || row.tahsilat_sira_no === undefined ? null : Number(row.tahsilat_sira_no);
  return {
    record,
    kind,
    amount: Math.round(amount * 100) / 100,
    date,
    dueDate: kind.dueDated && due ? due : date,
    issueDate: issue ?? date,
    series: checkedCode(row.tahsilat_seri_no, SERIES_WIDTH, 'document series (tahsilat_seri_no)', record),
    requestedNumber: requested !== null && Number.isInteger(requested) && requested > 0 ? requested : null,
    chequeNumber,
    warnings: note.warning ? [note.warning] : [],
  };
}
