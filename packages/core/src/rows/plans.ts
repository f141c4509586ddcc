/**
 * Planned Mikro rows: what the mappers decide to write for one web document and the ERP connector
 * writes in the client's order, and what a document number setting follows in the ERP.
 */
import type { RecordRef } from '../errors.js';
import type { MikroRow } from './mikro.js';

/** Columns a follow-up UPDATE sets after the INSERT (the RECid, values that need the record number). */
export type Updates = Record<string, string | number>;

/** One invoice: the header (CARI_HESAP_HAREKETLERI) and its lines (STOK_HAREKETLERI). */
export interface InvoicePlan {
  header: { insert: MikroRow; afterInsert: Record<string, number | string> };
  lines: { insert: MikroRow; afterInsert: Record<string, number | string> }[];
}

/** One collection or payment: an optional payment order row, an endorsed cheque, the header. */
export interface CollectionPlan {
  record: RecordRef;
  order?: { insert: MikroRow; afterHeader: Updates };
  endorse?: { recno: number; update: Updates };
  header: { insert: MikroRow; afterInsert: Updates };
}

/** What maximum a setting follows in the ERP (types from TRACE: payments are evrak 64). */
export type NumberSource =
  | { kind: 'cha-sth'; chaType: number; sthType: number; series: string }
  | { kind: 'cha'; chaType: number; series: string }
  | { kind: 'return'; series: string }
  | { kind: 'count' }
  | { kind: 'marketplace'; series: string; accountCode: string };
