/**
 * ERP deletions on the web (spec 2.12, open question Q34): movements, barcodes and prices are
 * deleted, stocks and accounts deactivated. Only rows that came from the ERP are touched: movement,
 * barcode and price rows carry erp_recno; stocks have an int_kodmap_stok row; accounts kaynak 'erp'
 * (deleting through the log also covers accounts the web created and Mikro then deleted).
 */
import type pg from 'pg';
import type { WebPool } from './pool.js';
import { refreshMainBarcodes } from './catalog-stocks.js';

export interface WebDeletions {
  stocks: string[];
  accounts: string[];
  barcodes: { erp_recno: number; barkod: string }[];
  prices: { erp_recno: number; stok_kodu: string; liste_no: number }[];
  stockMovements: number[];
  accountMovements: number[];
}

export type DeletionCounts = Record<'STOKLAR' | 'CARI_HESAPLAR' | 'BARKOD_TANIMLARI' | 'STOK_SATIS_FIYAT_LISTELERI' | 'STOK_HAREKETLERI' | 'CARI_HESAP_HAREKETLERI', number>;

/** Rows of each table that came from the ERP: the denominator of the mass-deletion guard. */
export async function countErpOriginRows(pool: WebPool): Promise<DeletionCounts> {
  const res = await pool.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM stoklar s JOIN int_kodmap_stok m ON m.web_stok_id = s.id WHERE s.aktif) AS "STOKLAR",
            (SELECT count(*) FROM cari_hesaplar WHERE kaynak = 'erp' AND aktif) AS "CARI_HESAPLAR",
            (SELECT count(*) FROM urun_barkodlari WHERE erp_recno IS NOT NULL) AS "BARKOD_TANIMLARI",
            (SELECT count(*) FROM urun_fiyat_listeleri WHERE erp_recno IS NOT NULL) AS "STOK_SATIS_FIYAT_LISTELERI",
            (SELECT count(*) FROM stok_hareketleri WHERE erp_recno > 0) AS "STOK_HAREKETLERI",
            (SELECT count(*) FROM cari_hesap_hareketleri WHERE erp_recno > 0) AS "CARI_HESAP_HAREKETLERI"`,
  );
  const r = res.rows[0] ?? {};
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])) as DeletionCounts;
}

/** How many web rows a set of deletions would actually remove or deactivate. */
export async function countDeletionTargets(pool: WebPool, d: WebDeletions): Promise<DeletionCounts> {
  const res = await pool.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM stoklar WHERE aktif AND stok_kodu = ANY ($1::text[])) AS "STOKLAR",
            (SELECT count(*) FROM cari_hesaplar WHERE aktif AND cari_kodu = ANY ($2::text[])) AS "CARI_HESAPLAR",
            (SELECT count(*) FROM urun_barkodlari b JOIN unnest($3::bigint[], $4::text[]) x(r, k) ON b.barkod = x.k AND (b.erp_recno = x.r OR b.erp_recno IS NULL)) AS "BARKOD_TANIMLARI",
            (SELECT count(*) FROM urun_fiyat_listeleri WHERE erp_recno = ANY ($5::bigint[])) AS "STOK_SATIS_FIYAT_LISTELERI",
            (SELECT count(*) FROM stok_hareketleri WHERE erp_recno = ANY ($6::int[])) AS "STOK_HAREKETLERI",
            (SELECT count(*) FROM cari_hesap_hareketleri WHERE erp_recno = ANY ($7::bigint[])) AS "CARI_HESAP_HAREKETLERI"`,
    [d.stocks, d.accounts, d.barcodes.map((b) => b.erp_recno), d.barcodes.map((b) => b.barkod), d.prices.map((p) => p.erp_recno), d.stockMovements, d.accountMovements],
  );
  const r = res.rows[0] ?? {};
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])) as DeletionCounts;
}

/**
 * Applies deletions in the caller's (sync-marked) transaction; returns rows changed per table and
 * the codes of stocks that lost stock movements (their on-hand quantity is recomputed).
 */
export async function applyDeletions(
  client: pg.PoolClient,
  d: WebDeletions,
  only?: ReadonlySet<keyof DeletionCounts>,
): Promise<DeletionCounts & { movedStocks: string[] }> {
  const want = (t: keyof DeletionCounts) => !only || only.has(t);
  const out = { STOKLAR: 0, CARI_HESAPLAR: 0, BARKOD_TANIMLARI: 0, STOK_SATIS_FIYAT_LISTELERI: 0, STOK_HAREKETLERI: 0, CARI_HESAP_HAREKETLERI: 0, movedStocks: [] as string[] };
  if (want('STOK_HAREKETLERI') && d.stockMovements.length) {
    const res = await client.query<{ code: string | null }>(
      'DELETE FROM stok_hareketleri h WHERE erp_recno = ANY ($1::int[]) RETURNING (SELECT s.stok_kodu FROM stoklar s WHERE s.id = h.stok_id) AS code',
      [d.stockMovements],
    );
    out.STOK_HAREKETLERI = res.rowCount ?? 0;
    out.movedStocks = [...new Set(res.rows.map((r) => r.code).filter((c): c is string => !!c))];
  }
  if (want('CARI_HESAP_HAREKETLERI') && d.accountMovements.length) {
    out.CARI_HESAP_HAREKETLERI = (await client.query('DELETE FROM cari_hesap_hareketleri WHERE erp_recno = ANY ($1::bigint[])', [d.accountMovements])).rowCount ?? 0;
  }
  if (want('BARKOD_TANIMLARI') && d.barcodes.length) {
    const res = await client.query<{ stok_id: string }>(
      `DELETE FROM urun_barkodlari b USING unnest($1::bigint[], $2::text[]) x(r, k)
        WHERE b.barkod = x.k AND (b.erp_recno = x.r OR b.erp_recno IS NULL) RETURNING b.stok_id`,
      [d.barcodes.map((b) => b.erp_recno), d.barcodes.map((b) => b.barkod)],
    );
    out.BARKOD_TANIMLARI = res.rowCount ?? 0;
    await refreshMainBarcodes(client, [...new Set(res.rows.map((r) => r.stok_id))]);
  }
  if (want('STOK_SATIS_FIYAT_LISTELERI') && d.prices.length) {
    // By ERP record number; rows written before erp_recno existed by (stock code, list number).
    const res = await client.query<{ stok_id: string; liste: number | null }>(
      `WITH x AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[]) x(r, code, list))
       DELETE FROM urun_fiyat_listeleri p
        USING x LEFT JOIN stoklar s ON s.stok_kodu = x.code LEFT JOIN fiyat_tanimlari f ON f.sira_no = x.list
        WHERE p.erp_recno = x.r OR (p.erp_recno IS NULL AND p.stok_id = s.id AND p.fiyat_tanimi_id = f.id)
       RETURNING p.stok_id, (SELECT sira_no FROM fiyat_tanimlari WHERE id = p.fiyat_tanimi_id) AS liste`,
      [d.prices.map((p) => p.erp_recno), d.prices.map((p) => p.stok_kodu), d.prices.map((p) => p.liste_no)],
    );
    out.STOK_SATIS_FIYAT_LISTELERI = res.rowCount ?? 0;
    const mainGone = res.rows.filter((r) => Number(r.liste) === 1).map((r) => r.stok_id);
    if (mainGone.length) await client.query('UPDATE stoklar SET satis_fiyati = 0, guncelleme_tarihi = now() WHERE id = ANY ($1::uuid[]) AND satis_fiyati <> 0', [mainGone]);
  }
  if (want('STOKLAR') && d.stocks.length) {
    out.STOKLAR = (await client.query('UPDATE stoklar SET aktif = false, guncelleme_tarihi = now() WHERE aktif AND stok_kodu = ANY ($1::text[])', [d.stocks])).rowCount ?? 0;
  }
  if (want('CARI_HESAPLAR') && d.accounts.length) {
    out.CARI_HESAPLAR = (await client.query('UPDATE cari_hesaplar SET aktif = false, guncelleme_tarihi = now() WHERE aktif AND cari_kodu = ANY ($1::text[])', [d.accounts])).rowCount ?? 0;
  }
  return out;
}

/** Record-number tables of the key reconciliation and their web key column. */
export const RECONCILE_RECNO_TABLES = {
  STOK_HAREKETLERI: 'stok_hareketleri',
  CARI_HESAP_HAREKETLERI: 'cari_hesap_hareketleri',
  BARKOD_TANIMLARI: 'urun_barkodlari',
  STOK_SATIS_FIYAT_LISTELERI: 'urun_fiyat_listeleri',
} as const;

/**
 * ERP-origin web rows with erp_recno in (lo, hi] (hi null: no upper bound) that are NOT among the
 * ERP keys of that range: they vanished from the ERP. Barcodes come back with their code.
 */
export async function webRecnosMissingFrom(
  pool: WebPool,
  table: keyof typeof RECONCILE_RECNO_TABLES,
  lo: number,
  hi: number | null,
  erpKeys: readonly number[],
): Promise<{ erp_recno: number; barkod?: string }[]> {
  const t = RECONCILE_RECNO_TABLES[table];
  const extra = table === 'BARKOD_TANIMLARI' ? ', barkod' : '';
  const res = await pool.query<{ erp_recno: string; barkod?: string }>(
    `SELECT erp_recno${extra} FROM ${t} WHERE erp_recno > $1 AND ($2::bigint IS NULL OR erp_recno <= $2) AND erp_recno <> ALL ($3::bigint[])`,
    [lo, hi, erpKeys],
  );
  return res.rows.map((r) => ({ ...r, erp_recno: Number(r.erp_recno) }));
}

/** ERP-origin stocks / accounts still active on the web whose code is not among the ERP codes. */
export async function webCodesMissingFrom(pool: WebPool, table: 'STOKLAR' | 'CARI_HESAPLAR', erpCodes: readonly string[]): Promise<string[]> {
  const sqlText =
    table === 'STOKLAR'
      ? `SELECT s.stok_kodu AS code FROM stoklar s JOIN int_kodmap_stok m ON m.web_stok_id = s.id WHERE s.aktif AND s.stok_kodu <> ALL ($1::text[])`
      : `SELECT cari_kodu AS code FROM cari_hesaplar WHERE kaynak = 'erp' AND aktif AND cari_kodu <> ALL ($1::text[])`;
  const res = await pool.query<{ code: string }>(sqlText, [erpCodes]);
  return res.rows.map((r) => r.code);
}
