/**
 * A fresh test environment per test with producer and worker CLI processes started by the test,
 * all killed (SIGKILL) and cleaned up after each test; and the collection counts that tell
 * "exactly once" from "lost" or "doubled".
 */
import { afterEach } from 'vitest';
import { createTestEnv, type TestEnv } from './test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from './seed.js';
import { startCli, type CliProcess } from './processes.js';

export interface CliFleet {
  /** A new test environment with the ERP and web master data seeded. */
  setup(env?: Record<string, string>): Promise<{ t: TestEnv; ids: SeededIds }>;
  start(args: string[], env: Record<string, string>): CliProcess;
  /** SIGKILL every process started so far. */
  killAll(): Promise<void>;
  /** Run after the processes are stopped, before the environment is cleaned up. */
  onCleanup(cleanup: () => Promise<void>): void;
}

/** Registers the afterEach hook of the calling test file. */
export function useCliFleet(): CliFleet {
  let t: TestEnv | undefined;
  const running: CliProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const killAll = async () => {
    await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  };
  afterEach(async () => {
    await killAll();
    for (const c of cleanups.splice(0)) await c();
    await t?.cleanup();
    t = undefined;
  });
  return {
    async setup(env = {}) {
      t = await createTestEnv(env);
      await seedErpMasterData(t.erp);
      return { t, ids: await seedWebMasterData(t.web) };
    },
    start(args, env) {
      const p = startCli(args, env);
      running.push(p);
      return p;
    },
    killAll,
    onCleanup(cleanup) {
      cleanups.push(cleanup);
    },
  };
}

/** Collection receipts in the ERP, their distinct numbers, ledger rows and web mappings. */
export async function collectionCounts(t: TestEnv) {
  const erp = await t.erpSql.query(
    `SELECT count(*)::int AS docs, count(DISTINCT "cha_evrakno_sira")::int AS numbers FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 1`,
  );
  const ledger = await t.erpSql.query('SELECT count(*)::int AS n, count(DISTINCT ldg_web_id)::int AS ids FROM "MIKROSYNC_LEDGER"');
  const maps = await t.web.query('SELECT count(*)::int AS n FROM int_tahsilat_mapping');
  return { docs: erp.rows[0].docs, numbers: erp.rows[0].numbers, ledger: ledger.rows[0].n, ledgerIds: ledger.rows[0].ids, maps: maps.rows[0].n };
}

/** n cash collections of SERHAN, amounts 1..n. */
export function insertCollections(t: TestEnv, ids: SeededIds, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: i + 1 })),
  );
}
