/**
 * Redis Cluster: three masters of this test. The fleet runs the collections end to end through
 * the cluster (posting, dead letter, requeue by the CLI, status), every key of the shop lands in
 * one hash slot, and our own multi-key scripts (Bitrix24 limiter, locks, job metrics) run there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BitrixLimiter,
  createRedis,
  readJobDurations,
  recordJobDuration,
  tryRunLock,
  type RedisConnection,
} from '@mikrosync/connectors';
import { createTestEnv, ERP_UNDER_TEST, settledOutbox, waitFor, type TestEnv } from '../support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { runCli } from '../support/processes.js';
import { startFleet, stopFleet, type TestFleet } from '../support/fleet.js';
import { redisCli, RedisTopology, startCluster, type RedisClusterSet } from '../support/redis-topology.js';

describe.skipIf(ERP_UNDER_TEST !== 'pg')('Redis Cluster (3 masters)', () => {
  const topology = new RedisTopology();
  let cluster: RedisClusterSet;
  let t: TestEnv;
  let ids: SeededIds;
  let fleet: TestFleet | undefined;
  let redis: RedisConnection | undefined;

  beforeAll(async () => {
    cluster = await startCluster(topology);
    t = await createTestEnv({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: cluster.nodes });
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    fleet = await startFleet(t);
    redis = createRedis(t.config.redis);
  });
  afterAll(async () => {
    try {
      await fleet?.fleet.stop('SIGKILL');
      await stopFleet(fleet ?? {});
      redis?.disconnect();
      await t?.cleanup();
    } finally {
      await topology.stop();
    }
  });

  const mapped = async (id: string) => (await t.web.query('SELECT erp_recno FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rows[0];

  it('hash-tags the prefix', () => {
    expect(t.config.redis.prefix).toBe(`{${t.name}}`);
  });

  it('posts collections exactly once through the cluster', async () => {
    const written = await Promise.all(
      Array.from({ length: 30 }, (_, i) => insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 100 + i })),
    );
    await waitFor('30 posted', async () => (await t.web.query('SELECT count(*)::int AS n FROM int_tahsilat_mapping')).rows[0].n === 30 || undefined, 60_000);
    const docs = await t.erpSql.query(`SELECT "cha_meblag"::int AS a, "cha_evrakno_sira" AS n FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 1 ORDER BY 1`);
    expect(docs.rows.map((r) => r.a)).toEqual(Array.from({ length: 30 }, (_, i) => 100 + i));
    expect(new Set(docs.rows.map((r) => r.n)).size).toBe(30);
    for (const id of written.slice(0, 3)) expect((await settledOutbox(t.web, id)).map((o) => o.status)).toEqual(['done']);
  });

  it('dead-letters bad input and posts it once after the fix and a CLI requeue', async () => {
    const stranger = (await t.web.query(`INSERT INTO cari_hesaplar (cari_kodu, cari_adi, cari_tipi) VALUES ('', 'KUME TOPTAN', 'Müşteri') RETURNING id`)).rows[0].id as string;
    const id = await insertCollection(t.web, { cari_hesap_id: stranger, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 75 });
    const dead = await waitFor('dead letter', async () => (await fleet!.dlq.list(0, 99)).find((e) => e.record?.id === id), 30_000);
    expect(dead.reason).toMatch(/int_kodmap_cari/);
    const listed = await runCli(['dlq', 'list'], t.env);
    expect(listed.code, listed.output).toBe(0);
    expect(listed.output).toContain(`id: ${dead.id}`);
    expect(listed.output).toContain('KUME TOPTAN');

    await t.erpSql.query(`INSERT INTO "CARI_HESAPLAR" ("cari_kod", "cari_unvan1") VALUES ('KUME', 'KUME TOPTAN')`);
    await t.web.query('INSERT INTO int_kodmap_cari (web_cari_id, erp_cari_kod) VALUES ($1, $2)', [stranger, 'KUME']);
    const requeue = await runCli(['dlq', 'requeue', dead.id], t.env);
    expect(requeue.code, requeue.output).toBe(0);
    await waitFor('posted after requeue', () => mapped(id), 30_000);
    expect((await t.erpSql.query(`SELECT count(*)::int AS n FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_kod" = 'KUME'`)).rows[0].n).toBe(1);
    expect((await fleet!.dlq.list(0, 99)).find((e) => e.record?.id === id)).toBeUndefined();
  });

  it('status and test-connection work against the cluster', async () => {
    const status = await runCli(['status', '--json'], t.env);
    expect(status.code, status.output).toBe(0);
    const parsed = JSON.parse(status.output.slice(status.output.indexOf('{'))) as { queues: Record<string, { workers: number }> };
    expect(parsed.queues.collections!.workers).toBeGreaterThan(0);
    const check = await runCli(['test-connection'], t.env);
    expect(check.output).toMatch(/ok {4}redis: Redis 7/);
  });

  it('keeps every key of the shop in one hash slot, on one master', async () => {
    const perNode = await Promise.all(cluster.ports.map(async (p) => (await redisCli(p, 'KEYS', `${t.config.redis.prefix}:*`)).split('\n').filter(Boolean)));
    const nodesWithKeys = perNode.filter((keys) => keys.length > 0);
    expect(nodesWithKeys).toHaveLength(1);
    const keys = nodesWithKeys[0]!;
    expect(keys.some((k) => k.includes(':collections:'))).toBe(true);
    const slots = new Set(await Promise.all(keys.slice(0, 20).map(async (k) => (await redisCli(cluster.ports[0]!, 'CLUSTER', 'KEYSLOT', k)).trim())));
    expect(slots.size).toBe(1);
  });

  it('runs the Bitrix24 limiter, the locks and the job metrics on the cluster', async () => {
    const r = redis!;
    const prefix = t.config.redis.prefix;
    const limiter = new BitrixLimiter(r, { prefix, portal: 'portal.example', ratePerSecond: 50, burst: 10, operatingLimitSeconds: 480 });
    await limiter.recordOperating('crm.deal.list', 10, Date.now() + 60_000);
    expect(await limiter.acquire(['crm.deal.list', 'crm.lead.list', 'tasks.task.list'])).toMatchObject({ ok: true });
    await limiter.blockMethod('crm.lead.list', Date.now() + 600_000);
    expect(await limiter.acquire(['crm.deal.list', 'crm.lead.list'])).toMatchObject({ ok: false, method: 'crm.lead.list' });
    expect(await limiter.penalize(10)).toBeGreaterThanOrEqual(0);

    const lock = await tryRunLock(r, `${prefix}:lock:bitrix:cycle`, 5000);
    expect(lock).toBeDefined();
    expect(await tryRunLock(r, `${prefix}:lock:bitrix:cycle`, 5000)).toBeUndefined();
    await lock!.release();
    const feed = await tryRunLock(r, `${prefix}:lock:xml:feed`, 5000);
    expect(feed).toBeDefined();
    await feed!.release();
    expect(await r.exists(`${prefix}:lock:xml:feed`)).toBe(0);

    await recordJobDuration(r, prefix, 'collections', 0.3, 'completed');
    const [completed] = await readJobDurations(r, prefix, 'collections');
    expect(completed!.count).toBeGreaterThan(0);

    // The control: without the hash tag the limiter's keys fall into different slots, and the
    // cluster refuses the script. This is what the tag prevents.
    const untagged = new BitrixLimiter(r, { prefix: t.name, portal: 'portal.example', ratePerSecond: 50, burst: 10, operatingLimitSeconds: 480 });
    await expect(untagged.acquire(['crm.deal.list', 'crm.lead.list', 'tasks.task.list', 'user.get'])).rejects.toThrow(/CROSSSLOT|same slot/i);
  });
});
