/**
 * The PostgreSQL side of the Bitrix24 sync: set-based upserts into schema `bitrix` (one statement
 * per page batch: typed arrays through `unnest`, duplicates removed first), watermarks and cursors
 * in `sync_state` committed in the same transaction as the rows they cover, the task-comment
 * to-do list, and the soft deletes of the ID reconciliation with its guard.
 */
import type pg from 'pg';
import { withSyncTransaction, type WebPool } from '../web/pool.js';
import { BITRIX_TABLES, type BitrixColumnType, type BitrixTableName } from './tables.js';

export const BITRIX_SYNC_DIRECTION = 'bitrix_to_web';

export type BitrixRowValues = Record<string, unknown> & { id: number };

export interface BitrixStateDetails {
  /** Portal clock (ms) at the start of the walk in progress: the next watermark. */
  walkStartedMs?: number;
  /** Portal UTC offset seen last ("+03:00"), for formatting filter values. */
  portalOffset?: string;
  /** Last completed ID reconciliation (our clock, ms). */
  reconciledMs?: number;
  /** Cycle number (only on the `cycle` row). */
  cycle?: number;
  [key: string]: unknown;
}

export interface BitrixEntityState {
  entity: string;
  /** Portal clock (ms) of the start of the last completed walk; null before the first. */
  watermarkMs: number | null;
  /** Keyset cursor (last id committed) of a walk in progress; 0 when none. */
  cursor: number;
  details: BitrixStateDetails;
  ok: boolean;
  error: string | null;
  /** Rows changed by the last completed walk. */
  rows: number;
  lastSyncedMs: number | null;
}

export interface BitrixReconcileOutcome {
  live: number;
  missing: number;
  deleted: number;
  restored: number;
  /** Set when the guard refused the deletions; nothing was changed then. */
  refused?: string;
  /** Rows of other tables deleted with them (the comments of deleted tasks). */
  cascaded?: number;
}

export interface BitrixCommentTask {
  id: number;
  commentsCount: number | null;
  activityDate: string | null;
}

type Queryable = pg.Pool | pg.PoolClient;

/** Rows per upsert statement. */
const UPSERT_CHUNK = 500;

const stateName = (entity: string) => `bitrix.${entity}`;

/** JSON text for a jsonb parameter; drops \u0000, which jsonb cannot hold. */
function jsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const text = JSON.stringify(v);
  return text.includes('\\u0000') ? text.replace(/(?<!\\)\\u0000/g, '') : text;
}

function paramType(t: BitrixColumnType): string {
  return t.endsWith('[]') ? 'jsonb' : t;
}

function selectExpr(name: string, t: BitrixColumnType): string {
  if (t === 'text[]') return `CASE WHEN u.${name} IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.${name})) END`;
  if (t === 'bigint[]') return `CASE WHEN u.${name} IS NULL THEN NULL ELSE ARRAY(SELECT x::bigint FROM jsonb_array_elements_text(u.${name}) x) END`;
  return `u.${name}`;
}

const upsertCache = new Map<BitrixTableName, { sql: string; columns: [string, BitrixColumnType][] }>();

function upsertStatement(table: BitrixTableName) {
  let s = upsertCache.get(table);
  if (!s) {
    const columns: [string, BitrixColumnType][] = [['id', 'bigint'], ...BITRIX_TABLES[table], ['data', 'jsonb']];
    const names = columns.map(([n]) => n);
    const sql = `INSERT INTO bitrix.${table} AS t (${names.join(', ')}, synced_at, deleted_at)
      SELECT ${columns.map(([n, ty]) => selectExpr(n, ty)).join(', ')}, now(), NULL
        FROM unnest(${columns.map(([, ty], i) => `$${i + 1}::${paramType(ty)}[]`).join(', ')}) AS u(${names.join(', ')})
      ON CONFLICT (id) DO UPDATE SET ${names
        .slice(1)
        .map((n) => `${n} = EXCLUDED.${n}`)
        .join(', ')}, synced_at = now(), deleted_at = NULL
      WHERE t.data IS DISTINCT FROM EXCLUDED.data OR t.deleted_at IS NOT NULL`;
    s = { sql, columns };
    upsertCache.set(table, s);
  }
  return s;
}

export class BitrixStore {
  constructor(readonly pool: WebPool) {}

  /**
   * Inserts or updates rows; unchanged rows are not touched. Returns the rows changed. Large
   * batches go in statements of UPSERT_CHUNK rows (same transaction when `db` is a client), which
   * keeps the parameter text, and so the worker's memory, small.
   */
  async upsert(db: Queryable, table: BitrixTableName, rows: BitrixRowValues[]): Promise<number> {
    if (!rows.length) return 0;
    // The last version of an id wins; ON CONFLICT cannot touch one row twice in one statement.
    const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
    const { sql, columns } = upsertStatement(table);
    let changed = 0;
    for (let i = 0; i < unique.length; i += UPSERT_CHUNK) {
      const chunk = unique.slice(i, i + UPSERT_CHUNK);
      const params = columns.map(([name, type]) =>
        chunk.map((r) => {
          const v = r[name];
          if (v === undefined || v === null) return null;
          return type === 'jsonb' || type.endsWith('[]') ? jsonText(v) : v;
        }),
      );
      changed += (await db.query(sql, params)).rowCount ?? 0;
    }
    return changed;
  }

  /** Upserts one page batch and saves the entity's state in the same transaction. */
  async writePage(table: BitrixTableName, rows: BitrixRowValues[], state: BitrixEntityState | ((changed: number) => BitrixEntityState)): Promise<number> {
    return withSyncTransaction(this.pool, async (client) => {
      const changed = await this.upsert(client, table, rows);
      await this.saveState(client, typeof state === 'function' ? state(changed) : state);
      return changed;
    });
  }

  async readStates(): Promise<Map<string, BitrixEntityState>> {
    const res = await this.pool.query<{
      tablo_adi: string;
      wm_ms: number | null;
      watermark_recno: string | number | null;
      details: BitrixStateDetails | null;
      basarili: boolean | null;
      hata_mesaji: string | null;
      kayit_sayisi: number | null;
      last_ms: number | null;
    }>(
      `SELECT tablo_adi, (extract(epoch FROM watermark_time) * 1000)::float8 AS wm_ms, watermark_recno, details, basarili, hata_mesaji,
              kayit_sayisi, (extract(epoch FROM son_senkronizasyon_zamani) * 1000)::float8 AS last_ms
         FROM sync_state WHERE yon = $1 AND tablo_adi LIKE 'bitrix.%'`,
      [BITRIX_SYNC_DIRECTION],
    );
    const out = new Map<string, BitrixEntityState>();
    for (const r of res.rows) {
      const entity = r.tablo_adi.slice('bitrix.'.length);
      out.set(entity, {
        entity,
        watermarkMs: r.wm_ms === null ? null : Math.round(r.wm_ms),
        cursor: Number(r.watermark_recno ?? 0),
        details: r.details ?? {},
        ok: r.basarili ?? true,
        error: r.hata_mesaji,
        rows: r.kayit_sayisi ?? 0,
        lastSyncedMs: r.last_ms === null ? null : Math.round(r.last_ms),
      });
    }
    return out;
  }

  async saveState(db: Queryable, s: BitrixEntityState): Promise<void> {
    await db.query(
      `INSERT INTO sync_state (tablo_adi, yon, son_senkronizasyon_zamani, kayit_sayisi, basarili, hata_mesaji, watermark_time, watermark_recno, details, guncelleme_tarihi)
       VALUES ($1, $2, to_timestamp($3::float8 / 1000), $4, $5, $6, to_timestamp($7::float8 / 1000) AT TIME ZONE 'UTC', $8, $9, now())
       ON CONFLICT (tablo_adi, yon) DO UPDATE SET
         son_senkronizasyon_zamani = EXCLUDED.son_senkronizasyon_zamani, kayit_sayisi = EXCLUDED.kayit_sayisi,
         basarili = EXCLUDED.basarili, hata_mesaji = EXCLUDED.hata_mesaji, watermark_time = EXCLUDED.watermark_time,
         watermark_recno = EXCLUDED.watermark_recno, details = EXCLUDED.details, guncelleme_tarihi = now()`,
      [
        stateName(s.entity),
        BITRIX_SYNC_DIRECTION,
        s.lastSyncedMs,
        Math.min(s.rows, 2_147_483_647),
        s.ok,
        s.error,
        s.watermarkMs,
        s.cursor,
        JSON.stringify(s.details),
      ],
    );
  }

  /** Counts cycles in the database, so "every Nth cycle" survives restarts of every process. */
  async nextCycle(): Promise<number> {
    const res = await this.pool.query<{ cycle: number }>(
      `INSERT INTO sync_state (tablo_adi, yon, details, guncelleme_tarihi) VALUES ('bitrix.cycle', $1, '{"cycle": 1}', now())
       ON CONFLICT (tablo_adi, yon) DO UPDATE SET guncelleme_tarihi = now(),
         details = jsonb_set(COALESCE(sync_state.details, '{}'), '{cycle}', to_jsonb(COALESCE((sync_state.details->>'cycle')::int, 0) + 1))
       RETURNING (details->>'cycle')::int AS cycle`,
      [BITRIX_SYNC_DIRECTION],
    );
    return Number(res.rows[0]!.cycle);
  }

  /** Marks the cycle row failed (an alert the status page shows) or succeeded. */
  async markCycle(ok: boolean, error: string | null): Promise<void> {
    await this.pool.query(
      `UPDATE sync_state SET basarili = $2, hata_mesaji = $3, son_senkronizasyon_zamani = CASE WHEN $2 THEN now() ELSE son_senkronizasyon_zamani END,
              guncelleme_tarihi = now() WHERE tablo_adi = 'bitrix.cycle' AND yon = $1`,
      [BITRIX_SYNC_DIRECTION, ok, error],
    );
  }

  /**
   * Tasks whose comments must be read again: their comment count or activity date moved since the
   * comments were last read (new, edited or deleted comments), oldest ids first.
   */
  async tasksNeedingComments(limit: number, excludeIds: number[] = []): Promise<BitrixCommentTask[]> {
    const res = await this.pool.query<{ id: number; comments_count: number | null; activity_date: string | null }>(
      `SELECT id, comments_count, activity_date::text AS activity_date FROM bitrix.tasks
        WHERE deleted_at IS NULL
          AND (COALESCE(comments_count, 0) <> COALESCE(comments_synced_count, 0)
               OR (COALESCE(comments_count, 0) > 0 AND activity_date IS DISTINCT FROM comments_synced_activity))
          AND NOT (id = ANY($2::bigint[]))
        ORDER BY id LIMIT $1`,
      [limit, excludeIds],
    );
    return res.rows.map((r) => ({ id: Number(r.id), commentsCount: r.comments_count, activityDate: r.activity_date }));
  }

  /**
   * Stores the complete comment lists of some tasks: upserts them, soft-deletes the stored
   * comments of those tasks that are no longer listed, and records what was read. One transaction.
   */
  async applyTaskComments(tasks: BitrixCommentTask[], comments: BitrixRowValues[]): Promise<{ changed: number; deleted: number }> {
    if (!tasks.length) return { changed: 0, deleted: 0 };
    return withSyncTransaction(this.pool, async (client) => {
      const changed = await this.upsert(client, 'task_comments', comments);
      const taskIds = tasks.map((t) => t.id);
      const del = await client.query(
        `UPDATE bitrix.task_comments c SET deleted_at = now(), synced_at = now()
          WHERE c.task_id = ANY($1::bigint[]) AND c.deleted_at IS NULL AND NOT (c.id = ANY($2::bigint[]))`,
        [taskIds, comments.map((c) => c.id)],
      );
      await client.query(
        `UPDATE bitrix.tasks t SET comments_synced_count = u.cc, comments_synced_activity = u.ad
           FROM unnest($1::bigint[], $2::int[], $3::timestamptz[]) AS u(id, cc, ad) WHERE t.id = u.id`,
        [taskIds, tasks.map((t) => t.commentsCount), tasks.map((t) => t.activityDate)],
      );
      return { changed, deleted: del.rowCount ?? 0 };
    });
  }

  /**
   * ID reconciliation: rows whose id is not in `remoteIds` (the complete list just walked) are
   * soft-deleted, and soft-deleted rows that are listed again are restored. The guard refuses
   * (and changes nothing) when more than max(share x live rows, minimum) would be deleted, or when
   * Bitrix24 listed nothing at all: a webhook user who lost permissions must not empty a table.
   */
  async reconcile(table: BitrixTableName, remoteIds: number[], guard: { share: number; min: number }): Promise<BitrixReconcileOutcome> {
    return withSyncTransaction(this.pool, async (client) => {
      const counts = await client.query<{ live: string; missing: string }>(
        `SELECT (SELECT count(*) FROM bitrix.${table} WHERE deleted_at IS NULL) AS live,
                (SELECT count(*) FROM (SELECT id FROM bitrix.${table} WHERE deleted_at IS NULL EXCEPT SELECT unnest($1::bigint[])) m) AS missing`,
        [remoteIds],
      );
      const live = Number(counts.rows[0]!.live);
      const missing = Number(counts.rows[0]!.missing);
      const allowed = Math.max(Math.floor(guard.share * live), guard.min);
      if (missing > 0 && remoteIds.length === 0) return { live, missing, deleted: 0, restored: 0, refused: `Bitrix24 listed no ${table} at all while ${live} are stored` };
      if (missing > allowed) {
        return { live, missing, deleted: 0, restored: 0, refused: `${missing} of ${live} ${table} are missing in Bitrix24, more than the ${allowed} the guard allows` };
      }
      const deleted = missing
        ? await client.query(
            `WITH missing AS (SELECT id FROM bitrix.${table} WHERE deleted_at IS NULL EXCEPT SELECT unnest($1::bigint[]))
             UPDATE bitrix.${table} t SET deleted_at = now(), synced_at = now() FROM missing m WHERE t.id = m.id`,
            [remoteIds],
          )
        : { rowCount: 0 };
      const restored = await client.query(
        `UPDATE bitrix.${table} t SET deleted_at = NULL, synced_at = now()
          WHERE t.deleted_at IS NOT NULL AND t.id IN (SELECT unnest($1::bigint[]))`,
        [remoteIds],
      );
      let cascaded = 0;
      if (table === 'tasks' && deleted.rowCount) {
        // Comments of a deleted task go with it.
        const res = await client.query(
          `UPDATE bitrix.task_comments c SET deleted_at = now(), synced_at = now()
             FROM bitrix.tasks t WHERE c.task_id = t.id AND t.deleted_at IS NOT NULL AND c.deleted_at IS NULL`,
        );
        cascaded = res.rowCount ?? 0;
      }
      return { live, missing, deleted: deleted.rowCount ?? 0, restored: restored.rowCount ?? 0, cascaded };
    });
  }
}
