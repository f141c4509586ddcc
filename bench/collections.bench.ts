/**
 * Benchmark of the collections flow on this machine (real PostgreSQL, Redis, worker processes):
 *  1. web-commit -> ERP-commit latency p50/p95/p99 at a steady 20 collections/s (goal p95 <= 1 s);
 *  2. throughput with 1 and with 2 worker processes (goal >= 200/s with 2), and their ratio;
 *  3. peak memory (RSS) of the worker processes.
 * ERP commits are observed by polling our ledger table every 10 ms.
 *
 *   npm run bench [-- --rate 20 --seconds 15 --count 2000]
 */
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { benchEnv, cli, freshDatabases, mb, percentile as pct, stop, waitForLedger, watchMemory } from './fleet.js';

const { values: args } = parseArgs({
  options: { rate: { type: 'string', default: '20' }, seconds: { type: 'string', default: '15' }, count: { type: 'string', default: '2000' } },
});
const ENV = benchEnv({ OUTBOX_DEBOUNCE_MS: process.env.OUTBOX_DEBOUNCE_MS ?? '300' });
const run = (a: string[]) => cli(a, ENV);

async function insert(web: pg.Pool, account: string, kasa: string, i: number): Promise<string> {
  const r = await web.query(
    `INSERT INTO tahsilatlar (tahsilat_no, cari_hesap_id, tahsilat_tipi, tutar, kasa_id) VALUES ($1, $2, 'nakit', $3, $4) RETURNING id`,
    [`B-${process.pid}-${i}`, account, 10 + (i % 100), kasa],
  );
  return r.rows[0].id as string;
}

async function latencyRun(rate: number, seconds: number) {
  const db = await freshDatabases();
  const children = [run(['producer']), run(['worker', '--domain', 'collections'])];
  const peak = watchMemory(children);
  await new Promise((r) => setTimeout(r, 3000));
  const committedAt = new Map<string, number>();
  const seen = new Map<string, number>();
  const total = rate * seconds;
  const watcher = waitForLedger(db.erp, total, seconds * 1000 + 60_000, seen);
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    void insert(db.web, db.account, db.kasa, i).then((id) => committedAt.set(id, Date.now()));
  }
  await watcher;
  const latencies = [...committedAt].map(([id, t]) => (seen.get(id) ?? NaN) - t).filter(Number.isFinite).sort((a, b) => a - b);
  const rss = peak();
  await stop(children);
  await db.close();
  return { n: latencies.length, p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: latencies[latencies.length - 1] ?? NaN, rss };
}

async function throughputRun(workers: number, count: number) {
  const db = await freshDatabases();
  // The backlog is written first, then the fleet starts: this measures the workers, not the writer.
  for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => insert(db.web, db.account, db.kasa, i + k)));
  const children = Array.from({ length: workers }, () => run(['worker', '--domain', 'collections']));
  const peak = watchMemory(children);
  await new Promise((r) => setTimeout(r, 3000));
  const start = Date.now();
  children.push(run(['producer']));
  let enqueuedAfter = NaN;
  const enqueued = (async () => {
    for (;;) {
      const r = await db.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE status = 'pending'`);
      if (r.rows[0].n === 0) return (enqueuedAfter = (Date.now() - start) / 1000);
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  const firstCommit = await waitForLedger(db.erp, count, 300_000);
  const processingSeconds = (Date.now() - firstCommit) / 1000;
  await enqueued;
  console.log(`  (backlog of ${count} enqueued by the producer after ${enqueuedAfter.toFixed(1)} s)`);
  const seconds = (Date.now() - start) / 1000;
  const rss = peak();
  await stop(children);
  await db.close();
  return { perSecond: count / seconds, seconds, processing: count / processingSeconds, rss };
}

const rate = Number(args.rate);
const seconds = Number(args.seconds);
const count = Number(args.count);
const lat = await latencyRun(rate, seconds);
console.log(`latency web commit -> ERP commit at ${rate}/s for ${seconds}s (${lat.n} collections, debounce ${ENV.OUTBOX_DEBOUNCE_MS} ms):`);
console.log(`  p50 ${lat.p50} ms  p95 ${lat.p95} ms  p99 ${lat.p99} ms  max ${lat.max} ms   (goal p95 <= 1000 ms)   peak RSS ${mb(lat.rss)}`);
const one = await throughputRun(1, count);
console.log(`throughput, 1 worker process:  ${one.processing.toFixed(0)} collections/s from first to last ERP commit; ${one.perSecond.toFixed(0)}/s including producer start-up (${count} in ${one.seconds.toFixed(1)} s)   peak RSS ${mb(one.rss)}`);
const two = await throughputRun(2, count);
console.log(`throughput, 2 worker processes: ${two.processing.toFixed(0)} collections/s from first to last ERP commit; ${two.perSecond.toFixed(0)}/s including producer start-up (${count} in ${two.seconds.toFixed(1)} s)   peak RSS ${mb(two.rss)} (largest process)`);
console.log(`ratio 2 workers / 1 worker (baseline, same run): ${(two.processing / one.processing).toFixed(2)}x   (goal >= 200/s with 2)`);
console.log(`ratio against the original tool's ~5 s per document (0.2/s): ${(two.processing / 0.2).toFixed(0)}x`);
