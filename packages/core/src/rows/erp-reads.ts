/**
 * Rows as the ERP connector reads them from Mikro and the mappers take them: one type per read,
 * column names exactly Mikro's. Values stay `unknown` where the two dialects' drivers return
 * different JavaScript types (dates, decimals); the mappers normalise them.
 */

export interface ErpMainGroup {
  san_kod: unknown;
  san_isim: unknown;
}

export interface ErpSubGroup {
  sta_kod: unknown;
  sta_isim: unknown;
  sta_ana_grup_kod: unknown;
}

export interface ErpStock {
  sto_RECno: unknown;
  sto_kod: unknown;
  sto_isim: unknown;
  sto_yabanci_isim: unknown;
  sto_birim1_ad: unknown;
  sto_standartmaliyet: unknown;
  sto_sektor_kodu: unknown;
  sto_reyon_kodu: unknown;
  sto_ambalaj_kodu: unknown;
  sto_kalkon_kodu: unknown;
  sto_marka_kodu: unknown;
  sto_altgrup_kod: unknown;
  sto_anagrup_kod: unknown;
  sto_pasif_fl: unknown;
  sto_create_date: unknown;
  /** Read for the keyset order only; the mapper does not use it. */
  sto_lastup_date?: unknown;
}

export interface ErpBarcode {
  bar_RECno: unknown;
  bar_kodu: unknown;
  bar_stokkodu: unknown;
  bar_barkodtipi: unknown;
  bar_iptal: unknown;
  /** Read for the keyset order only; the mapper does not use it. */
  bar_lastup_date?: unknown;
}

export interface ErpPriceList {
  sfl_RECno: unknown;
  sfl_sirano: unknown;
  sfl_aciklama: unknown;
  sfl_fiyatformul: unknown;
  sfl_create_date: unknown;
  sfl_lastup_date: unknown;
}

export interface ErpPrice {
  sfiyat_RECno: unknown;
  sfiyat_stokkod: unknown;
  sfiyat_listesirano: unknown;
  sfiyat_deposirano: unknown;
  sfiyat_odemeplan: unknown;
  sfiyat_fiyati: unknown;
  /** Read for the keyset order only; the mapper does not use it. */
  sfiyat_lastup_date?: unknown;
}

export interface ErpAccount {
  cari_RECno: unknown;
  cari_kod: unknown;
  cari_unvan1: unknown;
  cari_unvan2: unknown;
  cari_CepTel: unknown;
  cari_EMail: unknown;
  cari_vdaire_adi: unknown;
  cari_vdaire_no: unknown;
  cari_baglanti_tipi: unknown;
  /** Read for the keyset order only; the mapper does not use it. */
  cari_lastup_date?: unknown;
}

export interface ErpCashBox {
  kas_kod: unknown;
  kas_isim: unknown;
  kas_create_date: unknown;
  kas_lastup_date: unknown;
}

export interface ErpBank {
  ban_RECno: unknown;
  ban_kod: unknown;
  ban_ismi: unknown;
  ban_sube: unknown;
  ban_hesapno: unknown;
  ban_create_date: unknown;
  ban_lastup_date: unknown;
}

export interface ErpDepot {
  dep_RECno: unknown;
  dep_no: unknown;
  dep_adi: unknown;
  dep_create_date: unknown;
  dep_lastup_date: unknown;
}

export interface ErpAccountMovement {
  cha_RECno: unknown;
  cha_tarihi: unknown;
  cha_evrakno_sira: unknown;
  cha_evrakno_seri: unknown;
  cha_kod: unknown;
  cha_ciro_cari_kodu: unknown;
  cha_meblag: unknown;
  cha_aciklama: unknown;
  cha_cinsi: unknown;
  cha_evrak_tip: unknown;
  cha_tip: unknown;
  cha_normal_Iade: unknown;
  cha_kasa_hizkod: unknown;
  cha_tpoz: unknown;
  cha_cari_cins: unknown;
  cha_grupno: unknown;
  cha_vade: unknown;
  [iskonto: `cha_ft_iskonto${number}`]: unknown;
  /** Read with the row, not mapped. */
  cha_belge_tarih?: unknown;
  cha_aratoplam?: unknown;
  /** Read for the keyset order only; the mapper does not use it. */
  cha_lastup_date?: unknown;
}

export interface ErpStockMovement {
  sth_RECno: unknown;
  sth_tarih: unknown;
  sth_evrakno_sira: unknown;
  sth_evrakno_seri: unknown;
  sth_stok_kod: unknown;
  sth_cari_kodu: unknown;
  sth_miktar: unknown;
  sth_tutar: unknown;
  sth_vergi: unknown;
  sth_vergi_pntr: unknown;
  sth_tip: unknown;
  sth_cins: unknown;
  sth_fat_recid_recno: unknown;
  sth_isemri_gider_kodu: unknown;
  [iskonto: `sth_iskonto${number}`]: unknown;
  /** Read with the row, not mapped. */
  sth_belge_tarih?: unknown;
  sth_normal_iade?: unknown;
  sth_evraktip?: unknown;
  /** Read for the keyset order only; the mapper does not use it. */
  sth_lastup_date?: unknown;
}

export interface ErpOnHand {
  sth_stok_kod: unknown;
  sth_eldeki_miktar: unknown;
}

/** One row of the ERP product read (packages/connectors erp/stock-feed.ts). */
export interface ErpFeedProductRow {
  sto_RECno: number;
  sto_kod: string;
  sto_isim: string | null;
  sto_marka_kodu: string | null;
  sto_kisa_ismi: string | null;
  sto_yer_kod: string | null;
  sto_sektor_kodu: string | null;
  sto_ambalaj_kodu: string | null;
  sto_altgrup_kod: string | null;
  sto_anagrup_kod: string | null;
  /** First barcode by bar_RECno; null when the card has none. */
  barcode: string | null;
  /** STOK_HAREKETTEN_ELDEKI_MIKTAR_VIEW.sth_eldeki_miktar; null when the card has no movements. */
  stock: number | string | null;
  price1: number | string | null;
  price2: number | string | null;
  price3: number | string | null;
}
