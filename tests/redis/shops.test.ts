/**
 * Several shops on one Redis, each with its own QUEUE_PREFIX, web and ERP databases: two fleets
 * posting at once never cross, and neither sees the other's queues, schedules, dead letters or
 * status page. And a managed Redis that refuses CONFIG: test-connection still passes and says the
 * eviction policy is unknown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_QUEUES } from '@mikrosync/producer';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { runCli } from '../support/processes.js';
import { startFleet, stopFleet, type TestFleet } from '../support/fleet.js';
import { freePort } from '../support/ports.js';
import { RedisTopology } from '../support/redis-topology.js';

interface Shop {
  t: TestEnv;
  ids: SeededIds;
  fleet?: TestFleet;
  port: number;
  /** Amounts of this shop's collections: disjoint from the other shop's. */
  base: number;
  written: string[];
  bad?: string;
}

describe.skipIf(ERP_UNDER_TEST !== 'pg')('two shops on one Redis', () => {
  const shops: Shop[] = [];
  const perShop = 40;

  beforeAll(async () => {
    for (const [i, cron] of ['0 0 1 1 *', '0 0 2 1 *'].entries()) {
      const port = await freePort();
      // A schedule per shop that never fires during the test (1 and 2 January), to tell them apart.
      const t = await createTestEnv({ HTTP_PORT: String(port), SCHEDULE_CATALOG: cron });
      await seedErpMasterData(t.erp);
      shops.push({ t, ids: await seedWebMasterData(t.web), port, base: (i + 1) * 1000, written: [] });
    }
    for (const s of shops) s.fleet = await startFleet(s.t);
  });
  afterAll(async () => {
    for (const s of shops) {
      await stopFleet(s.fleet ?? {});
      await s.t.cleanup();
    }
  });

  it('post at once, each into its own ERP only', async () => {
    await Promise.all(
      shops.map(async (s) => {
        for (let i = 0; i < perShop; i += 5) {
          const batch = Array.from({ length: 5 }, (_, k) => insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: s.base + i + k }));
          s.written.push(...(await Promise.all(batch)));
        }
        s.bad = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: 0 });
      }),
    );
    for (const s of shops) {
      await waitFor(`${s.t.name}: ${perShop} posted`, async () => (await s.t.web.query('SELECT count(*)::int AS n FROM int_tahsilat_mapping')).rows[0].n === perShop || undefined, 60_000);
      await waitFor(`${s.t.name}: dead letter`, async () => (await s.fleet!.dlq.count()) === 1 || undefined, 30_000);
    }
    for (const s of shops) {
      const amounts = (await s.t.erpSql.query(`SELECT "cha_meblag"::int AS a FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 1 ORDER BY 1`)).rows.map((r) => r.a);
      expect(amounts).toEqual(Array.from({ length: perShop }, (_, i) => s.base + i));
      const ledgerIds = (await s.t.erpSql.query('SELECT ldg_web_id AS id FROM "MIKROSYNC_LEDGER"')).rows.map((r) => r.id).sort();
      expect(ledgerIds).toEqual([...s.written].sort());
    }
  });

  it('dead letters, status page and schedules show only the own shop', async () => {
    for (const [i, s] of shops.entries()) {
      const other = shops[1 - i]!;
      const list = await runCli(['dlq', 'list', '--json'], s.t.env);
      expect(list.code, list.output).toBe(0);
      const entries = JSON.parse(list.output.slice(list.output.indexOf('['))) as { record?: { id: string } }[];
      expect(entries.map((e) => e.record?.id)).toEqual([s.bad]);

      const status = (await (await fetch(`http://127.0.0.1:${s.port}/api/status`)).json()) as {
        flows: { flow: string; deadLetters: unknown[]; queue: { workers: number } }[];
        deadLetters: { record?: { id: string } }[];
      };
      expect(status.deadLetters.map((d) => d.record?.id)).toEqual([s.bad]);
      const collections = status.flows.find((f) => f.flow === 'collections')!;
      expect(collections.deadLetters).toHaveLength(1);
      // One fleet process serves this shop; the other shop's workers are not counted.
      expect(collections.queue.workers).toBe(1);

      const patterns: string[] = [];
      for (const q of ALL_QUEUES) patterns.push(...(await s.fleet!.queues.get(q).getJobSchedulers()).map((j) => j.pattern ?? ''));
      expect(patterns).toContain(s.t.env.SCHEDULE_CATALOG);
      expect(patterns).not.toContain(other.t.env.SCHEDULE_CATALOG);
    }
  });
});

describe.skipIf(ERP_UNDER_TEST !== 'pg')('a managed Redis that refuses CONFIG', () => {
  const topology = new RedisTopology();
  afterAll(() => topology.stop());

  it('test-connection passes, with the eviction policy read from INFO', async () => {
    const port = await freePort();
    await topology.server(port, ['--rename-command', 'CONFIG', '']);
    const t = await createTestEnv({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const check = await runCli(['test-connection'], t.env);
      expect(check.code, check.output).toBe(0);
      // The policy comes from INFO when CONFIG GET is refused (tests/producer/cli.test.ts covers "unknown").
      expect(check.output).toMatch(/ok {4}redis: Redis 7\S*/);
      expect(check.output).not.toMatch(/FAIL/);
    } finally {
      await t.cleanup();
    }
  });
});
