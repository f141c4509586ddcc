/**
 * Web invoice -> InvoiceDoc: validation of everything the row itself can get wrong, payment and
 * closing, amounts, VAT, assortment grouping (spec 3.4, 3.7, 3.8; rules 5, 8–12). Pure.
 */
import { mikroDate, PermanentError, says, type RecordRef } from '@mikrosync/core';
import { checkedCode, noteCut } from '../mikro/rows.js';
import type { Closing, InvoiceDoc, InvoiceLine, WebInvoice, WebInvoiceLine } from './types.js';

const OPEN_ACCOUNT = new Set(['', 'vadeli', 'acik_hesap', 'açık hesap', 'acik hesap', 'veresiye', 'acikhesap', 'açıkhesap']);
const BANK = new Set(['kredi_karti', 'havale', 'eft', 'banka']);
const CASH = new Set(['nakit']);
/** Cheque and note sales are open-account invoices; the money is a separate collection (Q3). */
const PAPER = new Set(['cek', 'senet']);
export const PAYMENT_VALUES = [...OPEN_ACCOUNT, ...CASH, ...BANK, ...PAPER].filter(Boolean);

/** Notes land in sth_aciklama (a line's own note, else the document note). */
const LINE_NOTE_WIDTH = 255;

const num = (v: unknown): number => (v === null || v === undefined || v === '' ? 0 : Number(v));
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

function fail(record: RecordRef, message: string, fix: string): never {
  throw new PermanentError(`${record.table} ${record.id}: ${message}`, { record, fix, says: says('err.documentInvalid', { detail: message }) });
}

export function closingOf(payment: string | null | undefined, record: RecordRef, field: string): Closing {
  const v = (payment ?? '').trim().toLocaleLowerCase('tr-TR');
  if (OPEN_ACCOUNT.has(v) || PAPER.has(v)) return 'open';
  if (CASH.has(v)) return 'cash';
  if (BANK.has(v)) return 'bank';
  return fail(record, `unknown ${field} "${payment}".`, `use one of ${PAYMENT_VALUES.join(', ')}`);
}

function documentKind(w: WebInvoice): { kind: 'sales' | 'purchase'; isReturn: boolean } {
  const r = w.row;
  if (w.source === 'iadeler') return { kind: 'sales', isReturn: true };
  if (w.source === 'satislar') {
    const isReturn = r.satis_tipi === 'iade' || r.fatura_tipi === 'iade' || r.iade === true;
    return { kind: 'sales', isReturn };
  }
  return { kind: 'purchase', isReturn: r.fatura_tipi === 'iade' || r.iade === true };
}

function lineOf(
  w: WebInvoice,
  l: WebInvoiceLine,
  index: number,
  vatPointer: (rate: number) => number | undefined,
  headerNotes: string,
  warnings: Set<string>,
): InvoiceLine {
  const record = { table: w.source, id: String(w.row.id) };
  const lineNo = l.sira_no ?? index + 1;
  const where = `line ${lineNo} (${l.id})`;
  if (!l.stok_id) fail(record, `${where} has no stock (stok_id is NULL).`, 'choose the product of the line on the web, or delete the line');
  const code = l.is_asorti && l.main_stock_code ? l.main_stock_code : l.stock_code;
  if (!code) {
    fail(record, `${where}: stock ${l.stok_id} has no ERP stock code.`, `add a row to int_kodmap_stok (web_stok_id = ${l.stok_id}) or set stoklar.stok_kodu`);
  }
  const quantity = num(l.miktar);
  if (!(quantity > 0)) fail(record, `${where}: quantity ${quantity} must be greater than 0.`, 'correct the quantity on the web');
  const unitPrice = num(l.birim_fiyat);
  if (!(unitPrice >= 0)) fail(record, `${where}: unit price ${unitPrice} is negative.`, 'correct the price on the web');
  const gross = round(quantity * unitPrice, 2);
  const vatRate = num(l.kdv_orani);
  if (vatPointer(vatRate) === undefined) {
    fail(record, `${where}: VAT rate ${vatRate} % has no Mikro VAT pointer.`, 'correct the rate on the web or add it to VAT_POINTERS');
  }
  const discounts: InvoiceLine['discounts'] =
    w.source === 'alislar'
      ? [
          // A purchase line's discount is an amount, or a percentage converted to one (trap 33).
          num(l.indirim_tutari) || round((gross * num(l.iskonto_orani)) / 100, 2),
          num(l.iskonto1), num(l.iskonto2), num(l.iskonto3), num(l.iskonto4), num(l.iskonto5),
        ]
      : [num(l.iskonto1), num(l.iskonto2), num(l.iskonto3), num(l.iskonto4), num(l.iskonto5), num(l.iskonto6)];
  if (discounts.some((d) => d < 0)) fail(record, `${where}: a discount is negative.`, 'correct the discounts on the web');
  const net = gross - discounts.reduce((a, b) => a + b, 0);
  const vatAmount = l.kdv_tutari === null || l.kdv_tutari === undefined ? round((net * vatRate) / 100, 2) : num(l.kdv_tutari);
  const own = (l.notlar ?? '').trim();
  const note = noteCut(own || headerNotes, LINE_NOTE_WIDTH, own ? `notlar of ${where}` : w.source === 'alislar' ? 'aciklama' : 'notlar', record);
  if (note.warning) warnings.add(note.warning);
  const notes = note.text;
  return {
    lineId: l.id,
    lineNo,
    stockCode: checkedCode(code, 25, `stock code of ${where}`, record),
    quantity,
    unitPrice,
    gross,
    discounts,
    vatRate,
    vatAmount,
    notes,
  };
}

/** Assortment variants are booked on their main stock; lines on one stock become one (3.4.3). */
function mergeByStock(lines: InvoiceLine[]): InvoiceLine[] {
  const merged = new Map<string, InvoiceLine>();
  for (const l of lines) {
    const m = merged.get(l.stockCode);
    if (!m) {
      merged.set(l.stockCode, { ...l, discounts: [...l.discounts] as InvoiceLine['discounts'] });
      continue;
    }
    m.quantity = round(m.quantity + l.quantity, 4);
    m.gross = round(m.gross + l.gross, 2);
    m.vatAmount = round(m.vatAmount + l.vatAmount, 2);
    m.discounts = m.discounts.map((d, i) => round(d + l.discounts[i]!, 2)) as InvoiceLine['discounts'];
    m.unitPrice = m.quantity ? round(m.gross / m.quantity, 4) : m.unitPrice;
    if (l.notes && l.notes !== m.notes) m.notes = [m.notes, l.notes].filter(Boolean).join(', ').slice(0, LINE_NOTE_WIDTH);
  }
  return [...merged.values()];
}

export interface NormalizeOptions {
  timeZone: string;
  vatPointer: (rate: number) => number | undefined;
}

export function normalizeInvoice(w: WebInvoice, opts: NormalizeOptions): InvoiceDoc {
  const r = w.row;
  const record: RecordRef = { table: w.source, id: String(r.id) };
  const { kind, isReturn } = documentKind(w);
  if (!w.accountCode) {
    const who = r.cari_hesap_id ?? r.tedarikci_id;
    fail(record, `account ${String(who ?? '(none)')}${w.accountName ? ` (${w.accountName})` : ''} has no ERP account code.`,
      who ? `add a row to int_kodmap_cari (web_cari_id = ${String(who)}, erp_cari_kod = <Mikro cari_kod>) or set cari_hesaplar.cari_kodu, then re-enqueue` : 'choose the account on the web');
  }
  const payment = w.source === 'iadeler' ? r.iade_sekli : r.odeme_sekli;
  let closing = closingOf(payment as string | null, record, w.source === 'iadeler' ? 'iade_sekli' : 'odeme_sekli');
  // A purchase names its cash box or bank also without a payment word (ORIG).
  if (w.source === 'alislar' && closing === 'open' && !payment) closing = w.cashCode ? 'cash' : w.bankCode ? 'bank' : 'open';
  if (closing === 'cash' && !w.cashCode) fail(record, `paid in cash but no cash box resolves to an ERP code (kasa_id).`, 'choose the cash box on the web (or map it in int_kodmap_kasa)');
  if (closing === 'bank' && !w.bankCode) fail(record, `paid through a bank but no bank resolves to an ERP code (banka_id).`, 'choose the bank account on the web (or map it in int_kodmap_banka)');

  const rawDate = w.source === 'satislar' ? r.satis_tarihi : w.source === 'iadeler' ? r.iade_tarihi : (r.fatura_tarihi ?? r.alis_tarihi);
  let date: string;
  try {
    date = mikroDate(rawDate instanceof Date ? rawDate : String(rawDate ?? ''), opts.timeZone);
  } catch {
    return fail(record, `document date "${String(rawDate)}" is not a date.`, 'enter the document date');
  }
  const headerNotes = String((w.source === 'alislar' ? r.aciklama : r.notlar) ?? '').trim();
  const warnings = new Set<string>();
  const lines = mergeByStock(w.lines.map((l, i) => lineOf(w, l, i, opts.vatPointer, headerNotes, warnings)));
  const requested = r.fatura_sira_no === null || r.fatura_sira_no === undefined ? null : Number(r.fatura_sira_no);
  const headerDiscounts: InvoiceDoc['headerDiscounts'] =
    w.source === 'alislar'
      ? [num(r.indirim_tutari), num(r.iskonto1), num(r.iskonto2), num(r.iskonto3), num(r.iskonto4), num(r.iskonto5)]
      : [num(r.iskonto1), num(r.iskonto2), num(r.iskonto3), num(r.iskonto4), num(r.iskonto5), num(r.iskonto6)];
  const total = num(r.toplam_tutar);
  if (total < 0) fail(record, `total ${total} is negative.`, 'correct the document total on the web');
  return {
    record,
    kind,
    isReturn,
    date,
    series: checkedCode(r.fatura_seri_no as string | null, 10, 'document series (fatura_seri_no)', record),
    requestedNumber: requested !== null && Number.isInteger(requested) && requested > 0 ? requested : null,
    documentNo: w.source === 'alislar' ? checkedCode(r.belge_no as string | null, 20, 'supplier document number (belge_no)', record) : '',
    closing,
    accountCode: checkedCode(w.accountCode, 25, 'account code', record),
    cashCode: closing === 'cash' ? checkedCode(w.cashCode, 25, 'cash box code', record) : '',
    bankCode: closing === 'bank' ? checkedCode(w.bankCode, 25, 'bank code', record) : '',
    total,
    headerDiscounts,
    headerNotes,
    lines,
    warnings: [...warnings],
  };
}
