/**
 * A whole fleet (`mikrosync start`: producer and every worker in one process) for an end-to-end
 * test, with a queue registry and the dead-letter queue to look at.
 */
import type pg from 'pg';
import { createRedis, DeadLetterQueue, QueueRegistry } from '@mikrosync/connectors';
import { startCli, type CliProcess } from './processes.js';
import { seedErpMasterData, seedWebMasterData, type SeededIds } from './seed.js';
import { seedStocks } from './invoice-seed.js';
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

export interface InvoicesSuite extends SeededFleet {
  /** Web stock ids by code (seedStocks). */
  stock: Record<string, string>;
  ledgerOf(id: string): Promise<pg.QueryResult['rows'][number] | undefined>;
  headerOf(recno: number): Promise<pg.QueryResult['rows'][number] | undefined>;
  linesOf(recno: number): Promise<pg.QueryResult['rows']>;
  /** Account and stock movements in the ERP together: "nothing written" is this count unchanged. */
  erpCount(): Promise<number>;
  deadLetterFor(id: string): ReturnType<typeof deadLetterOf>;
  /** The ledger row of a document once it reached `version`. */
  posted(id: string, version?: number): Promise<pg.QueryResult['rows'][number]>;
}

/**
 * For a describe block of invoice tests: a seeded fleet with stock cards on both sides, whose
 * document quiet period is well above the relay's latency on a loaded machine.
 */
export function useInvoicesSuite(): InvoicesSuite {
  const erp = (text: string, values: unknown[] = []) => suite.t.erpSql.query(text, values);
  const suite = {
    ledgerOf: async (id: string) => (await erp('SELECT * FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = $1', [id])).rows[0],
    headerOf: async (recno: number) => (await erp('SELECT * FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_RECno" = $1', [recno])).rows[0],
    linesOf: async (recno: number) => (await erp('SELECT * FROM "STOK_HAREKETLERI" WHERE sth_fat_recid_recno = $1 ORDER BY sth_satirno', [recno])).rows,
    erpCount: async () => Number((await erp('SELECT (SELECT count(*) FROM "CARI_HESAP_HAREKETLERI") + (SELECT count(*) FROM "STOK_HAREKETLERI") AS n')).rows[0].n),
    deadLetterFor: (id: string) => deadLetterOf(suite.dlq, id, 20_000),
    posted: (id: string, version = 1) =>
      waitFor(`ledger v${version} of ${id}`, async () => {
        const l = await suite.ledgerOf(id);
        return l && l.ldg_version >= version ? l : undefined;
      }, 20_000),
  } as InvoicesSuite;
  beforeAll(async () => {
    const env = { OUTBOX_DEBOUNCE_MS: '50', OUTBOX_DOCUMENT_DEBOUNCE_MS: '1000', NOT_READY_RETRY_MS: '300', NOT_READY_MAX_WAIT_MS: '600000' };
    const { seeded, ...fleet } = await startSeededFleet(env, (e) => seedStocks(e.web, e.erp));
    Object.assign(suite, fleet, { stock: seeded });
  });
  afterAll(async () => {
    await stopFleet(suite);
    await suite.t?.cleanup();
  });
  return suite;
}
