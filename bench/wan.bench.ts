/**
 * The fleet over a shop's network: a delay proxy of our own (bench/delay-proxy.ts) sits between
 * the worker and the ERP stand-in, and between the worker and the web database, and counts
 * client->server turns (round trips). One run measures, for sales invoices (5 lines),
 * collections and stock counts:
 *  - ERP and web round trips per document (exact counts; goal ERP <= 2, web <= 3);
 *  - invoices/s at ERP 30 ms RTT, as a ratio to the same run's loopback figure (goal >= 0.8);
 *  - invoices/s with the web at 40 ms RTT;
 *  - latency web commit -> ERP commit, p50/p95, at 20 invoices/s with the ERP at 30 ms RTT
 *    (goal p95 <= 1 s plus the document debounce).
 *
 * Round trips are counted per document as statement turns: the turns of the run, less one per
 * connection the worker opened meanwhile (a PostgreSQL connection's start-up message), divided by
 * the documents.
 *
 *   npm run bench:wan [-- --count 200 --rate 20 --seconds 10 --erp-rtt 30 --web-rtt 40]
 *   npm run bench:wan -- --quick      (60 documents a kind, 5 s of paced invoices: a few minutes)
 */
import { parseArgs } from 'node:util';
import { withSyncTransaction } from '@mikrosync/connectors';
import { startDelayProxy, viaProxy, type DelayProxy } from './delay-proxy.js';
import { BENCH_ERP, BENCH_WEB, benchEnv, cli, freshDatabases, insertSale, percentile, stop, waitForLedger, type BenchDb } from './fleet.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
    'erp-rtt': { type: 'string', default: '30' },
    'web-rtt': { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    quick: { type: 'boolean', default: false },
  },
});
const COUNT = args.quick ? 60 : Number(args.count);
const SECONDS = args.quick ? 5 : Number(args.seconds);
// The quiet period a document waits for its next line: part of its latency by design.
const DOCUMENT_DEBOUNCE_MS = process.env.OUTBOX_DOCUMENT_DEBOUNCE_MS ?? '500';
const ERP_RTT = Number(args['erp-rtt']);
const WEB_RTT = Number(args['web-rtt']);
const STOCKS = ['OYN-001', 'OYN-002', 'OYN-003', 'KRT-001'];

type Kind = 'invoice' | 'collection' | 'count';
const DOMAIN: Record<Kind, string> = { invoice: 'sales', collection: 'collections', count: 'stock' };

interface Links {
  erp: DelayProxy;
  web: DelayProxy;
  close(): Promise<void>;
}

async function links(erpRtt: number, webRtt: number): Promise<Links> {
  const target = (url: string) => ({ host: new URL(url).hostname, port: Number(new URL(url).port || 5432) });
  const erp = await startDelayProxy(target(BENCH_ERP), erpRtt);
  const web = await startDelayProxy(target(BENCH_WEB), webRtt);
  return { erp, web, close: async () => void (await Promise.all([erp.close(), web.close()])) };
}

/** The demo ERP's stock cards, mirrored on the web as the ERP -> Web sync writes them (no outbox event). */
async function webStockIds(db: BenchDb): Promise<string[]> {
  const r = await withSyncTransaction(db.web, (c) =>
    c.query(`INSERT INTO stoklar (stok_kodu, stok_adi, birim_turu) SELECT code, code, 'Adet' FROM unnest($1::text[]) AS code RETURNING id`, [STOCKS]),
  );
  return r.rows.map((x) => x.id as string);
}

async function insertDocument(kind: Kind, db: BenchDb, stocks: string[], i: number): Promise<string> {
  if (kind === 'collection') {
    const r = await db.web.query(
      `INSERT INTO tahsilatlar (tahsilat_no, cari_hesap_id, tahsilat_tipi, tutar, kasa_id) VALUES ($1, $2, 'nakit', $3, $4) RETURNING id`,
      [`W-${process.pid}-${i}`, db.account, 10 + (i % 100), db.kasa],
    );
    return r.rows[0].id as string;
  }
  if (kind === 'count') {
    const r = await db.web.query(
      `INSERT INTO stok_hareketleri (stok_id, belge_tipi, hareket_tipi, miktar, onceki_miktar, sonraki_miktar, islem_tarihi)
       VALUES ($1, 'sayim', 'giris', $2, 0, 0, '2026-01-15T12:00:00+03:00') RETURNING id`,
      [stocks[i % stocks.length], 1 + (i % 9)],
    );
    return r.rows[0].id as string;
  }
  return insertSale(db.web, db.account, stocks, `W-${process.pid}-${i}`);
}

/** A stock count's ERP rows are not in the ledger; it is done when its outbox event is. */
async function waitSettled(kind: Kind, db: BenchDb, n: number, timeoutMs: number): Promise<number> {
  const watchdog = setInterval(() => {
    void db.web.query(`SELECT last_error FROM sync_outbox WHERE status = 'failed' LIMIT 1`).then((r) => {
      if (r.rows.length) {
        console.error(`a document failed, the figures would be wrong: ${r.rows[0].last_error}`);
        process.exit(1);
      }
    });
  }, 1000);
  try {
    return await waitPosted(kind, db, n, timeoutMs);
  } finally {
    clearInterval(watchdog);
  }
}

async function waitPosted(kind: Kind, db: BenchDb, n: number, timeoutMs: number): Promise<number> {
  if (kind !== 'count') return waitForLedger(db.erp, n, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  let first = NaN;
  for (;;) {
    const r = await db.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE table_name = 'stok_hareketleri' AND status = 'done'`);
    if (r.rows[0].n > 0 && Number.isNaN(first)) first = Date.now();
    if (r.rows[0].n >= n) return first;
    if (Date.now() > deadline) throw new Error(`only ${r.rows[0].n}/${n} stock counts posted in time`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

interface Throughput {
  perSecond: number;
  erpTurns: number;
  webTurns: number;
}

/** Statement turns per document: a connection's opening turn is set-up, not the document's. */
const perDocument = (p: DelayProxy, count: number) => (p.turns() - p.connections()) / count;

/**
 * A backlog of `count` documents, then one worker process (through the proxies) and a producer
 * (direct: its round trips are not the worker's). Turns are counted from the moment the worker is
 * idle and connected, so start-up is not charged to the documents.
 */
async function throughput(kind: Kind, count: number, erpRtt: number, webRtt: number): Promise<Throughput> {
  const db = await freshDatabases();
  const stocks = await webStockIds(db);
  for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, k) => insertDocument(kind, db, stocks, i + k)));
  const net = await links(erpRtt, webRtt);
  const base = benchEnv({ WORKER_CONCURRENCY: args.concurrency!, OUTBOX_DOCUMENT_DEBOUNCE_MS: DOCUMENT_DEBOUNCE_MS });
  const workerEnv = { ...base, ERP_DATABASE_URL: viaProxy(BENCH_ERP, net.erp), WEB_DATABASE_URL: viaProxy(BENCH_WEB, net.web) };
  const children = [cli(['worker', '--domain', DOMAIN[kind]], workerEnv)];
  await new Promise((r) => setTimeout(r, 4000));
  net.erp.reset();
  net.web.reset();
  children.push(cli(['producer'], base));
  const first = await waitSettled(kind, db, count, 900_000);
  const seconds = (Date.now() - first) / 1000;
  const result = { perSecond: count / seconds, erpTurns: perDocument(net.erp, count), webTurns: perDocument(net.web, count) };
  await stop(children);
  await net.close();
  await db.close();
  return result;
}

async function latency(rate: number, seconds: number, erpRtt: number) {
  const db = await freshDatabases();
  const stocks = await webStockIds(db);
  const net = await links(erpRtt, 0);
  const base = benchEnv({ WORKER_CONCURRENCY: args.concurrency!, OUTBOX_DOCUMENT_DEBOUNCE_MS: DOCUMENT_DEBOUNCE_MS });
  const children = [cli(['producer'], base), cli(['worker', '--domain', 'sales'], { ...base, ERP_DATABASE_URL: viaProxy(BENCH_ERP, net.erp) })];
  await new Promise((r) => setTimeout(r, 4000));
  const committed = new Map<string, number>();
  const seen = new Map<string, number>();
  const total = rate * seconds;
  const watcher = waitForLedger(db.erp, total, seconds * 1000 + 120_000, seen);
  const start = Date.now();
  for (let i = 0; i < total; i++) {
    await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / rate - Date.now())));
    void insertDocument('invoice', db, stocks, i).then((id) => committed.set(id, Date.now()));
  }
  await watcher;
  const l = [...committed].map(([id, t]) => (seen.get(id) ?? NaN) - t).filter(Number.isFinite).sort((a, b) => a - b);
  await stop(children);
  await net.close();
  await db.close();
  return { n: l.length, p50: percentile(l, 50), p95: percentile(l, 95) };
}

const fmt = (t: Throughput) => `${t.perSecond.toFixed(1)} docs/s, ERP ${t.erpTurns.toFixed(2)} round trips/doc, web ${t.webTurns.toFixed(2)} round trips/doc`;

console.log(`WAN benchmark: ${COUNT} documents a kind, worker concurrency ${args.concurrency}, one worker process, ERP stand-in and web database through delay proxies`);
const loop = await throughput('invoice', COUNT, 0, 0);
console.log(`invoices (5 lines), loopback:               ${fmt(loop)}`);
const erpFar = await throughput('invoice', COUNT, ERP_RTT, 0);
console.log(`invoices (5 lines), ERP ${ERP_RTT} ms RTT:          ${fmt(erpFar)}`);
const webFar = await throughput('invoice', COUNT, 0, WEB_RTT);
console.log(`invoices (5 lines), web ${WEB_RTT} ms RTT:          ${fmt(webFar)}`);
console.log(`ratio invoices/s ERP ${ERP_RTT} ms / loopback: ${(erpFar.perSecond / loop.perSecond).toFixed(2)} (goal >= 0.8); web ${WEB_RTT} ms / loopback: ${(webFar.perSecond / loop.perSecond).toFixed(2)}`);
for (const kind of ['collection', 'count'] as const) {
  const t = await throughput(kind, COUNT, ERP_RTT, 0);
  console.log(`${kind === 'collection' ? 'collections' : 'stock counts'}, ERP ${ERP_RTT} ms RTT:            ${fmt(t)}`);
}
const lat = await latency(Number(args.rate), SECONDS, ERP_RTT);
console.log(
  `latency web commit -> ERP commit at ${args.rate} invoices/s, ERP ${ERP_RTT} ms RTT (${lat.n} invoices, document debounce ${DOCUMENT_DEBOUNCE_MS} ms): p50 ${lat.p50} ms  p95 ${lat.p95} ms (goal p95 <= ${1000 + Number(DOCUMENT_DEBOUNCE_MS)} ms: 1 s + the debounce)`,
);
