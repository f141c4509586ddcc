/**
 * Benchmark of the invoice flow (sales invoices with 5 lines) on this machine: invoices/s with 1, 2
 * and 4 worker processes against the stand-in (scaling efficiency from 1 to 4), and web-commit ->
 * ERP-commit latency p50/p95 at a steady 20 invoices/s. Goals: >= 200/s with 2, efficiency >= 0.8,
 * p95 <= 1 s.
 *
 *   npm run bench:invoices [-- --count 1500 --rate 20 --seconds 10]
 */
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { benchEnv, cli, freshDatabases, insertSale, mb, percentile, stop, waitForLedger, watchMemory, type BenchDb } from './fleet.js';

const { values: args } = parseArgs({
  options: { count: { type: 'string', default: '1500' }, rate: { type: 'string', default: '20' }, seconds: { type: 'string', default: '10' } },
});
const ENV = benchEnv();
const CODES = ['H', 'K1', 'K2', 'K3', 'K4'];

async function seedStocks(db: BenchDb): Promise<string[]> {
  const ids: string[] = [];
  for (const code of CODES) {
    await db.erp.query(`INSERT INTO "STOKLAR" ("sto_kod", "sto_isim") VALUES ($1, $1)`, [code]);
    ids.push((await db.web.query(`INSERT INTO stoklar (stok_kodu, stok_adi) VALUES ($1, $1) RETURNING id`, [code])).rows[0].id);
  }
  await db.erp.query(`INSERT INTO "DEPOLAR" ("dep_no", "dep_adi") VALUES (1, 'MERKEZ')`);
  return ids;
}

const insertInvoice = (web: pg.Pool, account: string, stocks: string[], i: number) => insertSale(web, account, stocks, `B-${process.pid}-${i}`);

async function throughput(workers: number, count: number) {
  const db = await freshDatabases();
  const stocks = await seedStocks(db);
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, k) => insertInvoice(db.web, db.account, stocks, i + k)));
  const children = Array.from({ length: workers }, () => cli(['worker', '--domain', 'sales'], ENV));
  const peak = watchMemory(children);
  await new Promise((r) => setTimeout(r, 3000));
  children.push(cli(['producer'], ENV));
  const first = await waitForLedger(db.erp, count, 600_000);
  const perSecond = count / ((Date.now() - first) / 1000);
  const rss = peak();
  await stop(children);
  await db.close();
  return { perSecond, rss };
}

async function latency(rate: number, seconds: number) {
  const db = await freshDatabases();
  const stocks = await seedStocks(db);
  const children = [cli(['producer'], ENV), cli(['worker', '--domain', 'sales'], ENV)];
  await new Promise((r) => setTimeout(r, 3000));
  const committed = new Map<string, number>();
  const seen = new Map<string, number>();
  const total = rate * seconds;
  const watcher = waitForLedger(db.erp, total, seconds * 1000 + 60_000, seen);
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / rate - Date.now())));
    void insertInvoice(db.web, db.account, stocks, i).then((id) => committed.set(id, Date.now()));
  }
  await watcher;
  const l = [...committed].map(([id, t]) => (seen.get(id) ?? NaN) - t).filter(Number.isFinite).sort((a, b) => a - b);
  await stop(children);
  await db.close();
  return { n: l.length, p50: percentile(l, 50), p95: percentile(l, 95), p99: percentile(l, 99) };
}

const count = Number(args.count);
const results = new Map<number, { perSecond: number; rss: number }>();
for (const w of [1, 2, 4]) {
  const r = await throughput(w, count);
  results.set(w, r);
  console.log(`invoices (5 lines), ${w} worker process(es): ${r.perSecond.toFixed(0)} invoices/s (${(r.perSecond * 6).toFixed(0)} ERP rows/s), peak RSS ${mb(r.rss)}`);
}
const one = results.get(1)!.perSecond;
const four = results.get(4)!.perSecond;
console.log(`scaling 1 -> 2: ${(results.get(2)!.perSecond / one).toFixed(2)}x; 1 -> 4: ${(four / one).toFixed(2)}x, efficiency ${(four / one / 4).toFixed(2)} (goal >= 0.8)`);
const lat = await latency(Number(args.rate), Number(args.seconds));
console.log(`latency web commit -> ERP commit at ${args.rate} invoices/s (${lat.n} invoices, document debounce ${ENV.OUTBOX_DOCUMENT_DEBOUNCE_MS ?? 500} ms): p50 ${lat.p50} ms  p95 ${lat.p95} ms  p99 ${lat.p99} ms (goal p95 <= 1000 ms)`);
