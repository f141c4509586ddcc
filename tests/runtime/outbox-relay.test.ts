/**
 * The outbox relay: events written while no producer runs, or while Redis is down and loses its
 * queues, are all enqueued and posted exactly once; the LISTEN connection comes back after it is
 * killed.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProducer } from '@mikrosync/producer';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { collectionCounts, insertCollections, useCliFleet } from '../support/cli-fleet.js';
import { freePort } from '../support/ports.js';

const fleet = useCliFleet();

describe.skipIf(ERP_UNDER_TEST !== 'pg')('events written while no producer runs', () => {
  it('collections written while the producer is down are all posted once when two producers start', async () => {
    const { t, ids } = await fleet.setup();
    fleet.start(['worker', '--domain', 'collections'], t.env);
    const written = await insertCollections(t, ids, 50);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await collectionCounts(t)).docs).toBe(0);
    // Two producers at once (e.g. a rolling restart): still every collection exactly once.
    fleet.start(['producer'], t.env);
    fleet.start(['producer'], t.env);
    await waitFor('50 posted', async () => (await collectionCounts(t)).maps === 50 || undefined, 60_000);
    const c = await collectionCounts(t);
    expect(c).toMatchObject({ docs: 50, numbers: 50, ledger: 50, ledgerIds: 50, maps: 50 });
    // Outbox events are settled just after the worker's own commit: wait for the last ones.
    await waitFor('every outbox event done', async () => (await t.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE status <> 'done' AND record_id = ANY($1)`, [written])).rows[0].n === 0);
  });
});

/** A Redis server of this test only (restarting the shared one would disturb other tests). */
async function ownRedis(port: number, dir: string) {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitFor('redis up', () => new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  }), 10_000, 50);
  return {
    async stop() {
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

describe.skipIf(ERP_UNDER_TEST !== 'pg')('Redis restarted mid-stream', () => {
  it('loses nothing and doubles nothing', async () => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'mikrosync-redis-'));
    let redis = await ownRedis(port, dir);
    fleet.onCleanup(() => redis.stop());
    const { t, ids } = await fleet.setup({ REDIS_URL: `redis://127.0.0.1:${port}` });
    fleet.start(['producer'], t.env);
    fleet.start(['worker', '--domain', 'collections'], t.env);
    const first = await insertCollections(t, ids, 30);
    await waitFor('some posted', async () => (await collectionCounts(t)).maps >= 5 || undefined, 30_000);
    // Redis keeps nothing on disk here: a restart loses every queued job.
    await redis.stop();
    const during = await insertCollections(t, ids, 20);
    redis = await ownRedis(port, dir);
    const after = await insertCollections(t, ids, 20);
    const all = [...first, ...during, ...after];
    await waitFor('all 70 posted', async () => (await collectionCounts(t)).maps === 70 || undefined, 90_000);
    expect(await collectionCounts(t)).toMatchObject({ docs: 70, numbers: 70, ledger: 70, ledgerIds: 70, maps: 70 });
    // Outbox events are settled just after the worker's own commit: wait for the last ones.
    await waitFor('every outbox event done', async () => (await t.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE status <> 'done' AND record_id = ANY($1)`, [all])).rows[0].n === 0);
  });
});

describe('the outbox listener', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('the outbox listener reconnects after its connection is killed', async () => {
    const producer = await startProducer(t.config, t.log, { http: false });
    try {
      const listenerPid = async () =>
        (await t.web.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'mikrosync-listener' AND datname = current_database()`)).rows[0]?.pid as number | undefined;
      const first = await waitFor('listener connected', listenerPid);
      await t.web.query('SELECT pg_terminate_backend($1)', [first]);
      // The new backend shows up in pg_stat_activity before its LISTEN has run: wait for both.
      const second = await waitFor('listener reconnected and listening', async () => {
        const pid = await listenerPid();
        return pid && pid !== first && producer.relay.listening ? pid : undefined;
      });
      expect(second).not.toBe(first);
    } finally {
      await producer.close();
    }
  });
});
