/**
 * Web documents as the web connector loads them and the mappers take them: the row of the web
 * table with its foreign keys already resolved to ERP codes by the loader.
 */

export type InvoiceSource = 'satislar' | 'iadeler' | 'alislar';

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

/** A `tahsilatlar` row as read from the web database (plus our optional extension columns). */
export interface WebCollection {
  id: string;
  tahsilat_no?: string | null;
  cari_hesap_id: string | null;
  tahsilat_tarihi: string | Date | null;
  tahsilat_tipi: string | null;
  tediye_tipi?: string | null;
  tutar: string | number | null;
  banka_id?: string | null;
  kasa_id?: string | null;
  cek_no?: string | null;
  cek_vade_tarihi?: string | Date | null;
  vade_tarihi?: string | Date | null;
  aciklama?: string | null;
  banka_adi?: string | null;
  tahsilat_seri_no?: string | null;
  tahsilat_sira_no?: number | null;
  // extension columns added by our migration; absent or NULL means ''
  sube_adi?: string | null;
  hesap_no?: string | null;
  keside_yeri?: string | null;
  borclu_adres?: string | null;
  borclu_sehir?: string | null;
  duzenleme_tarihi?: string | Date | null;
}
