/**
 * A whole fleet (`mikrosync start`: producer and every worker in one process) for an end-to-end
 * test, with a queue registry and the dead-letter queue to look at.
 */
import type pg from 'pg';
import { createRedis, DeadLetterQueue, QueueRegistry } from '@mikrosync/connectors';
import { startCli, type CliProcess } from './processes.js';
import { seedErpMasterData, seedWebMasterData, type SeededIds } from './seed.js';
import { afterAll, beforeAll } from 'vitest';
import { createTestEnv, settledOutbox, waitFor, type TestEnv } from './test-env.js';

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

export interface SeededFleet extends TestFleet {
  t: TestEnv;
  ids: SeededIds;
}

/**
 * The start of an end-to-end suite: a fresh environment with the ERP and web master data seeded,
 * `seed` run on it, then the whole fleet.
 */
export async function startSeededFleet<S = undefined>(
  env: Record<string, string> = {},
  seed?: (t: TestEnv) => Promise<S>,
): Promise<SeededFleet & { seeded: S }> {
  const t = await createTestEnv(env);
  await seedErpMasterData(t.erp);
  const ids = await seedWebMasterData(t.web);
  const seeded = (seed ? await seed(t) : undefined) as S;
  return { t, ids, seeded, ...(await startFleet(t)) };
}

export interface CollectionsSuite extends SeededFleet {
  /** Collection receipts (and other account movements) in the ERP, in record order. */
  erpDocs(where?: string): Promise<pg.QueryResult['rows']>;
  outboxOf(id: string): ReturnType<typeof settledOutbox>;
  deadLetterFor(id: string): ReturnType<typeof deadLetterOf>;
}

/** For a describe block of collection tests: a seeded fleet started before its tests, stopped after them. */
export function useCollectionsSuite(): CollectionsSuite {
  const suite = {
    erpDocs: async (where = 'TRUE') => (await suite.t.erpSql.query(`SELECT * FROM "CARI_HESAP_HAREKETLERI" WHERE ${where} ORDER BY "cha_RECno"`)).rows,
    outboxOf: (id: string) => settledOutbox(suite.t.web, id),
    deadLetterFor: (id: string) => deadLetterOf(suite.dlq, id),
  } as CollectionsSuite;
  beforeAll(async () => {
    Object.assign(suite, await startSeededFleet());
  });
  afterAll(async () => {
    await stopFleet(suite);
    await suite.t?.cleanup();
  });
  return suite;
}
