/**
 * Fleets driven through their status API: a fresh test environment with its own HTTP port, seeded
 * master data, a queue registry and dead-letter queue of its prefix, and CLI processes of the test;
 * everything is stopped and dropped after each test (newest first).
 */
import { afterEach } from 'vitest';
import { createRedis, DeadLetterQueue, QueueRegistry } from '@mikrosync/connectors';
import { createTestEnv, waitFor, type TestEnv } from './test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from './seed.js';
import { startCli, type CliProcess } from './processes.js';

export interface Setup {
  t: TestEnv;
  ids: SeededIds;
  base: string;
  dlq: DeadLetterQueue;
  queues: QueueRegistry;
  start(args: string[], extra?: Record<string, string>): CliProcess;
}

export interface StatusFleet {
  /** `route` may point the fleet's database URLs elsewhere (through a TCP gate) after seeding. */
  setup(env: Record<string, string>, route?: (t: TestEnv) => Record<string, string>): Promise<Setup>;
  onCleanup(cleanup: () => Promise<void>): void;
}

/** Registers the afterEach hook of the calling test file. */
export function useStatusFleet(): StatusFleet {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  async function setup(env: Record<string, string>, route?: (t: TestEnv) => Record<string, string>): Promise<Setup> {
    const t = await createTestEnv({ HTTP_PORT: String(20000 + Math.floor(Math.random() * 20000)), LOG_LEVEL: 'info', ...env });
    cleanups.push(() => t.cleanup());
    await seedErpMasterData(t.erp);
    const ids = await seedWebMasterData(t.web);
    Object.assign(t.env, route?.(t) ?? {});
    const queues = new QueueRegistry(createRedis({ url: t.env.REDIS_URL! }), { prefix: t.config.redis.prefix, attempts: 3, backoffMs: 100 });
    cleanups.push(async () => {
      await queues.close();
      queues.connection.disconnect();
    });
    return {
      t,
      ids,
      base: `http://127.0.0.1:${t.env.HTTP_PORT}`,
      dlq: new DeadLetterQueue(queues),
      queues,
      start(args, extra = {}) {
        const p = startCli(args, { ...t.env, ...extra });
        cleanups.push(() => p.stop('SIGKILL'));
        return p;
      },
    };
  }
  return {
    setup,
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
}

export async function fleetUp(s: Setup, fleet: CliProcess): Promise<void> {
  await waitFor('status page up', async () => (await fetch(`${s.base}/healthz`).catch(() => undefined))?.ok, 60_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${fleet.output().slice(-3000)}`);
  });
}

/** Collections posted (web mappings written). */
export const posted = async (t: TestEnv) => (await t.web.query('SELECT count(*)::int AS n FROM int_tahsilat_mapping')).rows[0].n as number;
export const apiStatus = async (base: string) => (await (await fetch(`${base}/api/status`)).json()) as {
  outages: { dependency: string; since: string; queued: number }[];
  flows: { flow: string; health: string; reasons: string[]; deadLetters: unknown[]; why?: string[] }[];
};
/** n cash collections of SERHAN, amounts from, from + 1, ... */
export const insertSome = (s: Setup, n: number, from = 1) =>
  Promise.all(Array.from({ length: n }, (_, i) => insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: from + i })));
