/** Shared set-up of the Entegra suites: a temporary db.s3db and a test environment pointing at it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { TaskResult } from '@mikrosync/core';
import { runEntegraSync, type EntegraSyncOptions } from '../../apps/workers/src/domains/entegra/sync.js';
import { createTestEnv, type TestEnv } from './test-env.js';

export interface EntegraEnv extends TestEnv {
  dir: string;
  dbPath: string;
  sync(opts?: EntegraSyncOptions): Promise<TaskResult>;
}

export async function createEntegraEnv(overrides: Record<string, string> = {}): Promise<EntegraEnv> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mikrosync-entegra-'));
  const dbPath = path.join(dir, 'db.s3db');
  const t = await createTestEnv({ ENTEGRA_DB_PATH: dbPath, ENTEGRA_LOCK_WAIT_MS: '15000', ...overrides });
  return {
    ...t,
    dir,
    dbPath,
    sync: (opts) => runEntegraSync({ config: t.config, log: t.log, web: t.web }, opts),
    async cleanup() {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function count(web: pg.Pool, table: string, where = 'TRUE'): Promise<number> {
  return Number((await web.query(`SELECT count(*) AS n FROM "${table}" WHERE ${where}`)).rows[0].n);
}

/** One row of a mirror table by key, or undefined. */
export async function mirrorRow(web: pg.Pool, table: string, key: string, id: unknown): Promise<Record<string, unknown> | undefined> {
  return (await web.query(`SELECT * FROM "${table}" WHERE "${key}" = $1`, [id])).rows[0];
}

/** The per-table details of the last run (read count, selection) from sync_state. */
export async function lastRead(web: pg.Pool, table: string): Promise<{ read: number; selection: string; mode: string }> {
  const r = await web.query(`SELECT details FROM sync_state WHERE tablo_adi = $1 AND yon = 'erp_to_web'`, [table]);
  return r.rows[0].details;
}

/** A fingerprint of every mirror table (row count and an order-independent hash), to prove "nothing written". */
export async function mirrorFingerprint(web: pg.Pool): Promise<Record<string, string>> {
  const tables = (await web.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'entegra\\_%' ORDER BY 1`)).rows.map((r) => r.table_name as string);
  const out: Record<string, string> = {};
  for (const tbl of tables) {
    const r = await web.query(`SELECT count(*) AS n, coalesce(sum(hashtext(t::text)::bigint), 0) AS h FROM "${tbl}" t`);
    out[tbl] = `${r.rows[0].n}:${r.rows[0].h}`;
  }
  return out;
}
