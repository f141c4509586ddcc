/**
 * How a batch of rows reaches PostgreSQL as ONE statement (docs/architecture.md rule 8), two ways:
 * - `unnest`: one array parameter per column — `unnest($1::text[], $2::int[]) AS u(a, b)`; a batch
 *   of any size uses as many bind parameters as it has columns, far under the 65,535 limit;
 * - `copy`: COPY the rows into a session temp table (ON COMMIT DELETE ROWS) and read it as `u`.
 * Either way the merge statement that follows is the same text with `u` as its source.
 * bench/catalog.bench.ts measures both; CATALOG_WRITE_METHOD picks one (docs/flows/catalog.md).
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { withSyncTransaction, type WebPool } from './pool.js';

export type PgType = 'text' | 'int' | 'bigint' | 'numeric' | 'bool' | 'timestamp' | 'date' | 'uuid';
export type WriteMethod = 'unnest' | 'copy';

export interface ColumnSpec {
  readonly name: string;
  readonly type: PgType;
}

export interface BatchShape {
  /** Short name, also the temp table's suffix. */
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
}

type TsOf<T extends PgType> = T extends 'int' | 'bigint' | 'numeric' ? number : T extends 'bool' ? boolean : string;
/** The row type a shape accepts, derived from its column list. */
export type RowOf<S extends BatchShape> = { [C in S['columns'][number] as C['name']]: TsOf<C['type']> | null };

const SQL_TYPE: Record<PgType, string> = {
  text: 'text',
  int: 'integer',
  bigint: 'bigint',
  numeric: 'numeric',
  bool: 'boolean',
  timestamp: 'timestamp(3)',
  date: 'date',
  uuid: 'uuid',
};

export interface BatchSource {
  /** `unnest(...) AS u(...)` or `pg_temp.<table> AS u`, to put after FROM. */
  from: string;
  params: unknown[];
}

const prepared = new WeakMap<pg.PoolClient, Set<string>>();

/**
 * Prepares the batch as a source named `u` for the next statement. `firstParam` is the number of
 * the first bind parameter the source may use (statements put their own parameters first).
 */
export async function batchSource<S extends BatchShape>(
  client: pg.PoolClient,
  shape: S,
  rows: readonly RowOf<S>[],
  method: WriteMethod,
  firstParam = 1,
): Promise<BatchSource> {
  const names = shape.columns.map((c) => c.name);
  if (method === 'unnest') {
    const arrays = shape.columns.map((c) => rows.map((r) => (r as Record<string, unknown>)[c.name] ?? null));
    const args = shape.columns.map((c, i) => `$${firstParam + i}::${SQL_TYPE[c.type]}[]`);
    return { from: `unnest(${args.join(', ')}) AS u(${names.join(', ')})`, params: arrays };
  }
  const table = `mikrosync_stage_${shape.name}`;
  let done = prepared.get(client);
  if (!done) prepared.set(client, (done = new Set()));
  if (!done.has(table)) {
    const cols = shape.columns.map((c) => `${c.name} ${SQL_TYPE[c.type]}`).join(', ');
    await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${table} (${cols}) ON COMMIT DELETE ROWS`);
    done.add(table);
  }
  const text = rows.map((r) => shape.columns.map((c) => copyValue((r as Record<string, unknown>)[c.name])).join('\t')).join('\n');
  const stream = client.query(copyFrom(`COPY ${table} (${names.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(text ? [`${text}\n`] : []), stream);
  return { from: `pg_temp.${table} AS u`, params: [] };
}

/** One value in COPY's text format. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * Runs one merge statement over a batch: `lead` are the statement's own parameters ($1..), the
 * batch follows them; `build` receives the source text to put after FROM. Returns the first row.
 */
export async function mergeBatch<S extends BatchShape, R = Record<string, unknown>>(
  client: pg.PoolClient,
  shape: S,
  rows: readonly RowOf<S>[],
  method: WriteMethod,
  lead: unknown[],
  build: (from: string) => string,
): Promise<R> {
  const src = await batchSource(client, shape, rows, method, lead.length + 1);
  const res = await client.query(build(src.from), [...lead, ...src.params]);
  return res.rows[0] as R;
}

/** Options every catalog writer takes. */
export interface WriteOptions {
  method: WriteMethod;
  /** Zone of Mikro's naive datetimes (Europe/Istanbul). */
  timeZone: string;
}

/**
 * A catalog write transaction: marked as the sync's own (no capture trigger fires) and committed
 * without waiting for the WAL flush. That is safe here because every batch commits its rows and
 * its watermark together: a commit lost in a database crash loses both, and the next run reads
 * those rows again from the ERP. It spares one disk flush per batch.
 */
export function catalogTransaction<T>(pool: WebPool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withSyncTransaction(pool, async (client) => {
    await client.query('SET LOCAL synchronous_commit TO off');
    return fn(client);
  });
}
