/** The web (Supabase) PostgreSQL database. */
import pg from 'pg';
import type { Config } from '@mikrosync/core';

export type WebPool = pg.Pool;

// `date` columns stay calendar dates ('YYYY-MM-DD'): turning them into JS Dates at local midnight
// would move them across a day boundary in some time zones.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.DATE) return (v: string) => v;
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};

export function createWebPool(web: Config['web'], applicationName = 'mikrosync'): WebPool {
  const pool = new pg.Pool({
    connectionString: web.url,
    max: web.poolMax,
    application_name: applicationName,
    statement_timeout: 120_000,
    keepAlive: true,
    ssl: web.ssl ? { rejectUnauthorized: false } : undefined,
    types,
  });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  // A client checked out (in a transaction) when the server goes away emits 'error' outside any
  // query; unhandled, that would end the process. The error surfaces on its next query instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** A value the one-round-trip calls below inline into their text. */
export type WebSqlValue = string | number | boolean | null | undefined | readonly string[];

/**
 * `text` with its `$n` placeholders replaced by escaped literals. The simple query protocol, the
 * only one that runs several statements in one round trip, takes no parameters.
 */
export function inlineParams(text: string, values: readonly WebSqlValue[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= values.length) throw new Error(`statement names $${n} but has ${values.length} values`);
    const v = values[i];
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return `ARRAY[${v.map((x: string) => pg.escapeLiteral(x)).join(', ')}]::text[]`;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`statement value $${n} is not a finite number: ${v}`);
      return String(v);
    }
    return pg.escapeLiteral(v as string);
  });
}

/**
 * Runs statements (already inlined) in one round trip. PostgreSQL runs the statements of one simple
 * query as one implicit transaction: all of them commit, or none. Each statement sees the ones before
 * it; a read batch therefore reads the outbox first and the document after it.
 */
export async function batch(pool: WebPool, statements: string[]): Promise<pg.QueryResult[]> {
  const res = (await pool.query(statements.join(';\n'))) as pg.QueryResult | pg.QueryResult[];
  return [res].flat();
}

/**
 * A write batch marked as the sync's own (see withSyncTransaction), in one round trip: the mark is
 * local to the batch's implicit transaction, so the capture triggers skip every statement of it.
 */
export async function syncWriteBatch(pool: WebPool, statements: string[]): Promise<pg.QueryResult[]> {
  const [, ...results] = await batch(pool, ["SELECT set_config('mikrosync.origin', 'sync', true)", ...statements]);
  return results;
}

/**
 * Runs `fn` in a web transaction marked as the sync's own write: the capture triggers see the
 * transaction-local setting and write no outbox row, so our writes never come back as jobs.
 */
export async function withSyncTransaction<T>(pool: WebPool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN; SELECT set_config('mikrosync.origin', 'sync', true)");
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
