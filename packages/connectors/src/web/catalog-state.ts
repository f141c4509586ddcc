/**
 * Catalog sync bookkeeping in the web database: watermarks in `sync_state` (spec 2.2, rule 14),
 * the one-run-at-a-time lock, the unique indexes the upserts rely on, and the small lookups the
 * stock mapping needs.
 */
import type pg from 'pg';
import { PermanentError, says } from '@mikrosync/core';
import type { WebPool } from './pool.js';

const DIRECTION = 'erp_to_web';

export interface CatalogState {
  /** Naive Mikro local time of the last committed row; null: never synced (full read). */
  watermarkTime: string | null;
  /** RECno of the last committed row (numeric keys). */
  watermarkRecno: number | null;
  /** Free-form: text keys, the retry set, last full pass / reconciliation times. */
  details: CatalogStateDetails;
}

export interface CatalogStateDetails {
  /** Text key of the watermark for tables keyed by code (KASALAR). */
  key?: string;
  /** Keys of rows that waited for a parent: re-read at the start of the next run (trap 23). */
  retry?: (number | string)[];
  /** ISO time of the last full on-hand pass. */
  fullPassAt?: string;
  /** ISO time of the last key reconciliation of the table. */
  reconciledAt?: string;
  [k: string]: unknown;
}

/** Every catalog row of sync_state in one read (the no-change cycle must stay cheap). */
export async function readCatalogStates(pool: WebPool): Promise<Map<string, CatalogState>> {
  const res = await pool.query<{ tablo_adi: string; watermark_time: string | null; watermark_recno: number | null; details: CatalogStateDetails | null }>(
    `SELECT tablo_adi, to_char(watermark_time, 'YYYY-MM-DD HH24:MI:SS.MS') AS watermark_time, watermark_recno, details
       FROM sync_state WHERE yon = $1`,
    [DIRECTION],
  );
  return new Map(
    res.rows.map((r) => [r.tablo_adi, { watermarkTime: r.watermark_time, watermarkRecno: r.watermark_recno === null ? null : Number(r.watermark_recno), details: r.details ?? {} }]),
  );
}

export interface StateUpdate {
  table: string;
  watermarkTime: string | null;
  watermarkRecno: number | null;
  details: CatalogStateDetails;
  /** Rows written by this run so far. */
  rows: number;
  ok: boolean;
  error?: string | null;
}

/**
 * Saves a table's position INSIDE the transaction that wrote the batch, so the watermark never
 * passes rows that did not commit. `son_senkronizasyon_zamani` gets the watermark read as Turkish
 * local time (never the wall clock: trap 44).
 */
export async function saveCatalogState(client: pg.PoolClient, u: StateUpdate, timeZone: string): Promise<void> {
  await client.query(
    `INSERT INTO sync_state (tablo_adi, yon, son_senkronizasyon_zamani, kayit_sayisi, basarili, hata_mesaji, watermark_time, watermark_recno, details, guncelleme_tarihi)
     VALUES ($1, $2, $3::timestamp AT TIME ZONE $4, $5, $6, $7, $3::timestamp, $8, $9::jsonb, now())
     ON CONFLICT (tablo_adi, yon) DO UPDATE SET
       son_senkronizasyon_zamani = EXCLUDED.son_senkronizasyon_zamani, kayit_sayisi = EXCLUDED.kayit_sayisi,
       basarili = EXCLUDED.basarili, hata_mesaji = EXCLUDED.hata_mesaji, watermark_time = EXCLUDED.watermark_time,
       watermark_recno = EXCLUDED.watermark_recno, details = EXCLUDED.details, guncelleme_tarihi = now()`,
    [u.table, DIRECTION, u.watermarkTime, timeZone, u.rows, u.ok, u.error ?? null, u.watermarkRecno, JSON.stringify(u.details)],
  );
}

const LOCK_KEY = 'mikrosync:catalog:sync';

/**
 * One catalog sync at a time across every worker process (a scheduled run and an operator's
 * run could otherwise interleave their watermarks). A session advisory lock on a dedicated
 * connection: released on unlock, or by PostgreSQL when the process dies.
 */
export async function tryCatalogLock(pool: WebPool): Promise<(() => Promise<void>) | undefined> {
  const client = await pool.connect();
  try {
    const res = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [LOCK_KEY]);
    if (!res.rows[0]?.ok) {
      client.release();
      return undefined;
    }
  } catch (err) {
    client.release(true);
    throw err;
  }
  return async () => {
    try {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]);
      client.release();
    } catch {
      client.release(true);
    }
  };
}

/** (table, columns) the upserts use as conflict targets (rule 13). */
export const CATALOG_UNIQUE_KEYS: readonly [string, string[]][] = [
  ['stoklar', ['stok_kodu']],
  ['urun_barkodlari', ['barkod']],
  ['urun_fiyat_listeleri', ['fiyat_tanimi_id', 'stok_id']],
  ['cari_hesaplar', ['cari_kodu']],
  ['cari_hesap_hareketleri', ['erp_recno']],
  ['stok_hareketleri', ['erp_recno']],
  ['int_kodmap_stok', ['erp_stok_kod']],
];

let checked = false;

/**
 * Fails permanently, naming the table and the fix, when a conflict target has no unique index
 * (the migration adds them only where existing data allows it).
 */
export async function assertCatalogKeys(pool: WebPool): Promise<void> {
  if (checked) return;
  const res = await pool.query<{ tbl: string; cols: string; ok: boolean }>(
    `SELECT k.tbl, k.cols, EXISTS (
        SELECT 1 FROM pg_index i
         WHERE i.indrelid = to_regclass(k.tbl) AND i.indisunique AND i.indpred IS NULL AND i.indnkeyatts = cardinality(string_to_array(k.cols, ','))
           AND (SELECT string_agg(a.attname, ',' ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) = k.cols
      ) AS ok
       FROM unnest($1::text[], $2::text[]) AS k(tbl, cols)`,
    [CATALOG_UNIQUE_KEYS.map(([t]) => t), CATALOG_UNIQUE_KEYS.map(([, c]) => [...c].sort().join(','))],
  );
  const missing = res.rows.filter((r) => !r.ok);
  if (missing.length) {
    throw new PermanentError(`web tables lack the unique keys the catalog upserts need: ${missing.map((m) => `${m.tbl} (${m.cols})`).join(', ')}.`, {
      says: says('err.webSchema', { detail: `unique keys missing: ${missing.map((m) => `${m.tbl} (${m.cols})`).join(', ')}` }),
      fix: 'remove the duplicate rows of those keys, then run `mikrosync migrate` (the catalog migration adds the unique indexes when the data allows it)',
    });
  }
  checked = true;
}

/** Level-0 / level-1 ERP categories and active brands: the stock mapping's lookups. */
export async function readStockLookupRows(pool: WebPool): Promise<{
  categories: { id: string; erp_id: string; level: number }[];
  brands: { id: string; marka_adi: string }[];
}> {
  const [cats, brands] = await Promise.all([
    pool.query<{ id: string; erp_id: string; level: number }>(
      `SELECT DISTINCT ON (coalesce(level, 0), erp_id) id, erp_id, coalesce(level, 0) AS level FROM kategoriler
        WHERE erp_id IS NOT NULL AND erp_id <> '' ORDER BY coalesce(level, 0), erp_id, olusturma_tarihi, id`,
    ),
    pool.query<{ id: string; marka_adi: string }>(`SELECT id, marka_adi FROM markalar WHERE aktif ORDER BY olusturma_tarihi, id`),
  ]);
  return { categories: cats.rows, brands: brands.rows };
}
