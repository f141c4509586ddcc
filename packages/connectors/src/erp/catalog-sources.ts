/**
 * The Mikro tables the catalog sync reads (spec 2.3-2.11): columns, watermark column and key.
 * Column names are Mikro's exactly (`cari_CepTel`, `cha_normal_Iade`).
 */
import { ident, sql } from './sql.js';
import type {
  ErpAccount,
  ErpAccountMovement,
  ErpBank,
  ErpBarcode,
  ErpCashBox,
  ErpDepot,
  ErpMainGroup,
  ErpPrice,
  ErpPriceList,
  ErpStock,
  ErpStockMovement,
  ErpSubGroup,
} from '@mikrosync/core';
import type { ErpSource } from './catalog-read.js';

const iskonto = <P extends string>(prefix: P) => [1, 2, 3, 4, 5, 6].map((i) => `${prefix}${i}` as const);

/** The on-hand step's read of STOK_HAREKETLERI: which stocks moved, after its own watermark. */
export type ErpStockMovementCode = Pick<ErpStockMovement, 'sth_RECno' | 'sth_stok_kod' | 'sth_lastup_date'>;

/** Each source typed with the row its read returns (the row type its mapper takes). */
export interface CatalogSources {
  mainGroups: ErpSource<ErpMainGroup>;
  subGroups: ErpSource<ErpSubGroup>;
  stocks: ErpSource<ErpStock>;
  barcodes: ErpSource<ErpBarcode>;
  priceLists: ErpSource<ErpPriceList>;
  prices: ErpSource<ErpPrice>;
  cashBoxes: ErpSource<ErpCashBox>;
  banks: ErpSource<ErpBank>;
  depots: ErpSource<ErpDepot>;
  accounts: ErpSource<ErpAccount>;
  accountMovements: ErpSource<ErpAccountMovement>;
  stockMovements: ErpSource<ErpStockMovement>;
  stockMovementCodes: ErpSource<ErpStockMovementCode>;
}

export const CATALOG_SOURCES: CatalogSources = {
  mainGroups: { table: 'STOK_ANA_GRUPLARI', columns: ['san_kod', 'san_isim'], key: 'san_kod' },
  subGroups: { table: 'STOK_ALT_GRUPLARI', columns: ['sta_kod', 'sta_isim', 'sta_ana_grup_kod'], key: 'sta_kod' },
  stocks: {
    table: 'STOKLAR',
    columns: [
      'sto_RECno', 'sto_kod', 'sto_isim', 'sto_yabanci_isim', 'sto_birim1_ad', 'sto_standartmaliyet', 'sto_sektor_kodu', 'sto_reyon_kodu',
      'sto_ambalaj_kodu', 'sto_kalkon_kodu', 'sto_marka_kodu', 'sto_altgrup_kod', 'sto_anagrup_kod', 'sto_pasif_fl', 'sto_create_date', 'sto_lastup_date',
    ],
    lastup: 'sto_lastup_date',
    key: 'sto_RECno',
  },
  barcodes: {
    table: 'BARKOD_TANIMLARI',
    columns: ['bar_RECno', 'bar_kodu', 'bar_stokkodu', 'bar_barkodtipi', 'bar_iptal', 'bar_lastup_date'],
    lastup: 'bar_lastup_date',
    key: 'bar_RECno',
  },
  priceLists: {
    table: 'STOK_SATIS_FIYAT_LISTE_TANIMLARI',
    columns: ['sfl_RECno', 'sfl_sirano', 'sfl_aciklama', 'sfl_fiyatformul', 'sfl_create_date', 'sfl_lastup_date'],
    lastup: 'sfl_lastup_date',
    key: 'sfl_RECno',
  },
  prices: {
    table: 'STOK_SATIS_FIYAT_LISTELERI',
    columns: ['sfiyat_RECno', 'sfiyat_stokkod', 'sfiyat_listesirano', 'sfiyat_deposirano', 'sfiyat_odemeplan', 'sfiyat_fiyati', 'sfiyat_lastup_date'],
    lastup: 'sfiyat_lastup_date',
    key: 'sfiyat_RECno',
    // Rule 24: only the depot 0 / payment plan 0 price is the web price.
    filter: () => sql`${ident('sfiyat_deposirano')} = 0 AND ${ident('sfiyat_odemeplan')} = 0`,
  },
  cashBoxes: { table: 'KASALAR', columns: ['kas_kod', 'kas_isim', 'kas_create_date', 'kas_lastup_date'], lastup: 'kas_lastup_date', key: 'kas_kod' },
  banks: {
    table: 'BANKALAR',
    columns: ['ban_RECno', 'ban_kod', 'ban_ismi', 'ban_sube', 'ban_hesapno', 'ban_create_date', 'ban_lastup_date'],
    lastup: 'ban_lastup_date',
    key: 'ban_RECno',
  },
  depots: { table: 'DEPOLAR', columns: ['dep_RECno', 'dep_no', 'dep_adi', 'dep_create_date', 'dep_lastup_date'], lastup: 'dep_lastup_date', key: 'dep_RECno' },
  // Mikro sets cari_lastup_date together with cari_create_date on insert (TRACE), so the lastup
  // column alone finds new accounts too and keeps a single keyset order.
  accounts: {
    table: 'CARI_HESAPLAR',
    columns: ['cari_RECno', 'cari_kod', 'cari_unvan1', 'cari_unvan2', 'cari_CepTel', 'cari_EMail', 'cari_vdaire_adi', 'cari_vdaire_no', 'cari_baglanti_tipi', 'cari_lastup_date'],
    lastup: 'cari_lastup_date',
    key: 'cari_RECno',
  },
  accountMovements: {
    table: 'CARI_HESAP_HAREKETLERI',
    columns: [
      'cha_RECno', 'cha_tarihi', 'cha_belge_tarih', 'cha_evrakno_sira', 'cha_evrakno_seri', 'cha_kod', 'cha_ciro_cari_kodu', 'cha_meblag', 'cha_aratoplam',
      'cha_aciklama', 'cha_cinsi', 'cha_evrak_tip', 'cha_tip', 'cha_normal_Iade', 'cha_kasa_hizkod', 'cha_tpoz', 'cha_cari_cins', 'cha_grupno',
      ...iskonto('cha_ft_iskonto'), 'cha_vade', 'cha_lastup_date',
    ],
    lastup: 'cha_lastup_date',
    key: 'cha_RECno',
  },
  stockMovements: {
    table: 'STOK_HAREKETLERI',
    columns: [
      'sth_RECno', 'sth_tarih', 'sth_belge_tarih', 'sth_evrakno_sira', 'sth_evrakno_seri', 'sth_stok_kod', 'sth_cari_kodu', 'sth_miktar', 'sth_tutar',
      'sth_vergi', 'sth_vergi_pntr', 'sth_tip', 'sth_cins', 'sth_normal_iade', 'sth_evraktip', 'sth_fat_recid_recno', ...iskonto('sth_iskonto'),
      'sth_isemri_gider_kodu', 'sth_lastup_date',
    ],
    lastup: 'sth_lastup_date',
    key: 'sth_RECno',
  },
  /** Which stocks moved: the on-hand step's own watermark over the same table. */
  stockMovementCodes: { table: 'STOK_HAREKETLERI', columns: ['sth_RECno', 'sth_stok_kod', 'sth_lastup_date'], lastup: 'sth_lastup_date', key: 'sth_RECno' },
};

export type CatalogSourceName = keyof CatalogSources;
