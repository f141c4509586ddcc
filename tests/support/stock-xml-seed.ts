/**
 * Stock cards, barcodes, price lists, movements (ERP) and Entegra pictures (web) for the stock XML
 * tests. ERP rows go through the ERP client, so the seed also works against SQL Server.
 */
import type pg from 'pg';
import type { ErpTx, SqlValue } from '@mikrosync/connectors';
import { erpInsert } from './seed.js';

export interface SeedCard {
  code: string;
  name: string;
  brand?: string;
  subtitle?: string;
  shelf?: string;
  size?: string;
  packaging?: string;
  group?: string;
  mainGroup?: string;
  passive?: boolean;
  barcodes?: string[];
  /** [list, price, depot] rows in insertion order. */
  prices?: [number, number, number?][];
  /** Signed quantities: positive = in (sth_tip 0), negative = out (sth_tip 1). */
  movements?: number[];
}

export async function seedErpCards(erp: ErpTx, cards: SeedCard[]): Promise<void> {
  for (const c of cards) {
    const row: Record<string, SqlValue> = {
      sto_kod: c.code,
      sto_isim: c.name,
      sto_marka_kodu: c.brand ?? '',
      sto_kisa_ismi: c.subtitle ?? '',
      sto_yer_kod: c.shelf ?? '',
      sto_sektor_kodu: c.size ?? '',
      sto_ambalaj_kodu: c.packaging ?? '',
      sto_altgrup_kod: c.group ?? '',
      sto_anagrup_kod: c.mainGroup ?? '',
      sto_pasif_fl: c.passive ? 1 : 0,
    };
    await erpInsert(erp, 'STOKLAR', row);
    for (const b of c.barcodes ?? []) await erpInsert(erp, 'BARKOD_TANIMLARI', { bar_kodu: b, bar_stokkodu: c.code });
    for (const [list, price, depot] of c.prices ?? []) {
      await erpInsert(erp, 'STOK_SATIS_FIYAT_LISTELERI', { sfiyat_stokkod: c.code, sfiyat_listesirano: list, sfiyat_deposirano: depot ?? 0, sfiyat_fiyati: price });
    }
    for (const q of c.movements ?? []) {
      await erpInsert(erp, 'STOK_HAREKETLERI', { sth_stok_kod: c.code, sth_tip: q >= 0 ? 0 : 1, sth_miktar: Math.abs(q), sth_iptal: 0, sth_normal_iade: 0 });
    }
  }
}

export interface SeedPicture {
  id: number;
  url?: string | null;
  path?: string | null;
  sort?: number;
}

/** Entegra products with their pictures in the web mirror (`entegra_product` / `entegra_pictures`). */
export async function seedPictures(web: pg.Pool, products: { id: number; code: string; pictures: SeedPicture[] }[]): Promise<void> {
  // The Entegra mirror migration creates entegra_product; this keeps the seed working without it.
  await web.query('CREATE TABLE IF NOT EXISTS entegra_product (id bigint PRIMARY KEY, "productCode" text)');
  for (const p of products) {
    await web.query('INSERT INTO entegra_product (id, "productCode") VALUES ($1, $2)', [p.id, p.code]);
    for (const pic of p.pictures) {
      await web.query('INSERT INTO entegra_pictures (id, product_id, url, path, sort_order) VALUES ($1, $2, $3, $4, $5)', [pic.id, p.id, pic.url ?? null, pic.path ?? null, pic.sort ?? 0]);
    }
  }
}
