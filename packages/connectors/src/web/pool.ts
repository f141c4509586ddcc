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
