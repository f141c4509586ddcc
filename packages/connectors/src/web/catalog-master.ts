/**
 * Set-based writes of the small master tables: categories, price list definitions, cash boxes,
 * banks, depots (spec 2.3, 2.6, 2.8) and accounts (2.7). The web app gives some of them no unique
 * key on the ERP code (kategoriler.erp_id, fiyat_tanimlari.sira_no, kasalar.kasa_kodu,
 * bankalar.ban_kod), so these merge by "update the matching row, insert the rest" in one statement
 * instead of ON CONFLICT; the run lock keeps two runs from inserting the same code twice.
 */
import type pg from 'pg';
import { mergeBatch, type RowOf, type WriteOptions } from './catalog-batch.js';

interface Counts {
  updated: string;
  inserted: string;
}
const total = (c: Counts) => Number(c.updated) + Number(c.inserted);

export const CATEGORY_SHAPE = {
  name: 'kategori',
  columns: [
    { name: 'erp_id', type: 'text' },
    { name: 'kategori_adi', type: 'text' },
    { name: 'parent_erp_id', type: 'text' },
  ],
} as const;
export type CategoryInput = RowOf<typeof CATEGORY_SHAPE>;

/**
 * kategoriler rows of one level, matched by (erp_id, level). Level 1 rows hang under the level-0
 * row of their parent code; `path` is [id] / [parent_id, id] as the web's category tree expects.
 */
export async function writeCategories(client: pg.PoolClient, level: 0 | 1, rows: readonly CategoryInput[], o: WriteOptions): Promise<number> {
  if (!rows.length) return 0;
  const r = await mergeBatch<typeof CATEGORY_SHAPE, Counts>(client, CATEGORY_SHAPE, rows, o.method, [level], (from) => `
    WITH src AS (SELECT * FROM ${from}),
    par AS (SELECT DISTINCT ON (k.erp_id) k.id, k.erp_id FROM kategoriler k
             WHERE $1 = 1 AND coalesce(k.level, 0) = 0 AND k.erp_id IN (SELECT parent_erp_id FROM src) ORDER BY k.erp_id, k.olusturma_tarihi, k.id),
    r AS (SELECT src.*, par.id AS parent_id, gen_random_uuid() AS new_id FROM src LEFT JOIN par ON par.erp_id = src.parent_erp_id WHERE $1 = 0 OR par.id IS NOT NULL),
    cur AS (SELECT DISTINCT ON (k.erp_id) k.id, k.erp_id FROM kategoriler k JOIN r ON k.erp_id = r.erp_id
             WHERE coalesce(k.level, 0) = $1 ORDER BY k.erp_id, k.olusturma_tarihi, k.id),
    upd AS (
      UPDATE kategoriler k SET kategori_adi = r.kategori_adi, parent_id = r.parent_id, level = $1, is_erp_category = true,
             path = CASE WHEN r.parent_id IS NULL THEN ARRAY[k.id::text] ELSE ARRAY[r.parent_id::text, k.id::text] END, guncelleme_tarihi = now()
        FROM cur JOIN r ON r.erp_id = cur.erp_id
       WHERE k.id = cur.id
         AND (k.kategori_adi, k.parent_id, k.level, k.is_erp_category, k.path) IS DISTINCT FROM
             (r.kategori_adi, r.parent_id, $1::integer, true, CASE WHEN r.parent_id IS NULL THEN ARRAY[k.id::text] ELSE ARRAY[r.parent_id::text, k.id::text] END)
      RETURNING 1
    ),
    ins AS (
      INSERT INTO kategoriler (id, kategori_adi, level, parent_id, is_erp_category, erp_id, path)
      SELECT r.new_id, r.kategori_adi, $1, r.parent_id, true, r.erp_id,
             CASE WHEN r.parent_id IS NULL THEN ARRAY[r.new_id::text] ELSE ARRAY[r.parent_id::text, r.new_id::text] END
        FROM r
       WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.erp_id = r.erp_id)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted`);
  return total(r);
}

export const PRICE_LIST_SHAPE = {
  name: 'fiyat_tanim',
  columns: [
    { name: 'sira_no', type: 'int' },
    { name: 'fiyat_adi', type: 'text' },
    { name: 'formul', type: 'text' },
    { name: 'olusturma_tarihi', type: 'timestamp' },
    { name: 'guncelleme_tarihi', type: 'timestamp' },
  ],
} as const;
export type PriceListInput = RowOf<typeof PRICE_LIST_SHAPE>;

/** fiyat_tanimlari by sira_no (the oldest definition when the web holds several with one number). */
export async function writePriceLists(client: pg.PoolClient, rows: readonly PriceListInput[], o: WriteOptions): Promise<number> {
  if (!rows.length) return 0;
  const r = await mergeBatch<typeof PRICE_LIST_SHAPE, Counts>(client, PRICE_LIST_SHAPE, rows, o.method, [o.timeZone], (from) => `
    WITH src AS (SELECT * FROM ${from}),
    cur AS (SELECT DISTINCT ON (f.sira_no) f.id, f.sira_no FROM fiyat_tanimlari f JOIN src ON f.sira_no = src.sira_no ORDER BY f.sira_no, f.olusturma_tarihi, f.id),
    upd AS (
      UPDATE fiyat_tanimlari f SET fiyat_adi = src.fiyat_adi, formul = src.formul,
             guncelleme_tarihi = coalesce(src.guncelleme_tarihi AT TIME ZONE $1, now())
        FROM cur JOIN src ON src.sira_no = cur.sira_no
       WHERE f.id = cur.id AND (f.fiyat_adi, f.formul) IS DISTINCT FROM (src.fiyat_adi, src.formul)
      RETURNING 1
    ),
    ins AS (
      INSERT INTO fiyat_tanimlari (fiyat_adi, formul, sira_no, aktif, olusturma_tarihi, guncelleme_tarihi)
      SELECT fiyat_adi, formul, sira_no, true, coalesce(olusturma_tarihi AT TIME ZONE $1, now()), coalesce(guncelleme_tarihi AT TIME ZONE $1, now())
        FROM src WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.sira_no = src.sira_no)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted`);
  return total(r);
}

export const CASH_SHAPE = {
  name: 'kasa',
  columns: [
    { name: 'kasa_kodu', type: 'text' },
    { name: 'kasa_adi', type: 'text' },
    { name: 'olusturma_tarihi', type: 'timestamp' },
    { name: 'guncelleme_tarihi', type: 'timestamp' },
  ],
} as const;
export type CashInput = RowOf<typeof CASH_SHAPE>;

/** kasalar by kasa_kodu; new rows get kasa_tipi 'nakit' (as the original; the web may correct it). */
export async function writeCashBoxes(client: pg.PoolClient, rows: readonly CashInput[], o: WriteOptions): Promise<number> {
  if (!rows.length) return 0;
  const r = await mergeBatch<typeof CASH_SHAPE, Counts>(client, CASH_SHAPE, rows, o.method, [o.timeZone], (from) => `
    WITH src AS (SELECT * FROM ${from}),
    cur AS (SELECT DISTINCT ON (k.kasa_kodu) k.id, k.kasa_kodu FROM kasalar k JOIN src ON k.kasa_kodu = src.kasa_kodu ORDER BY k.kasa_kodu, k.olusturma_tarihi, k.id),
    upd AS (
      UPDATE kasalar k SET kasa_adi = src.kasa_adi, guncelleme_tarihi = coalesce(src.guncelleme_tarihi AT TIME ZONE $1, now())
        FROM cur JOIN src ON src.kasa_kodu = cur.kasa_kodu
       WHERE k.id = cur.id AND k.kasa_adi IS DISTINCT FROM src.kasa_adi
      RETURNING 1
    ),
    ins AS (
      INSERT INTO kasalar (kasa_kodu, kasa_adi, kasa_tipi, aktif, olusturma_tarihi, guncelleme_tarihi)
      SELECT kasa_kodu, kasa_adi, 'nakit', true, coalesce(olusturma_tarihi AT TIME ZONE $1, now()), coalesce(guncelleme_tarihi AT TIME ZONE $1, now())
        FROM src WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.kasa_kodu = src.kasa_kodu)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted`);
  return total(r);
}

export const BANK_SHAPE = {
  name: 'banka',
  columns: [
    { name: 'ban_kod', type: 'text' },
    { name: 'banka_adi', type: 'text' },
    { name: 'sube_adi', type: 'text' },
    { name: 'hesap_no', type: 'text' },
    { name: 'olusturma_tarihi', type: 'timestamp' },
    { name: 'guncelleme_tarihi', type: 'timestamp' },
  ],
} as const;
export type BankInput = RowOf<typeof BANK_SHAPE>;

/**
 * bankalar by ban_kod, else by banka_adi on a web bank that has no code yet (the original's rule;
 * banka_adi is unique on the web). A name another web bank already holds is not taken over: an
 * update keeps its old name, an insert gets "<name> (<code>)".
 */
export async function writeBanks(client: pg.PoolClient, rows: readonly BankInput[], o: WriteOptions): Promise<number> {
  if (!rows.length) return 0;
  const r = await mergeBatch<typeof BANK_SHAPE, Counts>(client, BANK_SHAPE, rows, o.method, [o.timeZone], (from) => `
    WITH src AS (SELECT * FROM ${from}),
    by_code AS (SELECT DISTINCT ON (b.ban_kod) b.id, b.ban_kod FROM bankalar b JOIN src ON b.ban_kod = src.ban_kod ORDER BY b.ban_kod, b.olusturma_tarihi, b.id),
    by_name AS (
      SELECT DISTINCT ON (b.id) b.id, src.ban_kod FROM bankalar b JOIN src ON b.banka_adi = src.banka_adi
       WHERE coalesce(b.ban_kod, '') = '' AND NOT EXISTS (SELECT 1 FROM by_code c WHERE c.ban_kod = src.ban_kod)
       ORDER BY b.id, src.ban_kod
    ),
    tgt AS (SELECT * FROM by_code UNION ALL SELECT * FROM by_name),
    upd AS (
      UPDATE bankalar b SET ban_kod = src.ban_kod,
             banka_adi = CASE WHEN EXISTS (SELECT 1 FROM bankalar o WHERE o.banka_adi = src.banka_adi AND o.id <> b.id) THEN b.banka_adi ELSE src.banka_adi END,
             sube_adi = src.sube_adi, hesap_no = src.hesap_no, guncelleme_tarihi = coalesce(src.guncelleme_tarihi AT TIME ZONE $1, now())
        FROM tgt JOIN src ON src.ban_kod = tgt.ban_kod
       WHERE b.id = tgt.id
         AND ((b.ban_kod, b.sube_adi, b.hesap_no) IS DISTINCT FROM (src.ban_kod, src.sube_adi, src.hesap_no)
              OR (b.banka_adi <> src.banka_adi AND NOT EXISTS (SELECT 1 FROM bankalar o WHERE o.banka_adi = src.banka_adi AND o.id <> b.id)))
      RETURNING 1
    ),
    ins AS (
      INSERT INTO bankalar (ban_kod, banka_adi, sube_adi, hesap_no, aktif, olusturma_tarihi, guncelleme_tarihi)
      SELECT ban_kod,
             CASE WHEN EXISTS (SELECT 1 FROM bankalar o WHERE o.banka_adi = src.banka_adi) THEN src.banka_adi || ' (' || src.ban_kod || ')' ELSE src.banka_adi END,
             sube_adi, hesap_no, true, coalesce(olusturma_tarihi AT TIME ZONE $1, now()), coalesce(guncelleme_tarihi AT TIME ZONE $1, now())
        FROM src WHERE NOT EXISTS (SELECT 1 FROM tgt WHERE tgt.ban_kod = src.ban_kod)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted`);
  return total(r);
}

export const DEPOT_SHAPE = {
  name: 'depo',
  columns: [
    { name: 'erp_recno', type: 'int' },
    { name: 'depo_no', type: 'int' },
    { name: 'depo_adi', type: 'text' },
    { name: 'olusturma_tarihi', type: 'timestamp' },
    { name: 'guncelleme_tarihi', type: 'timestamp' },
  ],
} as const;
export type DepotInput = RowOf<typeof DEPOT_SHAPE>;

/**
 * depolar by erp_recno, else a web depot with the same depo_no and no ERP record yet (both are
 * unique on the web). Its timestamps are `timestamp` columns: Mikro's local times as they are.
 * A depot whose number another ERP-linked web depot already holds is skipped and counted.
 */
export async function writeDepots(client: pg.PoolClient, rows: readonly DepotInput[], o: WriteOptions): Promise<{ written: number; skipped: number }> {
  if (!rows.length) return { written: 0, skipped: 0 };
  const r = await mergeBatch<typeof DEPOT_SHAPE, Counts & { skipped: string }>(client, DEPOT_SHAPE, rows, o.method, [], (from) => `
    WITH src AS (SELECT * FROM ${from}),
    tgt AS (
      SELECT DISTINCT ON (src.erp_recno) d.id, src.erp_recno FROM src
        JOIN depolar d ON d.erp_recno = src.erp_recno OR (d.erp_recno IS NULL AND d.depo_no = src.depo_no)
       ORDER BY src.erp_recno, (d.erp_recno IS NULL)
    ),
    upd AS (
      UPDATE depolar d SET erp_recno = src.erp_recno, depo_no = src.depo_no, depo_adi = src.depo_adi,
             olusturma_tarihi = coalesce(src.olusturma_tarihi, d.olusturma_tarihi), guncelleme_tarihi = coalesce(src.guncelleme_tarihi, LOCALTIMESTAMP)
        FROM tgt JOIN src ON src.erp_recno = tgt.erp_recno
       WHERE d.id = tgt.id AND (d.erp_recno, d.depo_no, d.depo_adi) IS DISTINCT FROM (src.erp_recno, src.depo_no, src.depo_adi)
      RETURNING 1
    ),
    ins AS (
      INSERT INTO depolar (erp_recno, depo_no, depo_adi, olusturma_tarihi, guncelleme_tarihi)
      SELECT erp_recno, depo_no, depo_adi, olusturma_tarihi, coalesce(guncelleme_tarihi, LOCALTIMESTAMP)
        FROM src WHERE NOT EXISTS (SELECT 1 FROM tgt WHERE tgt.erp_recno = src.erp_recno)
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM upd) AS updated, (SELECT count(*) FROM ins) AS inserted,
           (SELECT count(*) FROM src WHERE NOT EXISTS (SELECT 1 FROM tgt WHERE tgt.erp_recno = src.erp_recno)) - (SELECT count(*) FROM ins) AS skipped`);
  return { written: total(r), skipped: Number(r.skipped) };
}

export const ACCOUNT_SHAPE = {
  name: 'cari',
  columns: [
    { name: 'cari_kodu', type: 'text' },
    { name: 'cari_adi', type: 'text' },
    { name: 'telefon', type: 'text' },
    { name: 'eposta', type: 'text' },
    { name: 'vergi_dairesi', type: 'text' },
    { name: 'vergi_no', type: 'text' },
    { name: 'cari_tipi', type: 'text' },
  ],
} as const;
export type AccountInput = RowOf<typeof ACCOUNT_SHAPE>;

/**
 * cari_hesaplar upsert on cari_kodu (spec 2.7). New rows are marked kaynak = 'erp'; an account
 * that came from the web keeps its kaynak (open question Q21: ownership stays where it began).
 */
export async function writeAccounts(client: pg.PoolClient, rows: readonly AccountInput[], o: WriteOptions): Promise<number> {
  if (!rows.length) return 0;
  const r = await mergeBatch<typeof ACCOUNT_SHAPE, { n: string }>(client, ACCOUNT_SHAPE, rows, o.method, [], (from) => `
    WITH up AS (
      INSERT INTO cari_hesaplar AS t (cari_kodu, cari_adi, telefon, eposta, vergi_dairesi, vergi_no, cari_tipi, kaynak, guncelleme_tarihi)
      SELECT cari_kodu, cari_adi, telefon, eposta, vergi_dairesi, vergi_no, cari_tipi, 'erp', now() FROM ${from}
      ON CONFLICT (cari_kodu) DO UPDATE SET cari_adi = EXCLUDED.cari_adi, telefon = EXCLUDED.telefon, eposta = EXCLUDED.eposta,
        vergi_dairesi = EXCLUDED.vergi_dairesi, vergi_no = EXCLUDED.vergi_no, cari_tipi = EXCLUDED.cari_tipi, guncelleme_tarihi = EXCLUDED.guncelleme_tarihi
      WHERE (t.cari_adi, t.telefon, t.eposta, t.vergi_dairesi, t.vergi_no, t.cari_tipi)
            IS DISTINCT FROM (EXCLUDED.cari_adi, EXCLUDED.telefon, EXCLUDED.eposta, EXCLUDED.vergi_dairesi, EXCLUDED.vergi_no, EXCLUDED.cari_tipi)
      RETURNING 1
    ) SELECT count(*) AS n FROM up`);
  return Number(r.n);
}
