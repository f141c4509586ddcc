/**
 * Stocks (spec 2.4, rule 26): STOKLAR -> stoklar. Passive stocks are read too and mirrored into
 * `aktif`. First barcode and stock on hand are set by the barcode and on-hand steps.
 */
import { mapBatch, reject, type Mapped, type Outcome } from './batch.js';
import { erpTimestampOrNull, flag, leadingInt, num, text, trimmed, turkishUpper } from './values.js';
import type { ErpStock } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { ErpStock } from '@mikrosync/core';

export type WebStock = {
  stok_kodu: string;
  stok_adi: string;
  birim_turu: string;
  alis_fiyati: number;
  olcu: string;
  raf_kodu: string;
  ambalaj: string;
  koliadeti: number;
  katalog_ismi: string;
  kategori_id: string | null;
  marka_id: string | null;
  aktif: boolean;
  /** Naive Mikro local time; NULL = keep the web value (insert: now). */
  olusturma_tarihi: string | null;
};

/** Web ids the stock mapping needs, loaded once per run (small tables). */
export interface StockLookups {
  /** kategoriler level 1: erp_id -> id */
  subCategories: ReadonlyMap<string, string>;
  /** kategoriler level 0: erp_id -> id */
  mainCategories: ReadonlyMap<string, string>;
  /** active markalar: turkishUpper(marka_adi) -> id */
  brands: ReadonlyMap<string, string>;
}

export function mapStock(r: ErpStock, lookups: StockLookups, brandCache = new Map<string, string | null>()): Outcome<WebStock> {
  const code = trimmed(r.sto_kod);
  if (!code) return reject(`STOKLAR sto_RECno ${text(r.sto_RECno)}`, 'empty sto_kod');
  const brand = trimmed(r.sto_marka_kodu);
  let brandId = brandCache.get(brand);
  if (brandId === undefined) brandCache.set(brand, (brandId = (brand && lookups.brands.get(turkishUpper(brand))) || null));
  const sub = trimmed(r.sto_altgrup_kod);
  const main = trimmed(r.sto_anagrup_kod);
  return {
    row: {
      stok_kodu: code,
      // The web column is text: the ERP name arrives whole, however long.
      stok_adi: text(r.sto_isim),
      birim_turu: trimmed(r.sto_birim1_ad) || 'Adet',
      alis_fiyati: num(r.sto_standartmaliyet),
      olcu: text(r.sto_sektor_kodu),
      raf_kodu: text(r.sto_reyon_kodu),
      ambalaj: text(r.sto_ambalaj_kodu),
      koliadeti: leadingInt(r.sto_kalkon_kodu),
      katalog_ismi: trimmed(r.sto_yabanci_isim),
      kategori_id: (sub && lookups.subCategories.get(sub)) || (main && lookups.mainCategories.get(main)) || null,
      marka_id: brandId,
      aktif: !flag(r.sto_pasif_fl),
      olusturma_tarihi: erpTimestampOrNull(r.sto_create_date),
    },
  };
}

export function mapStocks(rows: readonly ErpStock[], lookups: StockLookups): Mapped<WebStock> {
  // Turkish upper-casing is slow and a catalog has few brands: each brand code is resolved once.
  const cache = new Map<string, string | null>();
  return mapBatch(rows, (r) => mapStock(r, lookups, cache), (w) => w.stok_kodu);
}

/** Brand lookup keyed the Turkish way; the first (oldest) active brand wins a tie. */
export function brandLookup(brands: readonly { id: string; marka_adi: string }[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const b of brands) {
    const k = turkishUpper(b.marka_adi);
    if (k && !m.has(k)) m.set(k, b.id);
  }
  return m;
}
