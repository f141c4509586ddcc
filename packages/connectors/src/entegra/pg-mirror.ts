/**
 * Set-based writes into the web mirror (entegra_* tables), always on the client of the run's one
 * transaction (withSyncTransaction: no capture echo, and nothing is visible before the commit):
 * rows are COPYed into a temporary staging table (or straight into an empty mirror table) and merged
 * with one statement per table. A merge only writes rows that differ, so a run without changes
 * writes nothing.
 */
import { once } from 'node:events';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PermanentError, says } from '@mikrosync/core';

/** A web database connection (the client of the run's transaction). */
export type WebClient = pg.ClientBase;

export const quotePg = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const list = (names: readonly string[], prefix = ''): string => names.map((n) => `${prefix}${quotePg(n)}`).join(', ');

/** Only one Entegra sync at a time (a schedule and a manual run may meet): held until commit. */
export async function tryLockEntegraSync(c: pg.ClientBase): Promise<boolean> {
  const r = await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtext('mikrosync.entegra-sync')) AS ok`);
  return r.rows[0]?.ok === true;
}

/** The web database's clock now (not the transaction start). */
export async function pgClock(c: pg.ClientBase): Promise<Date> {
  return (await c.query<{ t: Date }>('SELECT clock_timestamp() AS t')).rows[0]!.t;
}

/** Column name -> type and NOT NULL of each mirror table; a missing table fails with the fix. */
export async function mirrorColumns(c: pg.ClientBase, tables: readonly string[]): Promise<Map<string, Map<string, { pgType: string; notNull: boolean }>>> {
  // pg_attribute rather than information_schema.columns: the same answer, a fraction of the time.
  const r = await c.query<{ table_name: string; column_name: string; data_type: string; not_null: boolean }>(
    `SELECT cl.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, NULL) AS data_type, a.attnotnull AS not_null
       FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid
      WHERE cl.relnamespace = current_schema()::regnamespace AND cl.relname = ANY($1) AND cl.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY cl.relname, a.attnum`,
    [tables],
  );
  const out = new Map<string, Map<string, { pgType: string; notNull: boolean }>>();
  for (const row of r.rows) {
    if (!out.has(row.table_name)) out.set(row.table_name, new Map());
    out.get(row.table_name)!.set(row.column_name, { pgType: row.data_type, notNull: row.not_null });
  }
  const missing = tables.filter((t) => !out.has(t));
  if (missing.length) throw new PermanentError(`the web database has no table ${missing.join(', ')}.`, {
      fix: 'run `mikrosync migrate` (npm run migrate)',
      says: says('err.webSchema', { detail: `no table ${missing.join(', ')}` }),
    });
  return out;
}

/** Adds mirror columns for columns Entegra added to its tables (types from pgTypeForSqlite). */
export async function addMirrorColumns(c: pg.ClientBase, table: string, columns: readonly { name: string; pgType: string }[]): Promise<void> {
  if (!columns.length) return;
  for (const col of columns) if (!/^[a-z ]+$/.test(col.pgType)) throw new Error(`unexpected column type ${col.pgType}`);
  await c.query(`ALTER TABLE ${quotePg(table)} ${columns.map((col) => `ADD COLUMN IF NOT EXISTS ${quotePg(col.name)} ${col.pgType}`).join(', ')}`);
}

export interface MirrorStat {
  empty: boolean;
  /** Highest key in the mirror (null without a key or when empty). */
  maxKey: number | null;
  /** Row count, when asked for. */
  rows: number | null;
}

/** Emptiness, highest key and (for `counted` tables) row count of each mirror table, in one round trip. */
export async function mirrorStats(c: pg.ClientBase, tables: readonly { pg: string; key: string | null; counted: boolean }[]): Promise<Map<string, MirrorStat>> {
  const parts = tables.map(
    (t, i) =>
      `SELECT ${i} AS i, EXISTS (SELECT 1 FROM ${quotePg(t.pg)}) AS nonempty, ${t.key ? `(SELECT max(${quotePg(t.key)}) FROM ${quotePg(t.pg)})::float8` : 'NULL::float8'} AS max_key, ${
        t.counted ? `(SELECT count(*) FROM ${quotePg(t.pg)})::float8` : 'NULL::float8'
      } AS rows`,
  );
  const r = await c.query<{ i: number; nonempty: boolean; max_key: number | null; rows: number | null }>(parts.join(' UNION ALL '));
  const out = new Map<string, MirrorStat>();
  for (const row of r.rows) out.set(tables[row.i]!.pg, { empty: !row.nonempty, maxKey: row.max_key, rows: row.rows });
  return out;
}

/** A temporary copy of the mirror table's shape for these columns, dropped at commit. */
export async function createStage(c: pg.ClientBase, table: string, columns: readonly string[]): Promise<string> {
  const stage = `_stage_${table}`;
  await c.query(`DROP TABLE IF EXISTS ${quotePg(stage)}`);
  // Wide rows stay uncompressed in the stage as in the mirror (see the migration's toast_tuple_target).
  await c.query(`CREATE TEMP TABLE ${quotePg(stage)} WITH (toast_tuple_target = 8160) ON COMMIT DROP AS SELECT ${list(columns)} FROM ${quotePg(table)} WITH NO DATA`);
  return stage;
}

/** A temporary one-column table of keys (bigint), dropped at commit. */
export async function createKeyStage(c: pg.ClientBase, name: string): Promise<string> {
  const stage = `_stage_${name}`;
  await c.query(`DROP TABLE IF EXISTS ${quotePg(stage)}`);
  await c.query(`CREATE TEMP TABLE ${quotePg(stage)} (id bigint) ON COMMIT DROP`);
  return stage;
}

/** A COPY ... FROM STDIN in progress: write COPY text chunks, then end (or abort on failure). */
export interface CopySink {
  write(chunk: string): Promise<void>;
  end(): Promise<number>;
  abort(err: Error): Promise<void>;
}

export function openCopy(c: pg.ClientBase, table: string, columns: readonly string[]): CopySink {
  const stream = c.query(copyFrom(`COPY ${quotePg(table)} (${list(columns)}) FROM STDIN`));
  let failure: Error | undefined;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (err) => ((failure = err), reject(err)));
  });
  done.catch(() => undefined);
  return {
    async write(chunk) {
      if (failure) throw failure;
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
    },
    async end() {
      stream.end();
      await done;
      return stream.rowCount;
    },
    async abort(err) {
      stream.destroy(err);
      await done.catch(() => undefined);
    },
  };
}

/**
 * The web's invoice_print = 1 survives a merge while its write-back to Entegra has not provably
 * landed before the SQLite rows were read: an outbox event of that order is still open (pending,
 * enqueued, failed) or was settled after `readStartedAt`. Entegra's value wins otherwise, so a reset
 * made in Entegra after the write-back still reaches the web.
 */
export interface InvoicePrintGuard {
  column: string;
  readStartedAt: Date;
}

export interface UpsertOptions {
  table: string;
  stage: string;
  key: string;
  columns: readonly string[];
  guard?: InvoicePrintGuard;
}

/** Inserts new rows and updates changed ones (IS DISTINCT FROM); returns rows written. */
export async function mergeUpsert(c: pg.ClientBase, o: UpsertOptions): Promise<number> {
  const rest = o.columns.filter((col) => col !== o.key);
  const params: unknown[] = [];
  const value = (col: string): string => {
    if (o.guard && col === o.guard.column) {
      params.push(o.guard.readStartedAt);
      const g = quotePg(o.guard.column);
      return `CASE WHEN t.${g} = 1 AND EXCLUDED.${g} IS DISTINCT FROM 1 AND EXISTS (
        SELECT 1 FROM sync_outbox ob WHERE ob.table_name = '${o.table.replace(/'/g, "''")}' AND ob.record_id = t.${quotePg(o.key)}::text
           AND (ob.status <> 'done' OR ob.processed_at >= $${params.length}::timestamptz)) THEN t.${g} ELSE EXCLUDED.${g} END`;
    }
    return `EXCLUDED.${quotePg(col)}`;
  };
  if (o.guard) {
    // Lock the rows this merge may update first: a web update committed while the merge runs would
    // otherwise be seen by the row (latest version) but not by the guard's outbox look-up (snapshot).
    await c.query(`SELECT 1 FROM ${quotePg(o.table)} t JOIN ${quotePg(o.stage)} s USING (${quotePg(o.key)}) FOR UPDATE OF t`);
  }
  const action = rest.length
    ? `DO UPDATE SET ${rest.map((col) => `${quotePg(col)} = ${value(col)}`).join(', ')}
       WHERE (${list(rest, 't.')}) IS DISTINCT FROM (${rest.map(value).join(', ')})`
    : 'DO NOTHING';
  const r = await c.query(
    `INSERT INTO ${quotePg(o.table)} AS t (${list(o.columns)}) SELECT ${list(o.columns)} FROM ${quotePg(o.stage)} ON CONFLICT (${quotePg(o.key)}) ${action}`,
    params,
  );
  return r.rowCount ?? 0;
}

/**
 * Removes from the stage the rows the mirror already has exactly: the upsert then neither locks
 * nor rewrites them (ON CONFLICT DO UPDATE locks every conflicting row, even one it leaves alone).
 * Run after the deletions, which need every staged key.
 */
export async function pruneUnchanged(c: pg.ClientBase, o: { table: string; stage: string; key: string; columns: readonly string[] }): Promise<number> {
  const k = quotePg(o.key);
  const r = await c.query(
    `DELETE FROM ${quotePg(o.stage)} s USING ${quotePg(o.table)} t WHERE t.${k} = s.${k} AND (${list(o.columns, 't.')}) IS NOT DISTINCT FROM (${list(o.columns, 's.')})`,
  );
  return r.rowCount ?? 0;
}

/** Deletes mirror rows whose key is not in the stage (a whole-table read). */
export async function deleteMissing(c: pg.ClientBase, table: string, stage: string, key: string): Promise<number> {
  const k = quotePg(key);
  const r = await c.query(`DELETE FROM ${quotePg(table)} t WHERE NOT EXISTS (SELECT 1 FROM ${quotePg(stage)} s WHERE s.${k} = t.${k})`);
  return r.rowCount ?? 0;
}

/**
 * Deletes the rows of the orders in `scopeKeys` that are not in `stage` any more (lines removed
 * from an order that was re-read this run).
 */
export async function deleteMissingInScope(
  c: pg.ClientBase,
  o: { table: string; stage: string; key: string; scopeColumn: string; scopeKeys: readonly number[] },
): Promise<number> {
  if (!o.scopeKeys.length) return 0;
  const k = quotePg(o.key);
  const r = await c.query(
    `DELETE FROM ${quotePg(o.table)} t WHERE t.${quotePg(o.scopeColumn)} = ANY($1::bigint[])
        AND NOT EXISTS (SELECT 1 FROM ${quotePg(o.stage)} s WHERE s.${k} = t.${k})`,
    [o.scopeKeys],
  );
  return r.rowCount ?? 0;
}

/** Replaces the whole mirror table by the stage (tables without a key). */
export async function replaceAll(c: pg.ClientBase, table: string, stage: string, columns: readonly string[]): Promise<number> {
  await c.query(`DELETE FROM ${quotePg(table)}`);
  const r = await c.query(`INSERT INTO ${quotePg(table)} (${list(columns)}) SELECT ${list(columns)} FROM ${quotePg(stage)}`);
  return r.rowCount ?? 0;
}
