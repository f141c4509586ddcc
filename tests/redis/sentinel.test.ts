/**
 * Redis behind Sentinel: one master, one replica, three sentinels of this test. The master fails
 * while collections stream through the fleet: SIGKILLed, or frozen by DEBUG SLEEP past the
 * failover (it wakes up still believing it is the master, with clients connected, until the
 * sentinels demote it). The sentinels promote the replica, the fleet follows, and every collection
 * is posted exactly once. Replication is asynchronous, so jobs written just before the failure are
 * missing on the new master: the producer's outbox sweep enqueues them again, and the ERP ledger
 * keeps a job that runs twice from posting twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData } from '../support/seed.js';
import { startCli, type CliProcess } from '../support/processes.js';
import { startFleet, stopFleet, type TestFleet } from '../support/fleet.js';
import { redisCli, RedisTopology, startSentinelSet } from '../support/redis-topology.js';

let topology: RedisTopology | undefined;
let t: TestEnv | undefined;
let fleet: TestFleet | undefined;
let worker: CliProcess | undefined;

afterEach(async () => {
  // SIGKILL: the processes of a failed run must not outlive it, nor keep the Redis servers alive.
  try {
    await Promise.all([worker?.stop('SIGKILL'), fleet?.fleet.stop('SIGKILL')]);
    await stopFleet(fleet ?? {});
    await t?.cleanup();
  } finally {
    await topology?.stop();
    topology = t = fleet = worker = undefined;
  }
});

async function counts(t: TestEnv) {
  const erp = await t.erpSql.query(`SELECT count(*)::int AS docs, count(DISTINCT "cha_evrakno_sira")::int AS numbers FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 1`);
  const ledger = await t.erpSql.query('SELECT count(*)::int AS n, count(DISTINCT ldg_web_id)::int AS ids FROM "MIKROSYNC_LEDGER"');
  const maps = await t.web.query('SELECT count(*)::int AS n FROM int_tahsilat_mapping');
  return { docs: erp.rows[0].docs, numbers: erp.rows[0].numbers, ledger: ledger.rows[0].n, ledgerIds: ledger.rows[0].ids, maps: maps.rows[0].n };
}

describe.skipIf(ERP_UNDER_TEST !== 'pg')('Redis Sentinel failover mid-stream', () => {
  for (const fault of ['SIGKILL', 'DEBUG SLEEP'] as const) {
    it(`follows the promoted replica when the master fails (${fault}): 0 lost, 0 duplicates`, async () => {
      topology = new RedisTopology();
      const set = await startSentinelSet(topology);
      // REDIS_URL points nowhere: every connection must come from the sentinels.
      t = await createTestEnv({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_SENTINELS: set.sentinels, REDIS_SENTINEL_NAME: set.name });
      const env = t;
      await seedErpMasterData(env.erp);
      const ids = await seedWebMasterData(env.web);
      fleet = await startFleet(env);
      worker = startCli(['worker', '--domain', 'collections'], env.env);
      expect(await set.masterPort()).toBe(set.master.port);

      const total = 120;
      const written: string[] = [];
      const stream = (async () => {
        for (let i = 0; i < total; i += 4) {
          const batch = [0, 1, 2, 3].map((k) => insertCollection(env.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: i + k + 1 }));
          written.push(...(await Promise.all(batch)));
          await new Promise((r) => setTimeout(r, 100));
        }
      })();

      // Once the stream flows, hold the replica back (DEBUG SLEEP) so that the master accepts writes
      // the replica never gets (new jobs, finished jobs); then the master fails: those writes are lost.
      await waitFor('the stream flowing', async () => (await counts(env)).maps >= 10 || undefined, 60_000, 50);
      const replicaSleeps = redisCli(set.replica.port, 'DEBUG', 'SLEEP', '2').catch(() => '');
      await new Promise((r) => setTimeout(r, 1000));
      const replication = await redisCli(set.master.port, 'INFO', 'replication');
      const masterOffset = Number(/master_repl_offset:(\d+)/.exec(replication)?.[1]);
      const replicaOffset = Number(/slave0:.*offset=(\d+)/.exec(replication)?.[1]);
      const masterSleeps = fault === 'SIGKILL' ? set.master.kill() : redisCli(set.master.port, 'DEBUG', 'SLEEP', '8').catch(() => '');
      expect(masterOffset, replication).toBeGreaterThan(replicaOffset);

      await waitFor('the sentinels promoted the replica', async () => (await set.masterPort()) === set.replica.port, 60_000, 200);
      await Promise.all([replicaSleeps, masterSleeps, stream]);
      expect(written.length).toBe(total);
      if (fault === 'DEBUG SLEEP') {
        // The old master woke up and was demoted: clients that were connected to it moved on.
        await waitFor('the old master demoted', async () => /role:slave/.test(await redisCli(set.master.port, 'INFO', 'replication')), 60_000, 200);
      }

      await waitFor(`all ${total} posted`, async () => (await counts(env)).maps === total || undefined, 110_000, 250);
      expect(await counts(env)).toEqual({ docs: total, numbers: total, ledger: total, ledgerIds: total, maps: total });
      await waitFor('every outbox event done', async () => {
        const r = await env.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE status <> 'done' AND record_id = ANY($1)`, [written]);
        return r.rows[0].n === 0;
      }, 30_000);
      const redisStatus = (fleet.queues.connection as { status?: string }).status;
      expect(await fleet.dlq.count().catch((err: Error) => `${err.message} (connection ${redisStatus})`)).toBe(0);
      // Each amount exactly once: no collection was posted twice or for another's record.
      const amounts = (await env.erpSql.query(`SELECT "cha_meblag"::int AS a FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 1 ORDER BY 1`)).rows.map((r) => r.a);
      expect(amounts).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    });
  }
});
