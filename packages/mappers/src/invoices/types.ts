/** The normalized shape of a web invoice (sale, return, purchase) before it becomes Mikro rows. */
import type { RecordRef } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { InvoiceSource, WebInvoice, WebInvoiceLine } from '@mikrosync/core';

export type Closing = 'open' | 'cash' | 'bank';

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
