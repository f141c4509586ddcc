/**
 * Migrations of what we own in the web database, through node-pg-migrate (SQL files in
 * db/migrations, history in `mikrosync_migrations`). Capture triggers are attached afterwards for
 * every captured table that exists.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';
import { CAPTURE_SOURCES, type Logger } from '@mikrosync/core';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../db/migrations');

export async function migrateWeb(url: string, log: Logger): Promise<string[]> {
  // Loaded on use: only the migrate step needs it, not every worker process (about 18 MB of RSS).
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl: url,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'mikrosync_migrations',
    count: Infinity,
    checkOrder: true,
    verbose: false,
    log: (msg: string) => log.debug({ migration: true }, msg),
    logger: { debug: () => undefined, info: (m: string) => log.debug(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) },
  });
  const attached = await attachCaptureTriggers(url);
  log.info({ applied: applied.map((m) => m.name), captureTriggers: attached }, 'web database migrated');
  return applied.map((m) => m.name);
}

/** Attaches the one generic capture trigger to every captured table that exists (idempotent). */
export async function attachCaptureTriggers(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const attached: string[] = [];
    for (const s of CAPTURE_SOURCES) {
      const res = await client.query<{ ok: boolean }>('SELECT mikrosync_attach_capture($1, $2) AS ok', [s.table, s.keyColumn ?? 'id']);
      if (res.rows[0]?.ok) attached.push(s.table);
    }
    return attached;
  } finally {
    await client.end();
  }
}
