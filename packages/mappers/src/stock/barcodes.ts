/**
 * Web barcode (`urun_barkodlari`) -> Mikro `BARKOD_TANIMLARI` (spec 3.11, rule 22). No trace shows
 * the client inserting a barcode (`yeni-barkod-ekleme` captured no write, open question Q26): the
 * column set is the original's (bar_fileid 13, bar_birimpntr 1, empty texts, zeros).
 */
import { PermanentError, says, type RecordRef } from '@mikrosync/core';
import { checkedCode, mikroRow, type Stamp } from '../mikro/rows.js';
import type { MikroRow } from '../mikro/column-types.js';
import type { FieldValue } from './fields.js';

export interface WebBarcodeRow {
  id: string;
  stok_id: string | null;
  barkod: string | null;
  barkod_tipi?: string | null;
  aktif?: boolean | null;
  [column: string]: unknown;
}

export const BARCODE_WIDTH = 50;

/** Rule 22: ana / standart -> 0, koli -> 2, palet -> 3; anything else (and NULL) -> 0. */
export function barcodeType(tipi: string | null | undefined): number {
  switch ((tipi ?? '').trim().toLocaleLowerCase('tr-TR')) {
    case 'koli':
      return 2;
    case 'palet':
      return 3;
    default:
      return 0;
  }
}

export function knownBarcodeType(tipi: string | null | undefined): boolean {
  return ['', 'ana', 'standart', 'koli', 'palet'].includes((tipi ?? '').trim().toLocaleLowerCase('tr-TR'));
}

export interface BarcodeValues {
  code: string;
  type: number;
  /** bar_iptal: 1 when the web barcode is inactive. */
  cancelled: number;
}

export function normalizeBarcode(row: WebBarcodeRow, record: RecordRef): BarcodeValues {
  const code = checkedCode(row.barkod, BARCODE_WIDTH, 'barcode', record);
  if (!code) throw new PermanentError(`${record.table} ${record.id}: the barcode is empty.`, { record, fix: 'enter the barcode value (barkod) on the web', says: says('err.barcodeEmpty') });
  return { code, type: barcodeType(row.barkod_tipi), cancelled: row.aktif === false ? 1 : 0 };
}

export function newBarcodeRow(b: BarcodeValues, stockCode: string, stamp: Stamp): MikroRow {
  return mikroRow('BARKOD_TANIMLARI', stamp, {
    bar_kodu: b.code,
    bar_stokkodu: stockCode,
    bar_barkodtipi: b.type,
    bar_iptal: b.cancelled,
    bar_birimpntr: 1,
  });
}

/** The columns of an existing barcode row that differ, plus the stamp (the original's update). */
export function barcodeUpdate(b: BarcodeValues, stockCode: string, current: Record<string, unknown>, stamp: Stamp): Record<string, FieldValue> | undefined {
  const want: Record<string, FieldValue> = { bar_kodu: b.code, bar_stokkodu: stockCode, bar_barkodtipi: b.type, bar_iptal: b.cancelled };
  const set: Record<string, FieldValue> = {};
  for (const [col, v] of Object.entries(want)) {
    if (typeof v === 'number' ? Number(current[col]) !== v : String(current[col] ?? '').trim() !== v) set[col] = v;
  }
  if (Object.keys(set).length === 0) return undefined;
  return { bar_lastup_user: stamp.userNo, bar_lastup_date: stamp.now, ...set };
}

/** A web deletion cancels the ERP barcode (soft delete, as the original did). */
export function barcodeCancel(stamp: Stamp): Record<string, FieldValue> {
  return { bar_iptal: 1, bar_lastup_user: stamp.userNo, bar_lastup_date: stamp.now };
}
