/**
 * The Entegra sync's state in `sync_state` (instead of the original's sync-state-entegra.json):
 * one row per mirror table (tablo_adi = the mirror table) plus one row for the run (tablo_adi =
 * 'entegra'), written in the run's own transaction, so state only moves when the data committed.
 *
 * yon is 'erp_to_web': production's sync_state has a CHECK that admits only erp_to_web and
 * web_to_erp (spec erp.md, trap 51), and the table names already say that these rows are Entegra's.
 */
import type pg from 'pg';

export const ENTEGRA_STATE_DIRECTION = 'erp_to_web';
export const ENTEGRA_RUN_STATE = 'entegra';

export interface EntegraRunState {
  /** Local date ('YYYY-MM-DD', Entegra's time zone) of the last finished run. */
  localDate: string | null;
  finishedAt: Date | null;
}

export interface EntegraTableState {
  /** Highest key committed (rows above it are new). */
  watermark: number | null;
  /** Digest of the last whole-table read (tables that skip unchanged content). */
  digest: string | null;
}

export interface EntegraState {
  run: EntegraRunState;
  tables: Map<string, EntegraTableState>;
}

export async function readEntegraState(c: pg.ClientBase | pg.Pool): Promise<EntegraState> {
  const r = await c.query<{ tablo_adi: string; watermark_recno: number | string | null; details: Record<string, unknown> | null; son_senkronizasyon_zamani: Date | null }>(
    `SELECT tablo_adi, watermark_recno, details, son_senkronizasyon_zamani FROM sync_state
      WHERE yon = $1 AND (tablo_adi = $2 OR tablo_adi LIKE 'entegra\\_%')`,
    [ENTEGRA_STATE_DIRECTION, ENTEGRA_RUN_STATE],
  );
  const state: EntegraState = { run: { localDate: null, finishedAt: null }, tables: new Map() };
  for (const row of r.rows) {
    if (row.tablo_adi === ENTEGRA_RUN_STATE) {
      const d = row.details?.localDate;
      state.run = { localDate: typeof d === 'string' ? d : null, finishedAt: row.son_senkronizasyon_zamani };
    } else {
      const digest = row.details?.digest;
      state.tables.set(row.tablo_adi, {
        watermark: row.watermark_recno === null ? null : Number(row.watermark_recno),
        digest: typeof digest === 'string' ? digest : null,
      });
    }
  }
  return state;
}

export interface EntegraTableOutcome {
  table: string;
  watermark: number | null;
  digest: string | null;
  /** Rows written (inserted, updated, deleted) by this run. */
  written: number;
  details: Record<string, unknown>;
}

/** Upserts the run row and one row per table, in one statement. */
export async function writeEntegraState(c: pg.ClientBase, run: { localDate: string; details: Record<string, unknown> }, tables: readonly EntegraTableOutcome[]): Promise<void> {
  const names = [ENTEGRA_RUN_STATE, ...tables.map((t) => t.table)];
  const watermarks = [null, ...tables.map((t) => t.watermark)];
  const counts = [tables.reduce((n, t) => n + t.written, 0), ...tables.map((t) => t.written)];
  const details = [{ ...run.details, localDate: run.localDate }, ...tables.map((t) => ({ ...t.details, digest: t.digest }))].map((d) => JSON.stringify(d));
  await c.query(
    `INSERT INTO sync_state (tablo_adi, yon, son_senkronizasyon_zamani, kayit_sayisi, basarili, hata_mesaji, watermark_recno, details, guncelleme_tarihi)
     SELECT n, $1, now(), k, true, NULL, w, d::jsonb, now() FROM unnest($2::text[], $3::bigint[], $4::int[], $5::text[]) AS x(n, w, k, d)
     ON CONFLICT (tablo_adi, yon) DO UPDATE SET son_senkronizasyon_zamani = EXCLUDED.son_senkronizasyon_zamani, kayit_sayisi = EXCLUDED.kayit_sayisi,
       basarili = true, hata_mesaji = NULL, watermark_recno = EXCLUDED.watermark_recno, details = EXCLUDED.details, guncelleme_tarihi = now()`,
    [ENTEGRA_STATE_DIRECTION, names, watermarks, counts, details],
  );
}

/** Records a failed run on the run row (outside the rolled-back transaction); state stays as it was. */
export async function recordEntegraFailure(pool: pg.Pool, message: string): Promise<void> {
  await pool.query(
    `INSERT INTO sync_state (tablo_adi, yon, basarili, hata_mesaji, guncelleme_tarihi) VALUES ($1, $2, false, $3, now())
     ON CONFLICT (tablo_adi, yon) DO UPDATE SET basarili = false, hata_mesaji = EXCLUDED.hata_mesaji, guncelleme_tarihi = now()`,
    [ENTEGRA_RUN_STATE, ENTEGRA_STATE_DIRECTION, message],
  );
}
