/** Set-up and inspection commands: migrate, setup-triggers, setup-erp, status, test-connection. */
import { DEAD_LETTER_QUEUE, scrubSecrets, type Config } from '@mikrosync/core';
import { createErpClient, erpAccessProblems, setupErpOwnTables } from '@mikrosync/connectors/erp';
import { attachCaptureTriggers, checkWebDatabase, createWebPool, migrateWeb, outboxCounts } from '@mikrosync/connectors/web';
import { connectRedisForCommand, prefixHasKeys, QueueRegistry, redisAddress, redisServerInfo } from '@mikrosync/connectors/queue';
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

/** Read-only: creates no Redis key, and says so when the prefix it looks at holds no fleet. */
export async function runStatus(opts: { json?: boolean }): Promise<void> {
  const { config } = boot('mikrosync-status');
  const redis = await connectRedisForCommand(config.redis);
  const queues = new QueueRegistry(redis, { prefix: config.redis.prefix, attempts: config.worker.attempts, backoffMs: config.worker.backoffMs, readOnly: true });
  const web = createWebPool(config.web, 'mikrosync-status');
  try {
    const rows: Record<string, Record<string, number>> = {};
    for (const name of ALL_QUEUES) {
      const q = queues.get(name);
      rows[name] = { ...(await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')), workers: (await q.getWorkers()).length };
    }
    const workers = Object.values(rows).reduce((n, r) => n + (r.workers ?? 0), 0);
    if (workers === 0 && !(await prefixHasKeys(redis, config.redis.prefix))) process.stderr.write(`${emptyPrefixNote(config)}\n`);
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

/** Told when a read-only command finds nothing under its prefix: most often the wrong QUEUE_PREFIX or REDIS_URL. */
export function emptyPrefixNote(config: Config): string {
  return `note: Redis at ${redisAddress(config.redis)} has no queues, no workers and no schedules under QUEUE_PREFIX "${config.redis.prefix}": is this the fleet's QUEUE_PREFIX and REDIS_URL, and has its producer started?`;
}

export async function runTestConnection(): Promise<void> {
  const { config } = boot('mikrosync-test-connection');
  let failed = false;
  const report = async (name: string, fn: () => Promise<string>) => {
    try {
      process.stdout.write(`ok    ${name}: ${await fn()}\n`);
    } catch (err) {
      failed = true;
      process.stdout.write(`FAIL  ${name}: ${scrubSecrets(err instanceof Error ? err.message : String(err))}\n`);
    }
  };
  const web = createWebPool(config.web, 'mikrosync-test-connection');
  await report('web database', async () => {
    const check = await checkWebDatabase(web);
    if (!check.ok) throw new Error(check.problem);
    return check.version;
  });
  await web.end();
  const erp = createErpClient(config.erp);
  await report(`ERP (${config.erp.dialect})`, async () => {
    await erp.ping();
    const problems = await erpAccessProblems(erp);
    if (problems.length) throw new Error(`reachable, but ${problems.join('; ')}`);
    return 'reachable; Mikro tables, MIKROSYNC_LEDGER and the rights to read and insert are there';
  });
  await erp.close();
  await report('redis', async () => {
    const redis = await connectRedisForCommand(config.redis);
    try {
      const { version, evictionPolicy } = await redisServerInfo(redis);
      const note =
        evictionPolicy === undefined
          ? ' (eviction policy unknown: this Redis refuses CONFIG GET; make sure it is noeviction or jobs can vanish)'
          : evictionPolicy !== 'noeviction'
            ? ` (WARNING: maxmemory-policy ${evictionPolicy}; use noeviction or jobs can vanish)`
            : '';
      return `Redis ${version}${note}`;
    } finally {
      redis.disconnect();
    }
  });
  process.exitCode = failed ? 1 : 0;
}
