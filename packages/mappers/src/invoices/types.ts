/** The normalized shape of a web invoice (sale, return, purchase) before it becomes Mikro rows. */
import type { RecordRef } from '@mikrosync/core';

export type InvoiceSource = 'satislar' | 'iadeler' | 'alislar';
export type Closing = 'open' | 'cash' | 'bank';

/** One web line with its stock resolved by the loader (map table, then stoklar.stok_kodu). */
export interface WebInvoiceLine {
  id: string;
  sira_no: number | null;
  stok_id: string | null;
  /** Resolved ERP stock code of stok_id (null when no mapping and no stok_kodu). */
  stock_code: string | null;
  /** Assortment variant: the code of its main stock, which the line is booked on. */
  is_asorti: boolean | null;
  main_stock_code: string | null;
  miktar: string | number | null;
  birim_fiyat: string | number | null;
  kdv_orani: string | number | null;
  kdv_tutari?: string | number | null;
  toplam_tutar?: string | number | null;
  iskonto_orani?: string | number | null;
  indirim_tutari?: string | number | null;
  iskonto1?: string | number | null;
  iskonto2?: string | number | null;
  iskonto3?: string | number | null;
  iskonto4?: string | number | null;
  iskonto5?: string | number | null;
  iskonto6?: string | number | null;
  notlar?: string | null;
}

/** A web invoice header with its account, cash box and bank resolved to codes by the loader. */
export interface WebInvoice {
  source: InvoiceSource;
  row: Record<string, unknown>;
  lines: WebInvoiceLine[];
  accountCode: string | null;
  accountName: string | null;
  cashCode: string | null;
  bankCode: string | null;
}

export interface InvoiceLine {
  lineId: string;
  /** 1-based number of the web line, for messages. */
  lineNo: number;
  stockCode: string;
  quantity: number;
  unitPrice: number;
  /** Quantity x unit price, before discounts (open question Q4 default). */
  gross: number;
  discounts: [number, number, number, number, number, number];
  vatRate: number;
  vatAmount: number;
  notes: string;
}

export interface InvoiceDoc {
  record: RecordRef;
  kind: 'sales' | 'purchase';
  isReturn: boolean;
  /** Mikro date literal of the document. */
  date: string;
  series: string;
  requestedNumber: number | null;
  /** cha_belge_no / sth_belge_no (the supplier's invoice number of a purchase). */
  documentNo: string;
  closing: Closing;
  accountCode: string;
  cashCode: string;
  bankCode: string;
  /** Payable total (cha_meblag) and header discounts (cha_ft_iskonto1..6). */
  total: number;
  headerDiscounts: [number, number, number, number, number, number];
  headerNotes: string;
  lines: InvoiceLine[];
  /** Notes cut to their Mikro column (spec rule 11), each naming the record: the worker logs them. */
  warnings: string[];
}
