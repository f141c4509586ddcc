/**
 * The fault table of issue 12, measured on this machine against real processes (tsx children),
 * real PostgreSQL and Redis, the ERP stand-in and the web database in PostgreSQL clusters of their
 * own that are stopped and started, and a Redis of its own restarted with its append-only file.
 * Prints duplicates, records lost without an operator, valid documents in the dead-letter queue
 * and the time to drain after the fault ended. Needs root (pg_createcluster).
 *
 *   npm run bench:faults [-- --scale 0.2 --kills 50 --erp-outage 63 --web-outage 60 --only kill,erp,web,redis,listen]
 */
import { parseArgs } from 'node:util';
import type { FaultEnv } from '../tests/support/fault-env.js';
import type { FaultReport } from '../tests/support/fault-scenarios.js';

// The test helpers clone per-scenario databases from these templates; they read the names when
// first imported, hence the dynamic imports below.
const run = `${process.pid}_${Date.now().toString(36)}`;
process.env.MIKROSYNC_TPL_WEB = `mikrosync_tpl_${run}_web`;
process.env.MIKROSYNC_TPL_ERP = `mikrosync_tpl_${run}_erp`;
const { dropDatabase, ensureDatabase } = await import('@mikrosync/connectors');
const { dbUrl } = await import('../tests/support/env.js');
const { loadErpSchema, loadWebSchema } = await import('../tests/support/schemas.js');
const { createFaultEnv } = await import('../tests/support/fault-env.js');
const { runDbOutage, runKillStorm, runListenKills, runRedisRestarts } = await import('../tests/support/fault-scenarios.js');
const { seedStream } = await import('../tests/support/fault-stream.js');
const { startOwnRedis } = await import('../tests/support/own-redis.js');

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.2' },
    kills: { type: 'string', default: '50' },
    'erp-outage': { type: 'string', default: '63' },
    'web-outage': { type: 'string', default: '60' },
    only: { type: 'string', default: 'kill,erp,web,redis,listen' },
  },
});
const scale = Number(args.scale);
const n = (full: number) => Math.max(1, Math.round(full * scale));
const only = new Set(args.only.split(','));
const FAST = { WORKER_CONCURRENCY: '4', JOB_LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '500', LOG_LEVEL: 'warn' };
const SETTLE_MS = 300_000;

interface Row {
  fault: string;
  load: string;
  report: FaultReport | Error;
}
const rows: Row[] = [];

async function scenario(fault: string, load: string, run: () => Promise<FaultReport>): Promise<void> {
  const started = Date.now();
  process.stderr.write(`${fault} (${load}) ...\n`);
  try {
    rows.push({ fault, load, report: await run() });
  } catch (err) {
    rows.push({ fault, load, report: err as Error });
  }
  process.stderr.write(`  done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

async function withEnv(own: 'erp' | 'web' | undefined, env: Record<string, string>, fn: (t: FaultEnv) => Promise<FaultReport>): Promise<FaultReport> {
  const t = await createFaultEnv(own, env);
  try {
    return await fn(t);
  } finally {
    await t.cleanup();
  }
}

const templates = [dbUrl(process.env.MIKROSYNC_TPL_WEB), dbUrl(process.env.MIKROSYNC_TPL_ERP)] as const;
await ensureDatabase(templates[0], { recreate: true });
await ensureDatabase(templates[1], { recreate: true });
await loadWebSchema(templates[0]);
await loadErpSchema(templates[1]);
try {
  if (only.has('kill')) {
    const load = { collections: n(1000), sales: n(300) };
    const kills = Number(args.kills);
    await scenario(`${kills} SIGKILLs of collections and sales workers`, `${load.collections} collections + ${load.sales} sales`, () =>
      withEnv(undefined, FAST, async (t) => runKillStorm(t, await seedStream(t), { ...load, kills, spreadMs: kills * 800, settleMs: SETTLE_MS })),
    );
  }
  if (only.has('erp')) {
    const load = { collections: n(300), sales: n(100) };
    const s = Number(args['erp-outage']);
    await scenario(`ERP unreachable for ${s} s`, `${load.collections} collections + ${load.sales} sales`, () =>
      withEnv('erp', FAST, async (t) => runDbOutage(t, await seedStream(t), { ...load, dependency: 'erp', outageMs: s * 1000, settleMs: SETTLE_MS })),
    );
  }
  if (only.has('web')) {
    const load = { collections: n(300), sales: n(100) };
    const s = Number(args['web-outage']);
    await scenario(`web database unreachable for ${s} s`, `${load.collections} collections + ${load.sales} sales`, () =>
      withEnv('web', FAST, async (t) => runDbOutage(t, await seedStream(t), { ...load, dependency: 'web', outageMs: s * 1000, settleMs: SETTLE_MS })),
    );
  }
  if (only.has('redis')) {
    const load = { collections: n(375), sales: n(125) };
    const redis = await startOwnRedis({ appendOnly: true });
    try {
      await scenario('Redis restarted twice (AOF)', `${load.collections + load.sales} documents`, () =>
        withEnv(undefined, { ...FAST, REDIS_URL: redis.url }, async (t) => runRedisRestarts(t, await seedStream(t), redis, { ...load, restarts: 2, spreadMs: 20_000, settleMs: SETTLE_MS })),
      );
    } finally {
      await redis.stop();
    }
  }
  if (only.has('listen')) {
    const load = { collections: n(300), sales: 0 };
    await scenario('LISTEN connection killed twice', `${load.collections} collections`, () =>
      withEnv(undefined, FAST, async (t) => runListenKills(t, await seedStream(t), { ...load, kills: 2, spreadMs: 15_000, settleMs: SETTLE_MS })),
    );
  }
} finally {
  for (const url of templates) await dropDatabase(url).catch(() => undefined);
}

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);
console.log(`\nfault run at scale ${scale} (issue 12 table loads x ${scale})\n`);
console.log('| fault | load | duplicates | lost without an operator | valid documents in the dead-letter queue | drain after the fault | notes |');
console.log('|---|---|---|---|---|---|---|');
for (const { fault, load, report } of rows) {
  if (report instanceof Error) {
    console.log(`| ${fault} | ${load} | – | – | – | – | failed: ${report.message.replace(/\|/g, '/').slice(0, 200)} |`);
    continue;
  }
  const o = report.outcome;
  const notes = [
    report.kills !== undefined ? `${report.kills} kills` : '',
    report.sawWaiting !== undefined ? `status said waiting: ${report.sawWaiting ? 'yes' : 'no'}` : '',
    report.alerts ? `alerts: ${report.alerts.outage.length} outage, ${report.alerts.recovery.length} recovery, ${report.alerts.other.length} other` : '',
    o.mapped !== o.records ? `${o.records - o.mapped} without web mapping` : '',
    o.deadLetterReasons[0] ? `e.g. ${o.deadLetterReasons[0].replace(/\|/g, '/').slice(0, 160)}` : '',
  ].filter(Boolean);
  console.log(`| ${fault} | ${load} | ${o.duplicates} | ${o.lost} | ${o.deadLetters} | ${seconds(report.drainMs)} | ${notes.join('; ')} |`);
}
