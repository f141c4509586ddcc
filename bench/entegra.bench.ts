/**
 * Benchmark of the Entegra mirror on this machine (real PostgreSQL, a generated db.s3db with the
 * real layouts and the production volumes of spec entegra.md 12: ~65k orders, ~78k lines, ~200k
 * rows in all):
 *  1. first mirror into empty tables: seconds and rows/s (goal <= 10 s; the original took 276 s);
 *  2. a run without changes (same day: 3-day window) in ms (goal <= 0.5 s), and the first run of a day;
 *  3. product_quantity refresh (every quantity changed) in ms, inside a whole run and on its own;
 *  4. peak memory (RSS) of this process during the runs, and CPU time of this process and of its
 *     PostgreSQL backends (wall times depend on what else the machine runs; CPU much less);
 *  5. baseline in the same process: row-by-row upsert vs the original's multi-row VALUES batches
 *     vs COPY + one merge (ours), on the same sample of orders.
 *
 *   npm run bench:entegra [-- --scale 0.25 --sample 5000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createLogger, loadConfig } from '@mikrosync/core';
import { createStage, createWebPool, DEV_SQL, ensureDatabase, mergeUpsert, migrateWeb, openCopy, runSqlFile, withSyncTransaction, deleteMissing, quotePg } from '@mikrosync/connectors';
import { encoderFor, mirrorTable, rowEncoder } from '@mikrosync/mappers';
import { runEntegraSync } from '../apps/workers/src/domains/entegra/sync.js';
import { createEntegraDb, PRODUCTION_COUNTS } from '../tests/support/entegra-fixture.js';

const { values: args } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, sample: { type: 'string', default: '5000' }, generate: { type: 'string' } },
});
const scale = Number(args.scale);
const counts = {
  ...PRODUCTION_COUNTS,
  order: Math.round(PRODUCTION_COUNTS.order * scale),
  product: Math.round(PRODUCTION_COUNTS.product * scale),
  messages: Math.round(PRODUCTION_COUNTS.messages * scale),
};

// Child mode: generate the file in its own process, so the measured process starts clean.
if (args.generate) {
  const fx = createEntegraDb({ path: args.generate, counts, now: new Date('2026-05-14T09:00:00Z'), spanDays: 365 });
  fx.close();
  process.exit(0);
}

const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WEB = Object.assign(new URL(PG), { pathname: '/mikrosync_bench_entegra' }).toString();
const NOW = new Date('2026-05-14T09:00:00Z');
const dir = mkdtempSync(path.join(tmpdir(), 'mikrosync-entegra-bench-'));
const dbPath = path.join(dir, 'db.s3db');

const ms = (t0: number): number => performance.now() - t0;

/** CPU ms of this process and of the bench database's PostgreSQL backends (Linux /proc). */
async function cpuSnapshot(web: ReturnType<typeof createWebPool>): Promise<{ node: number; pg: Map<number, number> }> {
  const pids = (await web.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()')).rows.map((r) => r.pid);
  const pg = new Map<number, number>();
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      pg.set(pid, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      /* not on this machine or gone */
    }
  }
  const u = process.cpuUsage();
  return { node: (u.user + u.system) / 1000, pg };
}
function cpuSince(a: { node: number; pg: Map<number, number> }, b: { node: number; pg: Map<number, number> }): { node: number; pg: number } {
  let pg = 0;
  for (const [pid, v] of b.pg) pg += v - (a.pg.get(pid) ?? 0);
  return { node: Math.round(b.node - a.node), pg };
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

async function main(): Promise<void> {
  const loadBefore = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  let t0 = performance.now();
  const gen = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'bench/entegra.bench.ts', '--scale', String(scale), '--generate', dbPath], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('fixture generation failed');
  const sqlite = new Database(dbPath, { readonly: true });
  const tables = ['order', 'order_status', 'order_product', 'pictures', 'product_quantity', 'product_prices', 'product', 'product_info', 'messages', 'message_template', 'customer', 'brand', 'category', 'category2', 'product_description'];
  const rows = tables.map((t) => Number(sqlite.prepare(`SELECT count(*) FROM "${t}"`).pluck().get())).reduce((a, b) => a + b, 0);
  sqlite.close();
  console.log(`generated ${dbPath}: ${rows} rows, ${(statSync(dbPath).size / 1e6).toFixed(0)} MB in ${(ms(t0) / 1000).toFixed(1)} s`);

  await ensureDatabase(WEB, { recreate: true });
  await runSqlFile(WEB, DEV_SQL.webAppTables);
  await migrateWeb(WEB, createLogger({ level: 'warn' }));
  const config = loadConfig({ WEB_DATABASE_URL: WEB, ERP_DIALECT: 'pg', ERP_DATABASE_URL: PG, ENTEGRA_DB_PATH: dbPath, LOG_LEVEL: 'warn', WEB_DB_POOL_MAX: '4' });
  const log = createLogger({ level: 'warn' });
  const web = createWebPool(config.web);
  const sync = (now: Date) => runEntegraSync({ config, log, web }, { now });

  await web.query('SELECT 1');
  peakRss = process.memoryUsage().rss;
  let cpu0 = await cpuSnapshot(web);
  t0 = performance.now();
  const first = await sync(NOW);
  const fullMs = ms(t0);
  const fullCpu = cpuSince(cpu0, await cpuSnapshot(web));
  const fullPeak = peakRss;
  console.log(first.summary);

  const sameDay: number[] = [];
  cpu0 = await cpuSnapshot(web);
  for (let i = 1; i <= 7; i++) {
    t0 = performance.now();
    await sync(new Date(NOW.getTime() + i * 60_000));
    sameDay.push(ms(t0));
  }
  const sameDayCpu = cpuSince(cpu0, await cpuSnapshot(web));
  t0 = performance.now();
  await sync(new Date(NOW.getTime() + 86_400_000)); // first run of the next day: 1-month window
  const firstOfDay = ms(t0);

  // product_quantity: every quantity changes between runs.
  const rw = new Database(dbPath);
  const inRun: number[] = [];
  for (let i = 1; i <= 3; i++) {
    rw.prepare('UPDATE product_quantity SET quantity = quantity + 1').run();
    t0 = performance.now();
    await sync(new Date(NOW.getTime() + 86_400_000 + i * 60_000));
    inRun.push(ms(t0));
  }
  rw.close();
  const pq = await refreshQuantityAlone(web, dbPath);
  const baseline = await compareWritePaths(web, dbPath, Number(args.sample));
  clearInterval(sampler);
  await web.end();
  rmSync(dir, { recursive: true, force: true });

  const rowsPerS = Math.round(rows / (fullMs / 1000));
  console.log(`\nEntegra mirror benchmark (load average before: ${loadBefore}, after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${os.cpus().length} CPUs)`);
  console.table({
    'first mirror (s)': { value: +(fullMs / 1000).toFixed(2), goal: '<= 10 (original 276 s)' },
    'first mirror (rows/s)': { value: rowsPerS, goal: '' },
    'first mirror CPU: node / postgres (s)': { value: `${(fullCpu.node / 1000).toFixed(1)} / ${(fullCpu.pg / 1000).toFixed(1)}`, goal: '' },
    'no-change run, same day (ms, median / best of 7)': { value: `${Math.round(median(sameDay))} / ${Math.round(Math.min(...sameDay))}`, goal: '<= 500' },
    'no-change run CPU: node / postgres (ms per run)': { value: `${Math.round(sameDayCpu.node / 7)} / ${Math.round(sameDayCpu.pg / 7)}`, goal: '' },
    'no-change run, first of the day (ms)': { value: Math.round(firstOfDay), goal: '' },
    'run with all quantities changed (ms, median of 3)': { value: Math.round(median(inRun)), goal: '' },
    'product_quantity refresh alone (ms, median of 5)': { value: Math.round(pq), goal: '' },
    'peak RSS during first mirror (MB)': { value: Math.round(fullPeak / 1e6), goal: '' },
    'peak RSS overall (MB)': { value: Math.round(peakRss / 1e6), goal: '' },
  });
  console.log(`\nWrite paths on ${baseline.rows} orders x ${baseline.columns} columns (upsert into a filled table, every row changed):`);
  console.table({
    'row by row (INSERT .. ON CONFLICT per row)': { ms: Math.round(baseline.rowByRow), 'rows/s': Math.round(baseline.rows / (baseline.rowByRow / 1000)) },
    "original: multi-row VALUES, 389 rows per statement": { ms: Math.round(baseline.batched), 'rows/s': Math.round(baseline.rows / (baseline.batched / 1000)) },
    'mikrosync: COPY into staging + one merge': { ms: Math.round(baseline.copy), 'rows/s': Math.round(baseline.rows / (baseline.copy / 1000)) },
  });
  console.log(`ratio: COPY + merge is ${(baseline.rowByRow / baseline.copy).toFixed(1)}x faster than row by row, ${(baseline.batched / baseline.copy).toFixed(1)}x faster than the original's batches`);
}

/** The product_quantity refresh on its own: COPY into staging, upsert changed rows, delete missing, one transaction. */
async function refreshQuantityAlone(web: ReturnType<typeof createWebPool>, file: string): Promise<number> {
  const t = mirrorTable('product_quantity');
  const columns = t.spec.columns.map((c) => ({ name: c.name, pgType: c.pgType! }));
  const db = new Database(file);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    db.prepare('UPDATE product_quantity SET quantity = quantity + 1').run();
    const t0 = performance.now();
    const rows = db.prepare(`SELECT ${columns.map((c) => `"${c.name}"`).join(', ')} FROM product_quantity ORDER BY rowid`).raw(true).all() as unknown[][];
    const encode = rowEncoder({ table: t.sqlite, source: file, columns, keyIndex: 0 });
    await withSyncTransaction(web, async (c) => {
      const stage = await createStage(c, t.pg, columns.map((x) => x.name));
      const sink = openCopy(c, stage, columns.map((x) => x.name));
      await sink.write(rows.map(encode).join(''));
      await sink.end();
      await mergeUpsert(c, { table: t.pg, stage, key: 'id', columns: columns.map((x) => x.name) });
      await deleteMissing(c, t.pg, stage, 'id');
    });
    times.push(performance.now() - t0);
  }
  db.close();
  return median(times);
}

/** Same sample, three ways of writing it into a filled entegra_order copy. */
async function compareWritePaths(web: ReturnType<typeof createWebPool>, file: string, sample: number) {
  const t = mirrorTable('order');
  const columns = t.spec.columns.filter((c) => c.sqliteType).map((c) => ({ name: c.name, pgType: c.pgType! }));
  const names = columns.map((c) => c.name);
  const db = new Database(file, { readonly: true });
  const rows = db.prepare(`SELECT ${names.map((n) => `"${n}"`).join(', ')} FROM "order" ORDER BY id LIMIT ?`).raw(true).all(sample) as unknown[][];
  db.close();
  const encoders = columns.map((c) => encoderFor(c.pgType));
  // Parameter values as the original sent them (text for pg to parse), every row changed (+1 on total).
  const values = rows.map((r) => r.map((v, i) => (names[i] === 'total' ? Number(v ?? 0) + 1 : v)).map((v, i) => {
    const s = encoders[i]!(v);
    return s === '\\N' ? null : s.replace(/\\t/g, '\t').replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\\\/g, '\\');
  }));
  const cols = names.map(quotePg).join(', ');
  const update = names.filter((n) => n !== 'id').map((n) => `${quotePg(n)} = EXCLUDED.${quotePg(n)}`).join(', ');
  const reset = async (): Promise<void> => {
    await web.query('DROP TABLE IF EXISTS bench_order');
    await web.query('CREATE TABLE bench_order (LIKE entegra_order INCLUDING ALL)');
    await web.query(`INSERT INTO bench_order (${cols}) SELECT ${cols} FROM entegra_order ORDER BY id LIMIT ${sample}`);
  };
  const time = async (fn: () => Promise<void>): Promise<number> => {
    await reset();
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const rowByRow = await time(async () => {
    const client = await web.connect();
    try {
      await client.query('BEGIN');
      const text = `INSERT INTO bench_order (${cols}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT ("id") DO UPDATE SET ${update}`;
      for (const v of values) await client.query(text, v);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
  const batched = await time(async () => {
    for (let i = 0; i < values.length; i += 389) {
      const batch = values.slice(i, i + 389);
      const params = batch.flat();
      const tuples = batch.map((_, r) => `(${names.map((__, c) => `$${r * names.length + c + 1}`).join(', ')})`).join(', ');
      await web.query(`INSERT INTO bench_order (${cols}) VALUES ${tuples} ON CONFLICT ("id") DO UPDATE SET ${update}`, params);
    }
  });
  const copy = await time(async () => {
    const encode = rowEncoder({ table: 'order', source: file, columns, keyIndex: 0 });
    const changed = rows.map((r) => r.map((v, i) => (names[i] === 'total' ? Number(v ?? 0) + 1 : v)));
    await withSyncTransaction(web, async (c) => {
      const stage = await createStage(c, 'bench_order', names);
      const sink = openCopy(c, stage, names);
      for (let i = 0; i < changed.length; i += 1000) await sink.write(changed.slice(i, i + 1000).map(encode).join(''));
      await sink.end();
      await mergeUpsert(c, { table: 'bench_order', stage, key: 'id', columns: names });
    });
  });
  await web.query('DROP TABLE IF EXISTS bench_order');
  return { rows: rows.length, columns: names.length, rowByRow, batched, copy };
}

main().catch((err) => {
  clearInterval(sampler);
  console.error(err);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
