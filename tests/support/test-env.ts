/**
 * One isolated environment per test file: fresh web and ERP databases cloned from the templates,
 * and a Redis key prefix of its own. `env` is what a mikrosync process of this test gets.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger, loadConfig, type Config, type Logger } from '@mikrosync/core';
import { readFile } from 'node:fs/promises';
import {
  createMssqlErpClient,
  createPgErpClient,
  DEV_SQL,
  dropDatabase,
  ensureDatabase,
  setupErpOwnTables,
  type ErpClient,
  type MssqlErpOptions,
} from '@mikrosync/connectors';
import { dbUrl, TEMPLATE_ERP, TEMPLATE_WEB, TEST_REDIS_URL } from './env.js';

export interface TestEnv {
  name: string;
  env: Record<string, string>;
  config: Config;
  log: Logger;
  web: pg.Pool;
  erp: ErpClient;
  /** Raw SQL against the ERP stand-in, for seeding and assertions. */
  erpSql: pg.Pool;
  cleanup(): Promise<void>;
}

export const FAST_TIMINGS: Record<string, string> = {
  OUTBOX_DEBOUNCE_MS: '50',
  OUTBOX_DOCUMENT_DEBOUNCE_MS: '300',
  OUTBOX_SWEEP_INTERVAL_MS: '500',
  OUTBOX_RECHECK_AFTER_MS: '2000',
  RETRY_BACKOFF_MS: '100',
  STALLED_INTERVAL_MS: '1000',
  JOB_LOCK_DURATION_MS: '3000',
  SHUTDOWN_TIMEOUT_MS: '5000',
  HTTP_PORT: '0',
  LOG_LEVEL: 'warn',
  // No wall-clock schedules in a test fleet: a catalog sync or feed run starting because a test
  // crossed a quarter hour would change what the test sees. Tests of schedules set them.
  SCHEDULE_CATALOG: '',
  SCHEDULE_ENTEGRA: '',
  SCHEDULE_STOCK_XML: '',
  SCHEDULE_BITRIX: '',
};

/** Suites that can run against a real SQL Server set TEST_ERP_DIALECT=mssql (see README). */
export const ERP_UNDER_TEST = process.env.TEST_ERP_DIALECT === 'mssql' ? 'mssql' : 'pg';

function mssqlOptions(database: string): MssqlErpOptions {
  return {
    server: process.env.TEST_MSSQL_SERVER ?? '127.0.0.1',
    port: Number(process.env.TEST_MSSQL_PORT ?? 1433),
    database,
    user: process.env.TEST_MSSQL_USER ?? 'sa',
    password: process.env.TEST_MSSQL_PASSWORD,
    encrypt: false,
    trustServerCertificate: true,
    poolMax: 4,
    requestTimeoutMs: 30_000,
    lockTimeoutMs: 10_000,
  };
}

/** A fresh Mikro database on the SQL Server under test: the Mikro tables and our ledger. */
async function createMssqlErp(name: string): Promise<{ erp: ErpClient; env: Record<string, string>; drop(): Promise<void> }> {
  const master = createMssqlErpClient(mssqlOptions('master'));
  await master.executeScript(`CREATE DATABASE [${name}]`);
  const erp = createMssqlErpClient(mssqlOptions(name));
  await erp.executeScript(await readFile(DEV_SQL.mikroTablesMssql, 'utf8'));
  await setupErpOwnTables(erp);
  const o = mssqlOptions(name);
  return {
    erp,
    env: { ERP_DIALECT: 'mssql', MSSQL_SERVER: o.server, MSSQL_PORT: String(o.port), MSSQL_DATABASE: name, MSSQL_USER: o.user ?? 'sa', MSSQL_PASSWORD: o.password ?? '' },
    async drop() {
      await master.executeScript(`ALTER DATABASE [${name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [${name}]`).catch(() => undefined);
      await master.close();
    },
  };
}

export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const name = `mst_${randomBytes(4).toString('hex')}`;
  const webUrl = dbUrl(`${name}_web`);
  const erpUrl = dbUrl(`${name}_erp`);
  await ensureDatabase(webUrl, { template: TEMPLATE_WEB });
  await ensureDatabase(erpUrl, { template: TEMPLATE_ERP });
  const mssql = ERP_UNDER_TEST === 'mssql' ? await createMssqlErp(name) : undefined;
  const env: Record<string, string> = {
    WEB_DATABASE_URL: webUrl,
    ERP_DIALECT: 'pg',
    ERP_DATABASE_URL: erpUrl,
    ...(mssql?.env ?? {}),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: name,
    ...FAST_TIMINGS,
    ...overrides,
  };
  const config = loadConfig(env);
  const log = createLogger({ level: env.LOG_LEVEL ?? 'warn', name });
  const web = new pg.Pool({ connectionString: webUrl, max: 4 });
  // Dropping the databases at clean-up terminates idle connections: not an error of the test.
  web.on('error', () => undefined);
  // Mikro datetimes are naive local times: read them as text, as the ERP connector does.
  const erpSql = new pg.Pool({
    connectionString: erpUrl,
    max: 4,
    types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === pg.types.builtins.TIMESTAMP ? (v: string) => v : pg.types.getTypeParser(oid, format ?? 'text')) },
  });
  erpSql.on('error', () => undefined);
  const erp = mssql?.erp ?? createPgErpClient({ url: erpUrl, poolMax: 4, requestTimeoutMs: 30_000, lockTimeoutMs: 10_000 });
  return {
    name,
    env,
    config,
    log,
    web,
    erp,
    erpSql,
    async cleanup() {
      await Promise.allSettled([web.end(), erpSql.end(), erp.close()]);
      const { createRedis } = await import('@mikrosync/connectors');
      const redis = createRedis({ url: TEST_REDIS_URL });
      const keys = await redis.keys(`${name}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await dropDatabase(webUrl).catch(() => undefined);
      await dropDatabase(erpUrl).catch(() => undefined);
      await mssql?.drop();
    },
  };
}

/**
 * The outbox events of a record once none is pending or enqueued. A worker settles them after its
 * own commit (and after storing a dead letter), so a test that saw the ERP rows, the mapping or the
 * dead letter waits here before reading the outbox.
 */
export function settledOutbox(web: pg.Pool, recordId: string, timeoutMs = 20_000): Promise<{ status: string; last_error: string | null }[]> {
  return waitFor(
    `outbox events of ${recordId} settled`,
    async () => {
      const rows = (await web.query<{ status: string; last_error: string | null }>('SELECT status, last_error FROM sync_outbox WHERE record_id = $1 ORDER BY id', [recordId])).rows;
      return rows.length > 0 && rows.every((r) => r.status === 'done' || r.status === 'failed') ? rows : undefined;
    },
    timeoutMs,
  );
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false | null | 0>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
