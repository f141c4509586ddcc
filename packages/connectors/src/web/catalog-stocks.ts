/**
 * Set-based writes of stocks (+ int_kodmap_stok), barcodes (+ stoklar.barkod), prices
 * (+ stoklar.satis_fiyati for list 1) and stock on hand. Each batch is one merge statement
 * (plus one follow-up for the main barcode); every update is guarded by IS DISTINCT FROM, so a
 * batch that changes nothing writes nothing. Callers run them inside withSyncTransaction.
 */
import type pg from 'pg';
import { mergeBatch, type RowOf, type WriteOptions } from './catalog-batch.js';

/**
 * An ERP stock code -> web stock id. In this direction stok_kodu is the natural key the stock
 * step upserts on (rule 13) and keeps int_kodmap_stok equal to, so one indexed join suffices.
 */
const RESOLVE_STOCK = (alias: string, codeExpr: string) => `
  LEFT JOIN stoklar ${alias}_s ON ${alias}_s.stok_kodu = ${codeExpr}`;
const STOCK_ID = (alias: string) => `${alias}_s.id`;

export const STOCK_SHAPE = {
  name: 'stoklar',
  columns: [
    { name: 'stok_kodu', type: 'text' },
    { name: 'stok_adi', type: 'text' },
    { name: 'birim_turu', type: 'text' },
    { name: 'alis_fiyati', type: 'numeric' },
    { name: 'olcu', type: 'text' },
    { name: 'raf_kodu', type: 'text' },
    { name: 'ambalaj', type: 'text' },
    { name: 'koliadeti', type: 'int' },
    { name: 'katalog_ismi', type: 'text' },
    { name: 'kategori_id', type: 'uuid' },
    { name: 'marka_id', type: 'uuid' },
    { name: 'aktif', type: 'bool' },
    { name: 'olusturma_tarihi', type: 'timestamp' },
  ],
} as const;
export type StockInput = RowOf<typeof STOCK_SHAPE>;

export interface StockWrite {
  written: number;
  inserted: number;
  mapped: number;
  /** Codes of stocks created by this batch (their on-hand quantity is computed this run). */
  newCodes: string[];
}

/**
 * stoklar upsert on stok_kodu (spec 2.4). `satis_fiyati`, `aciklama` are set on insert only (trap
 * 52), `barkod` and the on-hand columns belong to the barcode and on-hand steps (a new stock starts
 * at 0 and is recomputed in the same run). The mapping rows
 * (`int_kodmap_stok`, conflict on erp_stok_kod) are written by the same statement; a stock whose
 * map row is missing counts as changed, so any full read repairs a missing map.
 */
export async function writeStocks(client: pg.PoolClient, rows: readonly StockInput[], o: WriteOptions): Promise<StockWrite> {
  if (!rows.length) return { written: 0, inserted: 0, mapped: 0, newCodes: [] };
  // An ERP row without a create date inserts now() and keeps the web's date on update; the
  // transaction's own timestamp marks "no date" inside EXCLUDED (equal only when it was NULL).
  const r = await mergeBatch<typeof STOCK_SHAPE, { written: string; inserted: string; mapped: string; new_codes: string[] }>(
    client,
    STOCK_SHAPE,
    rows,
    o.method,
    [o.timeZone],
    (from) => `
    WITH src AS (SELECT * FROM ${from}),
    up AS (
      INSERT INTO stoklar AS t (stok_kodu, stok_adi, birim_turu, alis_fiyati, satis_fiyati, aciklama, eldeki_miktar, sth_eldeki_miktar, olcu, raf_kodu,
                                ambalaj, koliadeti, katalog_ismi, kategori_id, marka_id, aktif, olusturma_tarihi, guncelleme_tarihi)
      SELECT stok_kodu, stok_adi, birim_turu, alis_fiyati, 0, '', 0, 0, olcu, raf_kodu, ambalaj, koliadeti, katalog_ismi, kategori_id, marka_id, aktif,
             coalesce(olusturma_tarihi AT TIME ZONE $1, transaction_timestamp()), now()
        FROM src
      ON CONFLICT (stok_kodu) DO UPDATE SET
        stok_adi = EXCLUDED.stok_adi, birim_turu = EXCLUDED.birim_turu, alis_fiyati = EXCLUDED.alis_fiyati, olcu = EXCLUDED.olcu,
        raf_kodu = EXCLUDED.raf_kodu, ambalaj = EXCLUDED.ambalaj, koliadeti = EXCLUDED.koliadeti, katalog_ismi = EXCLUDED.katalog_ismi,
        kategori_id = EXCLUDED.kategori_id, marka_id = EXCLUDED.marka_id, aktif = EXCLUDED.aktif,
        olusturma_tarihi = CASE WHEN EXCLUDED.olusturma_tarihi = transaction_timestamp() THEN t.olusturma_tarihi ELSE EXCLUDED.olusturma_tarihi END,
        guncelleme_tarihi = now()
      WHERE (t.stok_adi, t.birim_turu, t.alis_fiyati, t.olcu, t.raf_kodu, t.ambalaj, t.koliadeti, t.katalog_ismi, t.kategori_id, t.marka_id, t.aktif)
            IS DISTINCT FROM
            (EXCLUDED.stok_adi, EXCLUDED.birim_turu, EXCLUDED.alis_fiyati, EXCLUDED.olcu, EXCLUDED.raf_kodu, EXCLUDED.ambalaj, EXCLUDED.koliadeti,
             EXCLUDED.katalog_ismi, EXCLUDED.kategori_id, EXCLUDED.marka_id, EXCLUDED.aktif)
         OR (EXCLUDED.olusturma_tarihi <> transaction_timestamp() AND t.olusturma_tarihi IS DISTINCT FROM EXCLUDED.olusturma_tarihi)
         -- an unchanged stock without its map row is written once, so the map row below is made
         OR NOT EXISTS (SELECT 1 FROM int_kodmap_stok x WHERE x.erp_stok_kod = EXCLUDED.stok_kodu AND x.web_stok_id = t.id)
      RETURNING t.id, t.stok_kodu, (t.xmax = 0) AS inserted
    ),
    m AS (
      INSERT INTO int_kodmap_stok (web_stok_id, erp_stok_kod, sync_date)
      SELECT up.id, up.stok_kodu, now() FROM up
       -- a web id already mapped to another code keeps its map (primary key); per-row index lookup
       WHERE (SELECT y.erp_stok_kod FROM int_kodmap_stok y WHERE y.web_stok_id = up.id) IS NULL
          OR (SELECT y.erp_stok_kod FROM int_kodmap_stok y WHERE y.web_stok_id = up.id) = up.stok_kodu
      ON CONFLICT (erp_stok_kod) DO UPDATE SET web_stok_id = EXCLUDED.web_stok_id, sync_date = EXCLUDED.sync_date
        WHERE int_kodmap_stok.web_stok_id IS DISTINCT FROM EXCLUDED.web_stok_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM up) AS written, (SELECT count(*) FROM up WHERE inserted) AS inserted, (SELECT count(*) FROM m) AS mapped,
           (SELECT coalesce(array_agg(stok_kodu), '{}') FROM up WHERE inserted) AS new_codes`,
  );
  return { written: Number(r.written), inserted: Number(r.inserted), mapped: Number(r.mapped), newCodes: r.new_codes };
}

export const BARCODE_SHAPE = {
  name: 'barkod',
  columns: [
    { name: 'barkod', type: 'text' },
    { name: 'stok_kodu', type: 'text' },
    { name: 'barkod_tipi', type: 'text' },
    { name: 'aktif', type: 'bool' },
    { name: 'erp_recno', type: 'bigint' },
  ],
} as const;
export type BarcodeInput = RowOf<typeof BARCODE_SHAPE>;

export interface ChildWrite {
  written: number;
  /** ERP record numbers of rows whose parent is not on the web (yet), with the reason. */
  missing: { key: number; reason: string }[];
}

/**
 * urun_barkodlari upsert on barkod (spec 2.5; trap 51: type and active flag come from the row).
 * A barcode moved to another stock changes both stocks' main barcode, recomputed afterwards.
 */
export async function writeBarcodes(client: pg.PoolClient, rows: readonly BarcodeInput[], o: WriteOptions): Promise<ChildWrite & { mainBarcodes: number }> {
  if (!rows.length) return { written: 0, missing: [], mainBarcodes: 0 };
  const r = await mergeBatch<typeof BARCODE_SHAPE, { written: string; stocks: string[]; missing: string[] }>(
    client,
    BARCODE_SHAPE,
    rows,
    o.method,
    [],
    (from) => `
    WITH src AS (SELECT * FROM ${from}),
    r AS (SELECT src.*, ${STOCK_ID('p')} AS stok_id FROM src ${RESOLVE_STOCK('p', 'src.stok_kodu')}),
    prev AS (SELECT b.barkod, b.stok_id FROM urun_barkodlari b JOIN r ON b.barkod = r.barkod),
    up AS (
      INSERT INTO urun_barkodlari AS t (stok_id, barkod, barkod_tipi, aktif, erp_recno, olusturma_tarihi, guncelleme_tarihi)
      SELECT stok_id, barkod, barkod_tipi, aktif, erp_recno, now(), now() FROM r WHERE stok_id IS NOT NULL
      ON CONFLICT (barkod) DO UPDATE SET stok_id = EXCLUDED.stok_id, barkod_tipi = EXCLUDED.barkod_tipi, aktif = EXCLUDED.aktif,
        erp_recno = EXCLUDED.erp_recno, guncelleme_tarihi = EXCLUDED.guncelleme_tarihi
      WHERE (t.stok_id, t.barkod_tipi, t.aktif, t.erp_recno) IS DISTINCT FROM (EXCLUDED.stok_id, EXCLUDED.barkod_tipi, EXCLUDED.aktif, EXCLUDED.erp_recno)
      RETURNING t.barkod, t.stok_id
    )
    SELECT (SELECT count(*) FROM up) AS written,
           (SELECT coalesce(array_agg(DISTINCT x.stok_id), '{}') FROM (SELECT stok_id FROM up UNION ALL SELECT prev.stok_id FROM prev JOIN up USING (barkod)) x) AS stocks,
           (SELECT coalesce(array_agg(erp_recno), '{}') FROM r WHERE stok_id IS NULL) AS missing`,
  );
  const mainBarcodes = await refreshMainBarcodes(client, r.stocks);
  return { written: Number(r.written), missing: r.missing.map((k) => ({ key: Number(k), reason: 'stock not on the web' })), mainBarcodes };
}

/**
 * `stoklar.barkod` = the first active barcode: Mikro's lowest bar_RECno (spec 2.4), then barcodes
 * created on the web. Only values that change are written. The rows are locked in id order first:
 * the price step may update other columns of the same stocks at the same time (it runs in
 * parallel), and a common lock order rules out deadlocks.
 */
export async function refreshMainBarcodes(client: pg.PoolClient, stockIds: readonly string[]): Promise<number> {
  if (!stockIds.length) return 0;
  const res = await client.query<{ id: string; barkod: string | null }>(
    `WITH f AS (
       SELECT x.id, (SELECT b.barkod FROM urun_barkodlari b WHERE b.stok_id = x.id AND b.aktif
                      ORDER BY b.erp_recno NULLS LAST, b.olusturma_tarihi, b.barkod LIMIT 1) AS barkod
         FROM unnest($1::uuid[]) AS x(id)
     )
     SELECT s.id, f.barkod FROM stoklar s JOIN f ON f.id = s.id WHERE s.barkod IS DISTINCT FROM f.barkod ORDER BY s.id FOR NO KEY UPDATE OF s`,
    [stockIds],
  );
  if (!res.rows.length) return 0;
  const upd = await client.query(
    `UPDATE stoklar s SET barkod = x.barkod, guncelleme_tarihi = now() FROM unnest($1::uuid[], $2::text[]) AS x(id, barkod) WHERE s.id = x.id`,
    [res.rows.map((r) => r.id), res.rows.map((r) => r.barkod)],
  );
  return upd.rowCount ?? 0;
}

export const PRICE_SHAPE = {
  name: 'fiyat',
  columns: [
    { name: 'stok_kodu', type: 'text' },
    { name: 'liste_no', type: 'int' },
    { name: 'fiyat', type: 'numeric' },
    { name: 'erp_recno', type: 'bigint' },
  ],
} as const;
export type PriceInput = RowOf<typeof PRICE_SHAPE>;

/**
 * urun_fiyat_listeleri upsert on (stok_id, fiyat_tanimi_id) (spec 2.6, rule 24). The list is the
 * definition whose sira_no is the ERP list number (the oldest one when the web has several);
 * int_kodmap_fiyat_liste only where no definition carries that number. List 1 also sets
 * stoklar.satis_fiyati. A price of 0 or less removes the web price.
 */
export async function writePrices(client: pg.PoolClient, rows: readonly PriceInput[], o: WriteOptions): Promise<ChildWrite> {
  if (!rows.length) return { written: 0, missing: [] };
  const r = await mergeBatch<typeof PRICE_SHAPE, { written: string; removed: string; main: string; no_stock: string[]; no_list: string[] }>(
    client,
    PRICE_SHAPE,
    rows,
    o.method,
    [],
    (from) => `
    WITH src AS (SELECT * FROM ${from}),
    defs AS (SELECT DISTINCT ON (sira_no) sira_no, id FROM fiyat_tanimlari WHERE sira_no IS NOT NULL ORDER BY sira_no, olusturma_tarihi, id),
    r AS (
      SELECT src.*, ${STOCK_ID('p')} AS stok_id, coalesce(d.id, md.id) AS fiyat_tanimi_id
        FROM src ${RESOLVE_STOCK('p', 'src.stok_kodu')}
        LEFT JOIN defs d ON d.sira_no = src.liste_no
        LEFT JOIN int_kodmap_fiyat_liste mf ON mf.erp_liste_no = src.liste_no
        LEFT JOIN fiyat_tanimlari md ON md.id = mf.web_fiyat_tanimi_id
    ),
    up AS (
      INSERT INTO urun_fiyat_listeleri AS t (stok_id, fiyat_tanimi_id, fiyat, erp_recno, baslangic_tarihi, bitis_tarihi, aktif, olusturma_tarihi, guncelleme_tarihi)
      -- two ERP keys can still land on one web key (a stale map row): the later ERP row wins
      SELECT DISTINCT ON (stok_id, fiyat_tanimi_id) stok_id, fiyat_tanimi_id, fiyat, erp_recno, NULL::date, NULL::date, true, now(), now()
        FROM r WHERE stok_id IS NOT NULL AND fiyat_tanimi_id IS NOT NULL AND fiyat > 0
       ORDER BY stok_id, fiyat_tanimi_id, erp_recno DESC
      ON CONFLICT (stok_id, fiyat_tanimi_id) DO UPDATE SET fiyat = EXCLUDED.fiyat, erp_recno = EXCLUDED.erp_recno, guncelleme_tarihi = EXCLUDED.guncelleme_tarihi
      WHERE (t.fiyat, t.erp_recno) IS DISTINCT FROM (EXCLUDED.fiyat, EXCLUDED.erp_recno)
      RETURNING 1
    ),
    del AS (
      DELETE FROM urun_fiyat_listeleri t USING r
       WHERE r.fiyat <= 0 AND t.stok_id = r.stok_id AND t.fiyat_tanimi_id = r.fiyat_tanimi_id
      RETURNING 1
    ),
    -- stocks whose list-1 price changes, locked in id order (the barcode step updates other
    -- columns of the same stocks in parallel: one lock order, no deadlock)
    lk AS (
      SELECT s.id, greatest(r.fiyat, 0)::numeric(15,2) AS fiyat FROM stoklar s JOIN r ON s.id = r.stok_id
       WHERE r.liste_no = 1 AND r.fiyat_tanimi_id IS NOT NULL AND s.satis_fiyati IS DISTINCT FROM greatest(r.fiyat, 0)::numeric(15,2)
       ORDER BY s.id FOR NO KEY UPDATE OF s
    ),
    main AS (
      UPDATE stoklar s SET satis_fiyati = lk.fiyat, guncelleme_tarihi = now() FROM lk WHERE s.id = lk.id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM up) AS written, (SELECT count(*) FROM del) AS removed, (SELECT count(*) FROM main) AS main,
           (SELECT coalesce(array_agg(erp_recno), '{}') FROM r WHERE fiyat > 0 AND stok_id IS NULL) AS no_stock,
           (SELECT coalesce(array_agg(erp_recno), '{}') FROM r WHERE fiyat > 0 AND stok_id IS NOT NULL AND fiyat_tanimi_id IS NULL) AS no_list`,
  );
  // Rows of urun_fiyat_listeleri; the list-1 copies into stoklar.satis_fiyati are not counted twice.
  return {
    written: Number(r.written) + Number(r.removed),
    missing: [
      ...r.no_stock.map((k) => ({ key: Number(k), reason: 'stock not on the web' })),
      ...r.no_list.map((k) => ({ key: Number(k), reason: 'no fiyat_tanimlari row with this list number (sira_no)' })),
    ],
  };
}

export const ON_HAND_SHAPE = {
  name: 'eldeki',
  columns: [
    { name: 'stok_kodu', type: 'text' },
    { name: 'eldeki_miktar', type: 'int' },
    { name: 'sth_eldeki_miktar', type: 'numeric' },
  ],
} as const;
export type OnHandInput = RowOf<typeof ON_HAND_SHAPE>;

/** Stock on hand (spec 2.11, rule 25): both columns, only where a value changed. */
export async function writeOnHand(client: pg.PoolClient, rows: readonly OnHandInput[], o: WriteOptions): Promise<number> {
  if (!rows.length) return 0;
  const r = await mergeBatch<typeof ON_HAND_SHAPE, { n: string }>(
    client,
    ON_HAND_SHAPE,
    rows,
    o.method,
    [],
    (from) => `
    WITH up AS (
      UPDATE stoklar s SET eldeki_miktar = u.eldeki_miktar, sth_eldeki_miktar = u.sth_eldeki_miktar, guncelleme_tarihi = now()
        FROM ${from}
       WHERE s.stok_kodu = u.stok_kodu AND (s.eldeki_miktar, s.sth_eldeki_miktar) IS DISTINCT FROM (u.eldeki_miktar, u.sth_eldeki_miktar)
      RETURNING 1
    ) SELECT count(*) AS n FROM up`,
  );
  return Number(r.n);
}

/** After a full pass: ERP stocks the view no longer lists have nothing on hand. */
export async function zeroOnHandExcept(client: pg.PoolClient, seenCodes: readonly string[]): Promise<number> {
  const res = await client.query(
    `UPDATE stoklar s SET eldeki_miktar = 0, sth_eldeki_miktar = 0, guncelleme_tarihi = now()
       FROM int_kodmap_stok m
      WHERE m.web_stok_id = s.id AND s.stok_kodu <> ALL ($1::text[])
        AND (s.eldeki_miktar <> 0 OR s.sth_eldeki_miktar IS DISTINCT FROM 0)`,
    [seenCodes],
  );
  return res.rowCount ?? 0;
}
