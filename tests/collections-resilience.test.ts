/**
 * Exactly once under failure: a worker killed between the ERP commit and the web write, a
 * producer that is down while the web app writes, Redis restarted mid-stream, two workers racing
 * for document numbers.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestEnv, ERP_UNDER_TEST, settledOutbox, waitFor, type TestEnv } from './support/test-env.js';
import { erpInsert, insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from './support/seed.js';
import { syncInsert, webInsert } from './support/stock-seed.js';
import { startCli, type CliProcess } from './support/processes.js';
import { freePort } from './support/ports.js';

let t: TestEnv | undefined;
const running: CliProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  for (const c of cleanups.splice(0)) await c();
  await t?.cleanup();
  t = undefined;
});

async function setup(env: Record<string, string> = {}): Promise<{ t: TestEnv; ids: SeededIds }> {
  t = await createTestEnv(env);
  await seedErpMasterData(t.erp);
  return { t, ids: await seedWebMasterData(t.web) };
}

function start(args: string[], env: Record<string, string>): CliProcess {
  const p = startCli(args, env);
  running.push(p);
  return p;
}

async function counts(t: TestEnv) {
  const erp = await t.erpSql.query(
    `SELECT count(*)::int AS docs, count(DISTINCT "cha_evrakno_sira")::int AS numbers FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 1`,
  );
  const ledger = await t.erpSql.query('SELECT count(*)::int AS n, count(DISTINCT ldg_web_id)::int AS ids FROM "MIKROSYNC_LEDGER"');
  const maps = await t.web.query('SELECT count(*)::int AS n FROM int_tahsilat_mapping');
  return { docs: erp.rows[0].docs, numbers: erp.rows[0].numbers, ledger: ledger.rows[0].n, ledgerIds: ledger.rows[0].ids, maps: maps.rows[0].n };
}

function insertMany(t: TestEnv, ids: SeededIds, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: i + 1 })),
  );
}

describe.skipIf(ERP_UNDER_TEST !== 'pg')('exactly once under failure', () => {
  it('a worker SIGKILLed after the ERP commit leaves exactly one ERP document, and the restart writes the mapping', async () => {
    const { t, ids } = await setup();
    start(['producer'], t.env);
    const doomed = start(['worker', '--domain', 'collections'], { ...t.env, MIKROSYNC_FAULT: 'crash-after-erp-commit' });
    const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'havale', banka_id: ids.banks['10'], tutar: 40 });
    const exit = await doomed.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(await counts(t)).toMatchObject({ docs: 1, ledger: 1, maps: 0 });

    start(['worker', '--domain', 'collections'], t.env);
    await waitFor('mapping rebuilt', async () => (await t.web.query('SELECT 1 FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1', [id])).rowCount, 30_000);
    const final = await counts(t);
    expect(final, JSON.stringify(final)).toMatchObject({ docs: 1, ledger: 1, maps: 1 });
    expect((await t.erpSql.query('SELECT count(*)::int AS n FROM "ODEME_EMIRLERI"')).rows[0].n).toBe(1);
    expect((await settledOutbox(t.web, id)).map((r) => r.status)).toEqual(['done']);
  });

  it('a worker SIGKILLed after the ERP commit of a stock count leaves exactly one slip, and the restart writes erp_recno back', async () => {
    // The crash point is the posting kernel's, so it covers every flow, stock movements too.
    const { t } = await setup();
    await erpInsert(t.erp, 'DEPOLAR', { dep_no: 1, dep_adi: 'MERKEZ' });
    await erpInsert(t.erp, 'STOKLAR', { sto_kod: 'C1', sto_isim: 'C1', sto_standartmaliyet: 3 });
    const stock = await syncInsert(t.web, 'stoklar', { stok_kodu: 'C1', stok_adi: 'C1' });
    start(['producer'], t.env);
    const doomed = start(['worker', '--domain', 'stock'], { ...t.env, MIKROSYNC_FAULT: 'crash-after-erp-commit' });
    const id = await webInsert(t.web, 'stok_hareketleri', { stok_id: stock, belge_tipi: 'sayim', hareket_tipi: 'giris', miktar: 4, onceki_miktar: 0, sonraki_miktar: 0 });
    const exit = await doomed.exited;
    expect(exit.signal).toBe('SIGKILL');
    const slips = async () => (await t.erpSql.query(`SELECT count(*)::int AS n FROM "STOK_HAREKETLERI" WHERE sth_stok_kod = 'C1'`)).rows[0].n as number;
    expect(await slips()).toBe(1);
    expect((await t.web.query('SELECT erp_recno FROM stok_hareketleri WHERE id = $1', [id])).rows[0].erp_recno).toBeNull();

    start(['worker', '--domain', 'stock'], t.env);
    await waitFor('erp_recno written back', async () => (await t.web.query('SELECT erp_recno FROM stok_hareketleri WHERE id = $1', [id])).rows[0].erp_recno !== null, 30_000);
    expect(await slips()).toBe(1);
    expect((await t.erpSql.query('SELECT count(*)::int AS n FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = $1', [id])).rows[0].n).toBe(1);
  });

  it('collections written while the producer is down are all posted once when two producers start', async () => {
    const { t, ids } = await setup();
    start(['worker', '--domain', 'collections'], t.env);
    const written = await insertMany(t, ids, 50);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await counts(t)).docs).toBe(0);
    // Two producers at once (e.g. a rolling restart): still every collection exactly once.
    start(['producer'], t.env);
    start(['producer'], t.env);
    await waitFor('50 posted', async () => (await counts(t)).maps === 50 || undefined, 60_000);
    const c = await counts(t);
    expect(c).toMatchObject({ docs: 50, numbers: 50, ledger: 50, ledgerIds: 50, maps: 50 });
    // Outbox events are settled just after the worker's own commit: wait for the last ones.
    await waitFor('every outbox event done', async () => (await t.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE status <> 'done' AND record_id = ANY($1)`, [written])).rows[0].n === 0);
  });

  it('two worker processes posting 200 collections get unique, contiguous document numbers', async () => {
    const { t, ids } = await setup({ WORKER_CONCURRENCY: '8' });
    const workers = [1, 2].map(() => start(['worker', '--domain', 'collections'], { ...t.env, LOG_LEVEL: 'info' }));
    start(['producer'], t.env);
    await insertMany(t, ids, 200);
    await waitFor('200 posted', async () => (await counts(t)).maps === 200 || undefined, 90_000);
    const nums = (await t.erpSql.query(`SELECT "cha_evrakno_sira" AS n FROM "CARI_HESAP_HAREKETLERI" WHERE "cha_evrak_tip" = 1 ORDER BY 1`)).rows.map((r) => Number(r.n));
    expect(nums).toHaveLength(200);
    expect(new Set(nums).size).toBe(200);
    expect(nums[nums.length - 1]! - nums[0]!).toBe(199);
    // Both processes posted documents: the numbers are not contiguous merely because one worker ran alone.
    // Each worker logs after its commit, through a pipe: wait for the last lines.
    const postedBy = () => workers.map((w) => (w.output().match(/collection posted to Mikro/g) ?? []).length);
    const posted = await waitFor('200 "posted" log lines', async () => {
      const p = postedBy();
      return p[0]! + p[1]! >= 200 ? p : undefined;
    });
    expect(posted[0]! + posted[1]!).toBe(200);
    expect(Math.min(...posted)).toBeGreaterThan(0);
  });
});

describe.skipIf(ERP_UNDER_TEST !== 'pg')('transient failures', () => {
  it('waits for an unreachable ERP instead of dead-lettering, says so in Redis, and dead-letters only when TRANSIENT_RETRY_FOR is spent', async () => {
    const { t, ids } = await setup({ RETRY_BACKOFF_MS: '200', BREAKER_PROBE_MS: '300' });
    start(['producer'], t.env);
    // The ERP database does not exist: every attempt fails with a connection error.
    const erpDown = { ...t.env, ERP_DATABASE_URL: t.env.ERP_DATABASE_URL!.replace(/\/[^/]+$/, '/erp_is_down') };
    start(['worker', '--domain', 'collections'], erpDown);
    const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 7 });
    const { createRedis, DeadLetterQueue, QueueRegistry, readOutages } = await import('@mikrosync/connectors');
    const queues = new QueueRegistry(createRedis(t.config.redis), { prefix: t.config.redis.prefix, attempts: 3, backoffMs: 200 });
    cleanups.push(async () => {
      await queues.close();
      queues.connection.disconnect();
    });
    const dlq = new DeadLetterQueue(queues);
    const outage = await waitFor('outage recorded', async () => (await readOutages(queues.connection, t.config.redis.prefix)).find((o) => o.dependency === 'erp'), 30_000);
    expect(outage.reason).toMatch(/erp_is_down/);
    // Far more than MAX_RETRY_COUNT x backoff: still waiting, not dead-lettered, outbox open.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await dlq.count()).toBe(0);
    expect((await t.web.query('SELECT status FROM sync_outbox WHERE record_id = $1', [id])).rows[0].status).toBe('enqueued');

    // A budget of 2 s and a breaker that never opens: the retries spend it, then the dead letter.
    for (const p of running.splice(0)) await p.stop('SIGKILL');
    start(['producer'], t.env);
    start(['worker', '--domain', 'collections'], { ...erpDown, TRANSIENT_RETRY_FOR: '2s', BREAKER_FAILURES: '1000' });
    const dead = await waitFor('dead letter', async () => (await dlq.list()).find((e) => e.record?.id === id), 30_000);
    expect(dead).toMatchObject({ permanent: false, queue: 'collections' });
    expect(dead.reason).toMatch(new RegExp(`^tahsilatlar ${id}: the ERP database could not be reached for .*erp_is_down`));
    await settledOutbox(t.web, id);
    const outbox = (await t.web.query('SELECT status, last_error FROM sync_outbox WHERE record_id = $1', [id])).rows[0];
    expect(outbox).toMatchObject({ status: 'failed', last_error: dead.reason });
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
    cleanups.push(() => redis.stop());
    const { t, ids } = await setup({ REDIS_URL: `redis://127.0.0.1:${port}` });
    start(['producer'], t.env);
    start(['worker', '--domain', 'collections'], t.env);
    const first = await insertMany(t, ids, 30);
    await waitFor('some posted', async () => (await counts(t)).maps >= 5 || undefined, 30_000);
    // Redis keeps nothing on disk here: a restart loses every queued job.
    await redis.stop();
    const during = await insertMany(t, ids, 20);
    redis = await ownRedis(port, dir);
    const after = await insertMany(t, ids, 20);
    const all = [...first, ...during, ...after];
    await waitFor('all 70 posted', async () => (await counts(t)).maps === 70 || undefined, 90_000);
    expect(await counts(t)).toMatchObject({ docs: 70, numbers: 70, ledger: 70, ledgerIds: 70, maps: 70 });
    // Outbox events are settled just after the worker's own commit: wait for the last ones.
    await waitFor('every outbox event done', async () => (await t.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE status <> 'done' AND record_id = ANY($1)`, [all])).rows[0].n === 0);
  });
});
