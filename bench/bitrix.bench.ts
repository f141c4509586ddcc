/**
 * Benchmark of the Bitrix24 -> PostgreSQL cycle against the fake portal (real HTTP, PostgreSQL,
 * Redis):
 *  1. an idle cycle (7 entities, nothing changed) in ms, at the default limits (2 req/s, burst
 *     50), against a baseline measured here: the one probe request the cycle must make anyway
 *     (goal <= 0.5 s; the reference daemon reports 1-2 s);
 *  2. the initial load of --leads leads (default 100,000) by a real worker process at 2 req/s:
 *     HTTP requests and seconds against the floor (50 pages of 50 per request: leads/2,500
 *     requests at 2/s), first with no burst (every request waits its turn), then with the
 *     default burst of 50; peak RSS of the worker (goal <= 100 MB).
 *
 *  A third load run caps the worker's V8 old space (--old-space, MB): most of the peak RSS is
 *  garbage V8 has not collected yet, not live data.
 *
 *   node --conditions=source --import tsx bench/bitrix.bench.ts [--leads 100000] [--idle 20] [--no-burst-run] [--old-space 96]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createLogger, loadConfig } from '@mikrosync/core';
import { BitrixClient, BitrixLimiter, bitrixBatchCommand, createRedis, ensureDatabase, migrateWeb, parseWebhookUrl, QueueRegistry, runSqlFile, DEV_SQL } from '@mikrosync/connectors';
import { BITRIX_INCREMENTAL_ENTITIES } from '@mikrosync/mappers';
import { createWorkerContext, DOMAIN_TASKS } from '@mikrosync/workers';
import { buildPackages, REPO_ROOT } from './build.js';
import { makeActivity, makeComment, makeCompany, makeContact, makeDeal, makeDepartment, makeLead, makeTask, makeUser, startFakeBitrix, type FakeBitrix } from '../tests/support/fake-bitrix/index.js';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    idle: { type: 'string', default: '20' },
    'no-burst-run': { type: 'boolean', default: false },
    'old-space': { type: 'string', default: '96' },
  },
});
const LEADS = Number(args.leads);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = (db: string) => Object.assign(new URL(PG), { pathname: `/${db}` }).toString();
const WEB = url('mikrosync_bench_bitrix');
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `mikrosync-bench-bitrix-${process.pid}`;
const baseEnv = (fake: FakeBitrix, extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  WEB_DATABASE_URL: WEB,
  ERP_DIALECT: 'pg',
  ERP_DATABASE_URL: WEB,
  REDIS_URL: REDIS,
  QUEUE_PREFIX: PREFIX,
  LOG_LEVEL: 'warn',
  HTTP_PORT: '0',
  BITRIX_WEBHOOK_URL: fake.url,
  ...extra,
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] ?? NaN;
const fmt = (n: number, d = 1) => n.toFixed(d);

async function resetTarget(web: pg.Pool): Promise<void> {
  await web.query(`TRUNCATE bitrix.leads, bitrix.contacts, bitrix.companies, bitrix.deals, bitrix.activities, bitrix.tasks, bitrix.task_comments, bitrix.users, bitrix.departments`);
  await web.query(`DELETE FROM sync_state WHERE tablo_adi LIKE 'bitrix.%'`);
  const redis = createRedis({ url: REDIS });
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

function seedSmallPortal(fake: FakeBitrix): void {
  const d = fake.data;
  const many = <T>(n: number, first: number, make: (id: number, i: number) => T) => Array.from({ length: n }, (_, i) => make(first + i, i));
  d.seed('leads', many(1000, 1, (id, i) => makeLead(d.clock, id, i, 1000)));
  d.seed('contacts', many(300, 1, (id, i) => makeContact(d.clock, id, i, 300)));
  d.seed('companies', many(60, 1, (id, i) => makeCompany(d.clock, id, i, 60)));
  d.seed('deals', many(300, 1, (id, i) => makeDeal(d.clock, id, i, 300)));
  d.seed('activities', many(1500, 1, (id, i) => makeActivity(d.clock, id, i, 1500)));
  d.seed('tasks', many(400, 1, (id, i) => makeTask(d.clock, id, i, 400, 2)));
  for (let id = 1; id <= 400; id++) d.seedComments(id, [makeComment(d.clock, d.nextCommentId()), makeComment(d.clock, d.nextCommentId())]);
  d.seed('users', many(51, 1, (id) => makeUser(d.clock, id)));
  d.seed('departments', many(14, 1, (id) => makeDepartment(id, id > 1 ? 1 : undefined)));
}

/** 1. Idle cycles in process, at the default limits. */
async function idleRun(web: pg.Pool, cycles: number) {
  const fake = await startFakeBitrix({ burst: 50, rate: 2 });
  seedSmallPortal(fake);
  await resetTarget(web);
  const log = createLogger({ level: 'warn' });
  // First load quickly (not measured here), then the defaults: 2 req/s, burst 50, hourly sweep.
  const loadCtx = createWorkerContext(loadConfig(baseEnv(fake, { BITRIX_RATE_PER_SECOND: '1000', BITRIX_RATE_BURST: '1000' })), log);
  fake.bucket.enabled = false;
  const run = { job: {} as never, args: {}, signal: new AbortController().signal, progress: async () => undefined };
  await DOMAIN_TASKS.bitrix!.cycle!(loadCtx, run);
  await loadCtx.close();
  fake.bucket.enabled = true;
  fake.bucket.reset();
  const ctx = createWorkerContext(loadConfig(baseEnv(fake)), log);
  const times: number[] = [];
  const requests: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const before = fake.requests.length;
    const t0 = performance.now();
    const r = await DOMAIN_TASKS.bitrix!.cycle!(ctx, run);
    times.push(performance.now() - t0);
    requests.push(fake.requests.length - before);
    if (!/no changes/.test(r.summary)) throw new Error(`idle cycle changed something: ${r.summary}`);
    // Space the cycles like a schedule would (the bucket drains meanwhile).
    await new Promise((res) => setTimeout(res, 50));
  }
  // Baseline: the probe request alone (7 first pages in one batch), same client and limiter.
  const webhook = parseWebhookUrl(fake.url)!;
  const redis = createRedis({ url: REDIS });
  const client = new BitrixClient({
    webhook,
    limiter: new BitrixLimiter(redis, { prefix: `${PREFIX}-baseline`, portal: webhook.portal, ratePerSecond: 2, burst: 50, operatingLimitSeconds: 480 }),
    log,
    timeoutMs: 10_000,
    retries: 0,
    retryBaseMs: 100,
  });
  const cmd = Object.fromEntries(
    BITRIX_INCREMENTAL_ENTITIES.map((e) => [e.name, bitrixBatchCommand(e.method, { order: { ID: 'ASC' }, filter: { [`>=${e.changeField}`]: '2030-01-01T00:00:00' }, select: e.select, start: -1 })]),
  );
  const base: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const t0 = performance.now();
    await client.batch(cmd);
    base.push(performance.now() - t0);
    await new Promise((res) => setTimeout(res, 50));
  }
  redis.disconnect();
  await ctx.close();
  await fake.close();
  return { median: median(times), p95: p95(times), max: Math.max(...times), requests: median(requests), baseline: median(base), violations: fake.bucket.violations };
}

/** The worker as production runs it (compiled, `node apps/producer/dist/cli.js`), else from source. */
const compiled = buildPackages();

function worker(env: Record<string, string>, nodeFlags: string): ChildProcess {
  const cli = compiled ? ['apps/producer/dist/cli.js'] : ['--conditions=source', '--import', 'tsx', 'apps/producer/src/cli.ts'];
  return spawn(process.execPath, [...nodeFlags.split(' ').filter(Boolean), ...cli, 'worker', '--domain', 'bitrix'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

function watchMemory(child: ChildProcess): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb * 1024);
    } catch {
      /* exited */
    }
  }, 100);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** 2. The initial load by a real worker process. */
async function loadRun(web: pg.Pool, fake: FakeBitrix, burst: number, nodeFlags: string) {
  await resetTarget(web);
  fake.bucket.reset();
  fake.requests.length = 0;
  const child = worker(baseEnv(fake, { BITRIX_RATE_PER_SECOND: '2', BITRIX_RATE_BURST: String(burst) }), nodeFlags);
  const peak = watchMemory(child);
  const redis = createRedis({ url: REDIS });
  const queues = new QueueRegistry(redis, { prefix: PREFIX, attempts: 1, backoffMs: 1000 });
  try {
    await new Promise((r) => setTimeout(r, 2500)); // worker start-up
    const idleRss = peak();
    const stopPeak = watchMemory(child);
    const queue = queues.get('bitrix');
    const job = await queue.add('bitrix:cycle', { kind: 'task', task: 'cycle', requestedBy: 'bench' }, { jobId: `bitrix__cycle__bench_${Date.now()}` });
    for (;;) {
      const j = await queue.getJob(String(job.id));
      const state = await j?.getState();
      if (state === 'failed') throw new Error(`load failed: ${j?.failedReason}`);
      if (state === 'completed') {
        const rss = stopPeak();
        const seconds = ((j!.finishedOn ?? 0) - (j!.processedOn ?? 0)) / 1000;
        const rows = Number((await web.query('SELECT count(*) FROM bitrix.leads')).rows[0].count);
        return { seconds, requests: fake.requests.length, rows, rss, idleRss, violations: fake.bucket.violations };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await queues.close();
    redis.disconnect();
    await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));
  }
}

async function main() {
  await ensureDatabase(WEB, { recreate: true });
  await runSqlFile(WEB, DEV_SQL.webAppTables);
  await migrateWeb(WEB, createLogger({ level: 'warn' }));
  const web = new pg.Pool({ connectionString: WEB, max: 2 });

  const idle = await idleRun(web, Number(args.idle));
  console.log(`\nBitrix24 idle cycle (7 entities, no changes; 2 req/s, burst 50), ${args.idle} cycles`);
  console.log(`  median ${fmt(idle.median)} ms, p95 ${fmt(idle.p95)} ms, max ${fmt(idle.max)} ms; ${idle.requests} HTTP request(s) per cycle; bucket violations ${idle.violations}`);
  console.log(`  baseline (the probe request alone): ${fmt(idle.baseline)} ms -> cycle/baseline ${fmt(idle.median / idle.baseline, 2)}x; goal <= 500 ms: ${idle.p95 <= 500 ? 'met' : 'NOT met'} (reference daemon: 1000-2000 ms)`);

  const fake = await startFakeBitrix({ burst: 50, rate: 2 });
  const d = fake.data;
  const t0 = performance.now();
  d.seed('leads', Array.from({ length: LEADS }, (_, i) => makeLead(d.clock, i + 1, i, LEADS)));
  d.seed('users', [makeUser(d.clock, 1)]);
  d.seed('departments', [makeDepartment(1)]);
  console.log(`\nInitial load of ${LEADS.toLocaleString('en')} leads by a worker process (${compiled ? 'compiled, as in production' : 'from source through tsx: RSS includes the compiler'}) at 2 req/s (fake portal seeded in ${fmt((performance.now() - t0) / 1000)} s)`);
  const minRequests = Math.ceil(LEADS / 2500);
  const floor = minRequests / 2;
  const runs: [string, number, string][] = [['no burst (every request paced at 2/s)', 1, '']];
  if (!args['no-burst-run']) {
    runs.push(['default burst 50', 50, '']);
    runs.push([`no burst, worker run with --max-old-space-size=${args['old-space']}`, 1, `--max-old-space-size=${args['old-space']}`]);
  }
  for (const [label, burst, flags] of runs) {
    const r = await loadRun(web, fake, burst, flags);
    console.log(`  ${label}: ${r.rows.toLocaleString('en')} rows in ${fmt(r.seconds)} s with ${r.requests} HTTP requests (minimum ${minRequests} for the leads; floor ${fmt(floor)} s)`);
    console.log(`    time/floor ${fmt(r.seconds / floor, 2)}x (goal <= 1.5x), requests/minimum ${fmt(r.requests / minRequests, 2)}x; bucket violations ${r.violations}; worker RSS peak ${fmt(r.rss / 1048576)} MB (idle ${fmt(r.idleRss / 1048576)} MB; goal <= 100 MB)`);
  }
  await fake.close();
  await web.end();
}

await main();
process.exit(0);
