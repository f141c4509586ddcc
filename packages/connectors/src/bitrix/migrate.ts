/**
 * When the `bitrix` schema lives in a database of its own (BITRIX_DATABASE_URL), the bitrix
 * migrations (db/migrations/*_bitrix-*.sql) run there too, with a history table of their own.
 * In the web database they run with every other migration (`mikrosync migrate`).
 */
import type { Logger } from '@mikrosync/core';
import { MIGRATIONS_DIR } from '../web/migrate.js';

export async function migrateBitrixDatabase(url: string, log: Logger): Promise<string[]> {
  // Loaded on use: only the migrate step needs it, not every worker process (about 18 MB of RSS).
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl: url,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'mikrosync_bitrix_migrations',
    // node-pg-migrate ignores files matching ^pattern$: everything but the bitrix migrations.
    ignorePattern: '(?!\\d+_bitrix-).*',
    count: Infinity,
    checkOrder: true,
    verbose: false,
    log: (msg: string) => log.debug({ migration: true }, msg),
    logger: { debug: () => undefined, info: (m: string) => log.debug(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) },
  });
  if (applied.length) log.info({ applied: applied.map((m) => m.name) }, 'bitrix database migrated');
  return applied.map((m) => m.name);
}
