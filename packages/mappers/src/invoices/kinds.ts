/**
 * What each invoice kind is in Mikro (traces satis-*, alis-*; spec 3.2–3.4): the evrak types of
 * the header (CARI_HESAP_HAREKETLERI) and the lines (STOK_HAREKETLERI), their tip, normal/iade,
 * the price list the client writes, and the number range a new document is numbered in. One
 * declaration, read by the plan and by the posting flow.
 */
import type { InvoiceDoc } from './types.js';

export type InvoiceKindName = 'sales' | 'sales_return' | 'purchase' | 'purchase_return';

export interface InvoiceKind {
  name: InvoiceKindName;
  /** cha_evrak_tip of the header. */
  chaEvrakTip: number;
  /** sth_evraktip of the lines. */
  sthEvrakTip: number;
  /** cha_tip: 0 debit (sales), 1 credit (purchases). */
  chaTip: number;
  /** sth_tip: 1 out (sales), 0 in (purchases). */
  sthTip: number;
  /** cha_normal_Iade / sth_normal_iade. */
  normalIade: 0 | 1;
  /** sth_fiyat_liste_no as the traces show it (open question Q6). */
  priceList: number;
  /**
   * The range a new number is allocated in: one per header evrak type and series; the lines'
   * range is included so that a number Mikro used on lines only is not handed out again.
   */
  numberRange: { headerType: number; lineType: number };
}

const kind = (name: InvoiceKindName, chaEvrakTip: number, sthEvrakTip: number, chaTip: number, sthTip: number, normalIade: 0 | 1, priceList: number): InvoiceKind => ({
  name,
  chaEvrakTip,
  sthEvrakTip,
  chaTip,
  sthTip,
  normalIade,
  priceList,
  numberRange: { headerType: chaEvrakTip, lineType: sthEvrakTip },
});

export const INVOICE_KINDS: Record<InvoiceKindName, InvoiceKind> = {
  sales: kind('sales', 63, 4, 0, 1, 0, 1),
  sales_return: kind('sales_return', 63, 4, 0, 1, 1, 0),
  purchase: kind('purchase', 0, 3, 1, 0, 0, 0),
  purchase_return: kind('purchase_return', 0, 3, 1, 0, 1, 1),
};

/** The Mikro kind of a normalized invoice. */
export function invoiceKindOf(doc: Pick<InvoiceDoc, 'kind' | 'isReturn'>): InvoiceKind {
  return INVOICE_KINDS[`${doc.kind}${doc.isReturn ? '_return' : ''}`];
}
