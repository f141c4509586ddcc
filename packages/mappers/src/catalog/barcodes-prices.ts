/**
 * Barcodes (spec 2.5) and price lists (spec 2.6, rule 24).
 */
import { mapBatch, reject, type Mapped, type Outcome } from './batch.js';
import { erpTimestampOrNull, flag, int, num, text, trimmed } from './values.js';
import type { ErpBarcode, ErpPriceList, ErpPrice } from '@mikrosync/core';

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { ErpBarcode, ErpPriceList, ErpPrice } from '@mikrosync/core';

export type WebBarcode = {
  barkod: string;
  /** Resolved to stoklar.id by the writer; an unknown stock waits for its parent. */
  stok_kodu: string;
  barkod_tipi: string;
  aktif: boolean;
  erp_recno: number;
};

const BARCODE_TYPES: Record<number, string> = { 1: 'ana', 2: 'koli', 3: 'palet' };
/** urun_barkodlari.barkod is varchar(100). */
const BARCODE_WIDTH = 100;

export function mapBarcode(r: ErpBarcode): Outcome<WebBarcode> {
  const key = `BARKOD_TANIMLARI bar_RECno ${text(r.bar_RECno)}`;
  const code = trimmed(r.bar_kodu);
  if (!code) return reject(key, 'empty bar_kodu');
  if (code.length > BARCODE_WIDTH) return reject(key, `bar_kodu longer than ${BARCODE_WIDTH} characters`);
  const stock = trimmed(r.bar_stokkodu);
  if (!stock) return reject(key, 'empty bar_stokkodu');
  return {
    row: {
      barkod: code,
      stok_kodu: stock,
      // 1 ana, 2 koli, 3 palet; anything else (0 included) is a main barcode.
      barkod_tipi: BARCODE_TYPES[int(r.bar_barkodtipi)] ?? 'ana',
      aktif: !flag(r.bar_iptal),
      erp_recno: int(r.bar_RECno),
    },
  };
}

export const mapBarcodes = (rows: readonly ErpBarcode[]): Mapped<WebBarcode> => mapBatch(rows, mapBarcode, (w) => w.barkod);

export type WebPriceList = {
  sira_no: number;
  fiyat_adi: string;
  formul: string;
  olusturma_tarihi: string | null;
  guncelleme_tarihi: string | null;
};

export function mapPriceList(r: ErpPriceList): Outcome<WebPriceList> {
  const no = int(r.sfl_sirano);
  if (no <= 0) return reject(`STOK_SATIS_FIYAT_LISTE_TANIMLARI sfl_RECno ${text(r.sfl_RECno)}`, `list number ${no} is not positive`);
  return {
    row: {
      sira_no: no,
      fiyat_adi: trimmed(r.sfl_aciklama) || `Fiyat Listesi ${no}`,
      formul: text(r.sfl_fiyatformul),
      olusturma_tarihi: erpTimestampOrNull(r.sfl_create_date),
      guncelleme_tarihi: erpTimestampOrNull(r.sfl_lastup_date),
    },
  };
}

export const mapPriceLists = (rows: readonly ErpPriceList[]): Mapped<WebPriceList> => mapBatch(rows, mapPriceList, (w) => String(w.sira_no));

export type WebPrice = {
  stok_kodu: string;
  liste_no: number;
  /** A price of 0 or less removes the web price (the list no longer prices the stock). */
  fiyat: number;
  erp_recno: number;
};

/**
 * Mikro keys a price by (stock, list, depot, payment plan); the web by (stock, list). Only the
 * depot 0 / plan 0 row is the web price — the row the Mikro client itself writes for a new stock
 * (rule 24); the reader asks for those rows only, and other rows are refused here too. Rows that
 * still share (stock, list) — codes equal after trimming, duplicates Mikro lets through — keep the
 * greatest (lastup_date, RECno).
 */
export function mapPrice(r: ErpPrice): Outcome<WebPrice> {
  const key = `STOK_SATIS_FIYAT_LISTELERI sfiyat_RECno ${text(r.sfiyat_RECno)}`;
  if (int(r.sfiyat_deposirano) !== 0 || int(r.sfiyat_odemeplan) !== 0) return reject(key, 'depot or payment plan is not 0 (only depot 0 / plan 0 prices reach the web)');
  const stock = trimmed(r.sfiyat_stokkod);
  if (!stock) return reject(key, 'empty sfiyat_stokkod');
  const list = int(r.sfiyat_listesirano);
  if (list <= 0) return reject(key, `list number ${list} is not positive`);
  return { row: { stok_kodu: stock, liste_no: list, fiyat: num(r.sfiyat_fiyati), erp_recno: int(r.sfiyat_RECno) } };
}

export const mapPrices = (rows: readonly ErpPrice[]): Mapped<WebPrice> => mapBatch(rows, mapPrice, (w) => `${w.stok_kodu}\u0000${w.liste_no}`);
