/**
 * A whole fleet (`mikrosync start`: producer and every worker in one process) for an end-to-end
 * test, with a queue registry and the dead-letter queue to look at.
 */
import { createRedis, DeadLetterQueue, QueueRegistry } from '@mikrosync/connectors';
import { startCli, type CliProcess } from './processes.js';
import { seedErpMasterData, seedWebMasterData, type SeededIds } from './seed.js';
import { createTestEnv, waitFor, type TestEnv } from './test-env.js';

export interface TestFleet {
  fleet: CliProcess;
  queues: QueueRegistry;
  dlq: DeadLetterQueue;
}

/** Starts the fleet and resolves once its outbox listener has run LISTEN (not merely connected). */
export async function startFleet(t: Pick<TestEnv, 'env' | 'config' | 'web'>): Promise<TestFleet> {
  const fleet = startCli(['start'], t.env);
  const redis = createRedis(t.config.redis);
  redis.on('error', () => undefined); // reconnects by itself; a test that stops Redis expects these
  const queues = new QueueRegistry(redis, { prefix: t.config.redis.prefix, attempts: 3, backoffMs: 100 });
  const dlq = new DeadLetterQueue(queues);
  const listening = `SELECT 1 FROM pg_stat_activity WHERE application_name = 'mikrosync-listener' AND datname = current_database() AND query LIKE 'LISTEN %'`;
  await waitFor('fleet listening', async () => (await t.web.query(listening)).rowCount, 30_000).catch(async (err: Error) => {
    await fleet.stop();
    await queues.close();
    redis.disconnect();
    throw new Error(`${err.message}\n--- fleet output ---\n${fleet.output().slice(-4000)}`);
  });
  return { fleet, queues, dlq };
}

export async function stopFleet(f: Partial<TestFleet>): Promise<void> {
  await f.fleet?.stop();
  await f.queues?.close();
  f.queues?.connection.disconnect();
}

/** The dead letter of a web record, once it is there. */
export function deadLetterOf(dlq: DeadLetterQueue, recordId: string, timeoutMs?: number) {
  return waitFor(`dead letter of ${recordId}`, async () => (await dlq.list(0, 999)).find((e) => e.record?.id === recordId), timeoutMs);
}

/**
 * The start of an end-to-end suite: a fresh environment with the ERP and web master data seeded,
 * `seed` run on it, then the whole fleet.
 */
export async function startSeededFleet<S = undefined>(
  env: Record<string, string> = {},
  seed?: (t: TestEnv) => Promise<S>,
): Promise<TestFleet & { t: TestEnv; ids: SeededIds; seeded: S }> {
  const t = await createTestEnv(env);
  await seedErpMasterData(t.erp);
  const ids = await seedWebMasterData(t.web);
  const seeded = (seed ? await seed(t) : undefined) as S;
  return { t, ids, seeded, ...(await startFleet(t)) };
}
