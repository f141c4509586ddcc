/**
 * Benchmark of the stock XML feed on this machine (real PostgreSQL; the feed server is a local
 * OpenSSH server when one is installed):
 *  1. the whole `xml feed` task over N generated products (default 100 000) in the ERP stand-in,
 *     with pictures in the web mirror: seconds, items/s, peak RSS (first run inserts xmlurunler,
 *     the second run finds nothing changed);
 *  2. the feed writer alone (items -> mappers -> streamed file) against xmlbuilder2's document API
 *     building the same feed, in the same process: seconds, items/s, peak RSS, and the ratio.
 * Each part runs in a child process of its own so its peak RSS is its own. Issue 7's goal for the
 * feed: <= 1 s and <= 150 MB for 100k items.
 *
 *   npm run bench  (or: node --conditions=source --import tsx bench/xml.bench.ts [--count 100000] [--callback])
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import type { ErpFeedProductRow, FeedItem } from '@mikrosync/mappers';

// Each phase imports only what it needs, so a child's memory is its own work plus its modules.
const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    phase: { type: 'string' },
    callback: { type: 'boolean', default: false },
    out: { type: 'string' },
    ssh: { type: 'string' },
  },
});
const COUNT = Number(args.count);
/** Set in the children when they run this file transpiled, against the packages' dist. */
const COMPILED = process.env.MIKROSYNC_BENCH_COMPILED === '1';
/** Products per page, in the task and in the writer alone: STOCK_XML_PAGE_SIZE, default 1000. */
const PAGE = Number(process.env.STOCK_XML_PAGE_SIZE ?? 1000);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = (db: string) => Object.assign(new URL(PG), { pathname: `/${db}` }).toString();
const WEB = url('mikrosync_bench_xml_web');
const ERP = url('mikrosync_bench_xml_erp');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
interface Timed {
  seconds: number;
  /** CPU seconds of this process (user + system): less sensitive than wall time to a busy machine. */
  cpu: number;
  rss?: number;
  bytes?: number;
  summary?: string;
}
function timer(): () => Timed {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  };
}
/** Peak resident set size of this process so far (bytes). */
const maxRss = () => process.resourceUsage().maxRSS * 1024;

// ---------------------------------------------------------------------------------------------
// Data: N stock cards with 1-2 barcodes, 3 price lists (float artefacts included), movements; 3 of
// 4 products have 4 pictures listed A, A, B, B (the original's duplicates).
async function generate(n: number): Promise<void> {
  const { default: pg } = await import('pg');
  const { createLogger } = await import('@mikrosync/core');
  const { DEV_SQL, ensureDatabase, migrateWeb, runSqlFile } = await import('@mikrosync/connectors');
  await ensureDatabase(WEB, { recreate: true });
  await ensureDatabase(ERP, { recreate: true });
  await runSqlFile(WEB, DEV_SQL.webAppTables);
  await migrateWeb(WEB, createLogger({ level: 'warn' }));
  await runSqlFile(ERP, DEV_SQL.mikroTablesPg);
  const erp = new pg.Pool({ connectionString: ERP, max: 1 });
  const web = new pg.Pool({ connectionString: WEB, max: 1 });
  const code = `lpad(i::text, 7, '0')`;
  await erp.query(`
    INSERT INTO "STOKLAR" ("sto_kod", "sto_isim", "sto_marka_kodu", "sto_kisa_ismi", "sto_yer_kod", "sto_sektor_kodu", "sto_ambalaj_kodu", "sto_altgrup_kod", "sto_anagrup_kod")
    SELECT ${code}, ${code} || ' - Streç Fare Figür ' || (i % 40) || ' CM 24''lü & "Set" Çiğ', 'SUNMAN', CASE WHEN i % 10 = 0 THEN 'Alt <başlık>' ELSE '' END,
           'U-C' || (i % 9), (i % 40) || ' cm', 'Kartela', 'O-' || (i % 70), 'OYN'
      FROM generate_series(1, ${n}) i;
    INSERT INTO "BARKOD_TANIMLARI" ("bar_kodu", "bar_stokkodu") SELECT '869' || lpad(i::text, 10, '0'), ${code} FROM generate_series(1, ${n}) i WHERE i % 30 <> 0;
    INSERT INTO "BARKOD_TANIMLARI" ("bar_kodu", "bar_stokkodu") SELECT '2' || lpad(i::text, 12, '0'), ${code} FROM generate_series(1, ${n}) i WHERE i % 7 = 0;
    INSERT INTO "STOK_SATIS_FIYAT_LISTELERI" ("sfiyat_stokkod", "sfiyat_listesirano", "sfiyat_fiyati")
    SELECT ${code}, l, ((i % 500) + 10) * (1 + l * 0.25) + CASE WHEN i % 3 = 0 THEN 0.000000000001 ELSE 0 END
      FROM generate_series(1, ${n}) i, generate_series(1, 3) l;
    INSERT INTO "STOK_HAREKETLERI" ("sth_stok_kod", "sth_tip", "sth_miktar") SELECT ${code}, 0, (i % 200) + 1 FROM generate_series(1, ${n}) i;
    INSERT INTO "STOK_HAREKETLERI" ("sth_stok_kod", "sth_tip", "sth_miktar") SELECT ${code}, 1, (i % 13) FROM generate_series(1, ${n}) i WHERE i % 5 = 0;
    -- Mikro looks these up by stock code through its own indexes; the stand-in DDL does not have them.
    CREATE INDEX "BENCH_IX_BARKOD_stok" ON "BARKOD_TANIMLARI" ("bar_stokkodu", "bar_RECno");
    CREATE INDEX "BENCH_IX_FIYAT_stok" ON "STOK_SATIS_FIYAT_LISTELERI" ("sfiyat_stokkod", "sfiyat_listesirano", "sfiyat_deposirano", "sfiyat_odemeplan");
    CREATE INDEX "BENCH_IX_STH_stok" ON "STOK_HAREKETLERI" ("sth_stok_kod");
    ANALYZE;`);
  await web.query('CREATE TABLE IF NOT EXISTS entegra_product (id bigint PRIMARY KEY, "productCode" text)');
  await web.query(`
    INSERT INTO entegra_product (id, "productCode") SELECT i, ${code} FROM generate_series(1, ${n}) i WHERE i % 4 <> 0;
    INSERT INTO entegra_pictures (id, product_id, path, url, sort_order)
    SELECT i * 10 + k, i, '/resimler/' || ${code} || '-urun-' || ((k + 1) / 2) || '.jpg', CASE WHEN k = 4 AND i % 8 = 1 THEN 'https://cdn.example/' || i || '.jpg?v1' END, k
      FROM generate_series(1, ${n}) i, generate_series(1, 4) k WHERE i % 4 <> 0;
    ANALYZE;`);
  await erp.end();
  await web.end();
}

// ---------------------------------------------------------------------------------------------
// Child: the whole task, twice.
async function phaseJob(): Promise<void> {
  const { createWorkerContext, DOMAIN_TASKS } = await import('@mikrosync/workers');
  const { createLogger, loadConfig } = await import('@mikrosync/core');
  const ssh = args.ssh ? (JSON.parse(args.ssh) as Record<string, string>) : {};
  const config = loadConfig({ WEB_DATABASE_URL: WEB, ERP_DIALECT: 'pg', ERP_DATABASE_URL: ERP, QUEUE_PREFIX: `mikrosync-bench-xml-${process.pid}`, LOG_LEVEL: 'warn', STOCK_XML_OUTPUT_DIR: args.out ?? os.tmpdir(), STOCK_XML_PAGE_SIZE: String(PAGE), ...ssh });
  const ctx = createWorkerContext(config, createLogger({ level: 'warn' }));
  const task = DOMAIN_TASKS.xml?.feed;
  if (!task) throw new Error('xml feed task not registered');
  const rssBefore = process.memoryUsage().rss;
  const runs: Timed[] = [];
  for (let i = 0; i < 2; i++) {
    const t = timer();
    const result = await task(ctx, { job: { id: `bench-${i}` } as unknown as Job, args: {}, signal: new AbortController().signal, progress: async () => undefined });
    runs.push({ ...t(), rss: maxRss(), summary: result.summary });
  }
  // A third run measures what stays alive: a full GC after every page, then the heap in use.
  const retained: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  await task(ctx, {
    job: { id: 'bench-heap' } as unknown as Job,
    args: {},
    signal: new AbortController().signal,
    progress: async (p) => {
      if (gc && p.step === 'products') {
        gc();
        retained.push(process.memoryUsage().heapUsed);
      }
    },
  });
  await ctx.close();
  process.stdout.write(`${JSON.stringify({ rssBefore, runs, retained })}\n`);
}

// ---------------------------------------------------------------------------------------------
// Child: the writer alone, then xmlbuilder2 in the same process.
function generatedRow(i: number): ErpFeedProductRow {
  const code = String(i).padStart(7, '0');
  return {
    sto_RECno: i, sto_kod: code, sto_isim: `${code} - Streç Fare Figür ${i % 40} CM 24'lü & "Set" Çiğ`, sto_marka_kodu: 'SUNMAN', sto_kisa_ismi: i % 10 === 0 ? 'Alt <başlık>' : '',
    sto_yer_kod: `U-C${i % 9}`, sto_sektor_kodu: `${i % 40} cm`, sto_ambalaj_kodu: 'Kartela', sto_altgrup_kod: `O-${i % 70}`, sto_anagrup_kod: 'OYN',
    barcode: i % 30 === 0 ? null : `869${String(i).padStart(10, '0')}`, stock: (i % 200) + 1, price1: ((i % 500) + 10) * 1.25 + (i % 3 === 0 ? 1e-12 : 0), price2: ((i % 500) + 10) * 1.5, price3: ((i % 500) + 10) * 1.75,
  };
}
let toFeedItem: typeof import('@mikrosync/mappers').toFeedItem;
function generatedItem(i: number): FeedItem {
  const code = String(i).padStart(7, '0');
  const pics = i % 4 === 0 ? [] : [1, 1, 2, 2].map((k) => ({ url: null, path: `/resimler/${code}-urun-${k}.jpg` }));
  return toFeedItem(generatedRow(i), pics);
}

async function ours(n: number, dir: string): Promise<Timed> {
  const { FEED_FOOTER, renderFeedHeader, renderProducts } = await import('@mikrosync/mappers');
  // The writer module alone (not the whole connectors package): compiled when the child is.
  const feedFile = `../packages/connectors/${COMPILED ? 'dist' : 'src'}/feed/feed-file.js`;
  const { FeedFileWriter } = (await import(feedFile)) as typeof import('../packages/connectors/src/feed/feed-file.js');
  const t = timer();
  const w = await FeedFileWriter.open(dir, 'ours.xml', renderFeedHeader('14.05.2026 11:25:52', n));
  for (let start = 1; start <= n; start += PAGE) {
    const items: FeedItem[] = [];
    for (let i = start; i < Math.min(start + PAGE, n + 1); i++) items.push(generatedItem(i));
    // As the worker does (apps/workers/src/domains/xml/build-feed.ts): chunks of 1000.
    const writes: Promise<void>[] = [];
    for (let k = 0; k < items.length; k += 1000) writes.push(w.write(renderProducts(items.slice(k, k + 1000))));
    await Promise.all(writes);
  }
  const file = await w.finish(renderFeedHeader('14.05.2026 11:25:52', n), FEED_FOOTER);
  return { ...t(), bytes: file.size };
}

async function xmlbuilder2Document(n: number, dir: string): Promise<Timed> {
  const { create } = await import('xmlbuilder2');
  const { FEED_ITEM_FIELDS } = await import('@mikrosync/mappers');
  const t = timer();
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).com(' Generated At: 14.05.2026 11:25:52 ');
  const root = doc.ele('Products');
  root.ele('Metadata').ele('GeneratedAt').txt('14.05.2026 11:25:52').up().ele('ProductCount').txt(String(n));
  for (let i = 1; i <= n; i++) {
    const item = generatedItem(i);
    const p = root.ele('Product');
    for (const f of FEED_ITEM_FIELDS) p.ele(f).txt(item[f]);
    if (item.images.length) {
      const imgs = p.ele('Images');
      item.images.forEach((v, k) => imgs.ele(`Image${k + 1}`).txt(v));
    }
  }
  const text = doc.end({ prettyPrint: true, indent: '  ' });
  await writeFile(path.join(dir, 'xmlbuilder2.xml'), text);
  return { ...t(), bytes: Buffer.byteLength(text) };
}

async function xmlbuilder2Callback(n: number, dir: string): Promise<Timed> {
  const { createCB } = await import('xmlbuilder2');
  const { FEED_ITEM_FIELDS } = await import('@mikrosync/mappers');
  const t = timer();
  let out = '';
  const xml = createCB({ data: (chunk: string) => (out += chunk), prettyPrint: true, indent: '  ' });
  xml.dec({ version: '1.0', encoding: 'UTF-8' }).com(' Generated At: 14.05.2026 11:25:52 ').ele('Products');
  xml.ele('Metadata').ele('GeneratedAt').txt('14.05.2026 11:25:52').up().ele('ProductCount').txt(String(n)).up().up();
  for (let i = 1; i <= n; i++) {
    const item = generatedItem(i);
    xml.ele('Product');
    for (const f of FEED_ITEM_FIELDS) xml.ele(f).txt(item[f]).up();
    if (item.images.length) {
      xml.ele('Images');
      item.images.forEach((v, k) => xml.ele(`Image${k + 1}`).txt(v).up());
      xml.up();
    }
    xml.up();
  }
  xml.up().end();
  await writeFile(path.join(dir, 'xmlbuilder2-cb.xml'), out);
  return { ...t(), bytes: Buffer.byteLength(out) };
}

async function phaseWriter(): Promise<void> {
  ({ toFeedItem } = await import('@mikrosync/mappers'));
  const dir = args.out ?? os.tmpdir();
  const rssBefore = process.memoryUsage().rss;
  const a = { ...(await ours(COUNT, dir)), rss: maxRss() };
  const b = { ...(await xmlbuilder2Document(COUNT, dir)), rss: maxRss() };
  let c: (Timed & { n: number }) | undefined;
  if (args.callback) {
    const n = Math.min(COUNT, 10_000);
    // Its peak RSS cannot be told apart from the document API's, which ran before it.
    c = { ...(await xmlbuilder2Callback(n, dir)), n };
  }
  process.stdout.write(`${JSON.stringify({ rssBefore, ours: a, document: b, callback: c })}\n`);
}

// ---------------------------------------------------------------------------------------------
/**
 * The children run compiled code, as production does: the packages built (`tsc -b`) and this file
 * transpiled next to itself. Through tsx, Node 20 runs the loader on a thread of its own, which
 * adds ~40 MB to every RSS figure; that is the fallback when the build fails.
 */
async function childEntry(): Promise<{ argv: string[]; env: NodeJS.ProcessEnv }> {
  const self = fileURLToPath(import.meta.url);
  // Imported here, in the parent only: the transpiled children cannot resolve a .ts module.
  const { buildPackages } = await import('./build.js');
  if (!buildPackages()) return { argv: ['--conditions=source', '--import', 'tsx', self], env: process.env };
  const { default: ts } = await import('typescript');
  const js = ts.transpileModule(await readFile(self, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const compiled = self.replace(/\.ts$/, '.compiled.mjs');
  await writeFile(compiled, js);
  return { argv: [compiled], env: { ...process.env, MIKROSYNC_BENCH_COMPILED: '1' } };
}
let entry: Promise<{ argv: string[]; env: NodeJS.ProcessEnv }> | undefined;

async function child<T>(phase: string, extra: string[] = []): Promise<T> {
  const { argv, env } = await (entry ??= childEntry());
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', ...argv, '--phase', phase, '--count', String(COUNT), ...extra], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${phase} exited with ${code}: ${out}`));
      resolve(JSON.parse(line) as T);
    });
  });
}

if (args.phase === 'job') await phaseJob();
else if (args.phase === 'writer') await phaseWriter();
else {
  const out = await mkdtemp(path.join(os.tmpdir(), 'mikrosync-bench-xml-'));
  let sshd: { host: string; port: number; user: string; clientKeyPath: string; hostFingerprint: string; remoteDir: string; stop(): Promise<void> } | undefined;
  try {
    const g0 = performance.now();
    await generate(COUNT);
    console.log(`stock XML feed: ${COUNT} generated products (data generated in ${((performance.now() - g0) / 1000).toFixed(1)} s)`);
    if (existsSync('/usr/sbin/sshd')) {
      const { startSshd } = await import('../tests/support/sshd.js');
      sshd = await startSshd();
    }
    const ssh = sshd
      ? { SSH_HOST: sshd.host, SSH_PORT: String(sshd.port), SSH_USER: sshd.user, SSH_PRIVATE_KEY_PATH: sshd.clientKeyPath, SSH_HOST_FINGERPRINT: sshd.hostFingerprint, SSH_REMOTE_PATH: sshd.remoteDir }
      : {};
    const job = await child<{ rssBefore: number; runs: Timed[]; retained: number[] }>('job', ['--out', out, '--ssh', JSON.stringify(ssh)]);
    const compiled = (await entry)?.env.MIKROSYNC_BENCH_COMPILED === '1';
    console.log(`  (pages of ${PAGE}; each part in a child process, ${compiled ? 'compiled, as in production' : 'from source through tsx: its loader thread adds ~40 MB of RSS'})`);
    const where = sshd ? 'ERP read + pictures + xmlurunler upsert + file + SFTP upload to a local sshd' : 'ERP read + pictures + xmlurunler upsert + file; no sshd, not uploaded';
    console.log(`  whole task (${where}):`);
    job.runs.forEach((r, i) =>
      console.log(
        `    run ${i + 1} (${i === 0 ? 'xmlurunler empty: 100% inserts' : 'nothing changed'}): ${r.seconds.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${(COUNT / r.seconds).toFixed(0)} items/s, peak RSS ${mb(r.rss ?? 0)} (${mb(job.rssBefore)} before)`,
      ),
    );
    const r = job.retained;
    if (r.length) {
      const mid = r[Math.floor(r.length / 2)] ?? 0;
      console.log(`    heap in use after a full GC, sampled on ${r.length} pages: first ${mb(r[0] ?? 0)}, middle ${mb(mid)}, last ${mb(r[r.length - 1] ?? 0)} (does not grow with the number of products)`);
    }
    const w = await child<{ rssBefore: number; ours: Timed; document: Timed; callback?: Timed & { n: number } }>('writer', ['--out', out, ...(args.callback ? ['--callback'] : [])]);
    const line = (label: string, r: Timed, n: number) =>
      `  ${label}: ${r.seconds.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${(n / r.seconds).toFixed(0)} items/s, ${mb(r.bytes ?? 0)} file${r.rss ? `, peak RSS ${mb(r.rss)}` : ''}`;
    console.log(`${line('feed writer (items -> mappers -> streamed file)', w.ours, COUNT)} (${mb(w.rssBefore)} before)   goal <= 1 s, <= 150 MB`);
    console.log(line('xmlbuilder2 document API, same items, same process', w.document, COUNT));
    console.log(`  ratio xmlbuilder2 document API / ours: ${(w.document.seconds / w.ours.seconds).toFixed(1)}x wall time, ${(w.document.cpu / w.ours.cpu).toFixed(1)}x CPU time`);
    if (w.callback) console.log(line(`xmlbuilder2 callback API (${w.callback.n} items only)`, w.callback, w.callback.n));
    console.log(`  machine load average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  } finally {
    await sshd?.stop();
    await rm(out, { recursive: true, force: true });
  }
}
