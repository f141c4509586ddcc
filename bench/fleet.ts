/**
 * Shared pieces of the fleet benchmarks: fresh bench databases with demo master data, mikrosync
 * processes, peak memory from /proc, and observing ERP commits through our ledger table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createLogger } from '@mikrosync/core';
import { createPgErpClient, DEV_SQL, ensureDatabase, migrateWeb, runSqlFile, setupErpOwnTables } from '@mikrosync/connectors';

const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = (db: string) => Object.assign(new URL(PG), { pathname: `/${db}` }).toString();
export const BENCH_WEB = url('mikrosync_bench_web');
export const BENCH_ERP = url('mikrosync_bench_erp');

export function benchEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    WEB_DATABASE_URL: BENCH_WEB,
    ERP_DIALECT: 'pg',
    ERP_DATABASE_URL: BENCH_ERP,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `mikrosync-bench-${process.pid}-${Date.now()}`,
    LOG_LEVEL: 'warn',
    WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '4',
    WEB_DB_POOL_MAX: '20',
    ERP_POOL_MAX: '20',
    HTTP_PORT: '0',
    ...extra,
  };
}

export interface BenchDb {
  web: pg.Pool;
  erp: pg.Pool;
  account: string;
  kasa: string;
  close(): Promise<void>;
}

/** Recreates the bench databases with the web app's tables, the Mikro stand-in and demo master data. */
export async function freshDatabases(): Promise<BenchDb> {
  await ensureDatabase(BENCH_WEB, { recreate: true });
  await ensureDatabase(BENCH_ERP, { recreate: true });
  await runSqlFile(BENCH_WEB, DEV_SQL.webAppTables);
  await runSqlFile(BENCH_ERP, DEV_SQL.mikroTablesPg);
  await migrateWeb(BENCH_WEB, createLogger({ level: 'warn' }));
  const client = createPgErpClient({ url: BENCH_ERP, poolMax: 1, requestTimeoutMs: 30_000, lockTimeoutMs: 10_000 });
  await setupErpOwnTables(client);
  await client.close();
  await runSqlFile(BENCH_ERP, DEV_SQL.demoErp);
  const web = new pg.Pool({ connectionString: BENCH_WEB, max: 8 });
  const erp = new pg.Pool({ connectionString: BENCH_ERP, max: 2 });
  await web.query(readFileSync(DEV_SQL.demoWeb, 'utf8').split('INSERT INTO tahsilatlar')[0]!);
  const account = (await web.query(`SELECT id FROM cari_hesaplar WHERE cari_kodu = 'SERHAN'`)).rows[0].id as string;
  const kasa = (await web.query(`SELECT id FROM kasalar WHERE kasa_kodu = '001'`)).rows[0].id as string;
  return { web, erp, account, kasa, close: async () => void (await Promise.all([web.end(), erp.end()])) };
}

/** One sale with 5 lines (stock ids taken in turn) in one web transaction, as the web app writes it. */
export async function insertSale(web: pg.Pool, account: string, stocks: string[], saleNo: string): Promise<string> {
  const c = await web.connect();
  try {
    await c.query('BEGIN');
    const id = (await c.query(
      `INSERT INTO satislar (satis_no, cari_hesap_id, odeme_sekli, toplam_tutar, ara_toplam) VALUES ($1, $2, 'acik_hesap', 60, 50) RETURNING id`,
      [saleNo, account],
    )).rows[0].id as string;
    const lines = Array.from({ length: 5 }, (_, n) => stocks[n % stocks.length]);
    await c.query(
      `INSERT INTO satis_kalemleri (satis_id, stok_id, miktar, birim_fiyat, toplam_tutar, kdv_orani, sira_no)
       SELECT $1, s, 2, 5, 10, 20, n FROM unnest($2::uuid[]) WITH ORDINALITY AS x(s, n)`,
      [id, lines],
    );
    await c.query('COMMIT');
    return id;
  } finally {
    c.release();
  }
}

export function cli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/producer/src/cli.ts', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM'))))));
}

/** Peak resident memory of the given processes (largest single process), sampled every 200 ms. */
export function watchMemory(children: ChildProcess[]): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    for (const c of children) {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb * 1024);
      } catch {
        /* exited */
      }
    }
  }, 200);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** Waits until n documents are in the ERP ledger; returns the time the first one was seen. */
export async function waitForLedger(erp: pg.Pool, n: number, timeoutMs: number, seen?: Map<string, number>): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let lastId = 0;
  let count = 0;
  let first = NaN;
  while (count < n) {
    if (Date.now() > deadline) throw new Error(`only ${count}/${n} posted in time`);
    const r = await erp.query('SELECT ldg_id, ldg_web_id FROM "MIKROSYNC_LEDGER" WHERE ldg_id > $1 ORDER BY ldg_id', [lastId]);
    const now = Date.now();
    if (r.rows.length && Number.isNaN(first)) first = now;
    for (const row of r.rows) {
      lastId = row.ldg_id;
      count++;
      seen?.set(row.ldg_web_id, now);
    }
    await new Promise((res) => setTimeout(res, 10));
  }
  return first;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
export const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
