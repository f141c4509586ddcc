/** Set-up and inspection commands: migrate, setup-triggers, setup-erp, status, test-connection. */
import { DEAD_LETTER_QUEUE } from '@mikrosync/core';
import {
  attachCaptureTriggers,
  createErpClient,
  createRedis,
  readEvictionPolicy,
  createWebPool,
  migrateWeb,
  outboxCounts,
  QueueRegistry,
  setupErpOwnTables,
} from '@mikrosync/connectors';
import { boot } from '../runtime-config.js';
import { ALL_QUEUES } from '../producer.js';

export async function runMigrate(): Promise<void> {
  const { config, log } = boot('mikrosync-migrate');
  const applied = await migrateWeb(config.web.url, log);
  const erp = createErpClient(config.erp);
  try {
    await setupErpOwnTables(erp);
  } finally {
    await erp.close();
  }
  process.stdout.write(`web database: ${applied.length} migration(s) applied; ERP: own tables ready\n`);
}

export async function runSetupTriggers(): Promise<void> {
  const { config } = boot('mikrosync-setup');
  const attached = await attachCaptureTriggers(config.web.url);
  process.stdout.write(`capture trigger attached to: ${attached.join(', ') || '(no captured table exists yet)'}\n`);
}

export async function runSetupErp(): Promise<void> {
  const { config } = boot('mikrosync-setup');
  const erp = createErpClient(config.erp);
  try {
    await setupErpOwnTables(erp);
    process.stdout.write(`ERP (${config.erp.dialect}): MIKROSYNC_LEDGER ready\n`);
  } finally {
    await erp.close();
  }
}

export async function runStatus(opts: { json?: boolean }): Promise<void> {
  const { config } = boot('mikrosync-status');
  const redis = createRedis(config.redis, { maxRetriesPerRequest: 1 });
  const queues = new QueueRegistry(redis, { prefix: config.redis.prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs });
  const web = createWebPool(config.web, 'mikrosync-status');
  try {
    const rows: Record<string, Record<string, number>> = {};
    for (const name of ALL_QUEUES) {
      const q = queues.get(name);
      rows[name] = { ...(await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')), workers: (await q.getWorkers()).length };
    }
    const outbox = await outboxCounts(web);
    if (opts.json) process.stdout.write(`${JSON.stringify({ queues: rows, outbox }, null, 2)}\n`);
    else {
      console.table(rows);
      process.stdout.write(`outbox: ${Object.entries(outbox).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
      const dead = rows[DEAD_LETTER_QUEUE]?.waiting ?? 0;
      if (dead) process.stdout.write(`${dead} job(s) in the dead-letter queue: mikrosync dlq list\n`);
    }
  } finally {
    await queues.close();
    redis.disconnect();
    await web.end();
  }
}

export async function runTestConnection(): Promise<void> {
  const { config } = boot('mikrosync-test-connection');
  let failed = false;
  const report = async (name: string, fn: () => Promise<string>) => {
    try {
      process.stdout.write(`ok    ${name}: ${await fn()}\n`);
    } catch (err) {
      failed = true;
      process.stdout.write(`FAIL  ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  };
  const web = createWebPool(config.web, 'mikrosync-test-connection');
  await report('web database', async () => {
    const r = await web.query<{ v: string; tables: string[] }>(
      `SELECT version() AS v, ARRAY(SELECT t FROM unnest(ARRAY['sync_outbox','int_tahsilat_mapping','tahsilatlar','cari_hesaplar']) t WHERE to_regclass(t) IS NULL) AS tables`,
    );
    const missing = r.rows[0]?.tables ?? [];
    if (missing.length) throw new Error(`connected, but tables are missing: ${missing.join(', ')} (run: mikrosync migrate)`);
    return (r.rows[0]?.v ?? '').split(',')[0] ?? '';
  });
  await web.end();
  const erp = createErpClient(config.erp);
  await report(`ERP (${config.erp.dialect})`, async () => {
    await erp.ping();
    return 'reachable';
  });
  await erp.close();
  const redis = createRedis(config.redis, { maxRetriesPerRequest: 1, reconnect: false });
  await report('redis', async () => {
    const info = await redis.info('server');
    const policy = await readEvictionPolicy(redis);
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    const note =
      policy === 'unknown'
        ? ' (maxmemory-policy unknown: CONFIG GET refused; make sure it is noeviction, or jobs can vanish)'
        : policy !== 'noeviction'
          ? ` (WARNING: maxmemory-policy ${policy}; use noeviction or jobs can vanish)`
          : '';
    return `Redis ${version}${note}`;
  });
  redis.disconnect();
  process.exitCode = failed ? 1 : 0;
}
