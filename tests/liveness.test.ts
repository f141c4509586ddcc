/**
 * Liveness: outages of the ERP and of the web database are waited out (no dead letter, the status
 * API says what the fleet waits for, one alert for the outage and one for the recovery, the backlog
 * posted within seconds of the recovery); a job that itself kills its worker process is
 * dead-lettered after JOB_MAX_STALLED crashes in a row while the others are posted; a record has
 * at most one dead letter, and it disappears when the record is posted.
 * Outages are real: the fleet reaches PostgreSQL through a TCP gate that the test closes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, DeadLetterQueue, QueueRegistry } from '@mikrosync/connectors';
import { recordJobId } from '@mikrosync/core';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from './support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from './support/seed.js';
import { startCli, type CliProcess } from './support/processes.js';
import { startTcpGate, throughGate, type TcpGate } from './support/tcp-gate.js';
import { TEST_PG_URL } from './support/env.js';
import { startAlertHook } from './support/alert-hook.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function webhook() {
  const hook = await startAlertHook('/hook');
  cleanups.push(() => hook.close());
  return hook;
}

interface Setup {
  t: TestEnv;
  ids: SeededIds;
  base: string;
  dlq: DeadLetterQueue;
  queues: QueueRegistry;
  start(args: string[], extra?: Record<string, string>): CliProcess;
}

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

async function gate(): Promise<TcpGate> {
  const g = await startTcpGate(Number(new URL(TEST_PG_URL).port || 5432));
  cleanups.push(() => g.stop());
  return g;
}

async function fleetUp(s: Setup, fleet: CliProcess): Promise<void> {
  await waitFor('status page up', async () => (await fetch(`${s.base}/healthz`).catch(() => undefined))?.ok, 60_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${fleet.output().slice(-3000)}`);
  });
}

const posted = async (t: TestEnv) => (await t.web.query('SELECT count(*)::int AS n FROM int_tahsilat_mapping')).rows[0].n as number;
const ledger = async (t: TestEnv) => (await t.erpSql.query('SELECT count(*)::int AS n, count(DISTINCT ldg_web_id)::int AS ids FROM "MIKROSYNC_LEDGER"')).rows[0];
const apiStatus = async (base: string) => (await (await fetch(`${base}/api/status`)).json()) as {
  outages: { dependency: string; since: string; queued: number }[];
  flows: { flow: string; health: string; reasons: string[]; deadLetters: unknown[]; why?: string[] }[];
};
const insertSome = (s: Setup, n: number, from = 1) =>
  Promise.all(Array.from({ length: n }, (_, i) => insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: from + i })));

// Outage settings: a first retry 30 s away, so only the promotion at recovery can post the
// backlog within seconds; breakers open fast and probe twice a second; alerts after 1.5 s.
const OUTAGE_ENV = {
  RETRY_BACKOFF_MS: '30000',
  BREAKER_FAILURES: '2',
  BREAKER_PROBE_MS: '500',
  OUTAGE_ALERT_GRACE_MS: '1500',
  ALERT_CHECK_INTERVAL_MS: '500',
};

describe.skipIf(ERP_UNDER_TEST !== 'pg')('outages are waited out', () => {
  it('ERP unreachable mid-stream: no dead letter, the status API says "waiting for the ERP", one alert each way, the backlog posted within 15 s of the recovery', async () => {
    const hook = await webhook();
    const g = await gate();
    const s = await setup({ ...OUTAGE_ENV, ALERT_WEBHOOK_URL: hook.url }, (t) => ({ ERP_DATABASE_URL: throughGate(t.env.ERP_DATABASE_URL!, g) }));
    const fleet = s.start(['start']);
    await fleetUp(s, fleet);
    await insertSome(s, 10);
    await waitFor('10 posted', async () => (await posted(s.t)) === 10 || undefined, 30_000);

    await g.close();
    await insertSome(s, 30, 100);
    let seen: unknown;
    const waiting = await waitFor('status API waits for the ERP', async () => {
      const st = await apiStatus(s.base);
      seen = st.outages;
      const o = st.outages.find((x) => x.dependency === 'erp');
      return o && o.queued >= 30 ? st : undefined;
    }, 30_000).catch(async (err: Error) => {
      const counts = await s.queues.get('collections').getJobCounts();
      const failed = (await s.queues.get('collections').getFailed()).map((j) => j.failedReason);
      const lines = fleet.output().split('\n').filter((l) => /"level":(4|5)0/.test(l) && !/renew lock/.test(l)).slice(-15).join('\n');
      throw new Error(`${err.message}: ${JSON.stringify(seen)} ${JSON.stringify(counts)} ${JSON.stringify(failed)} dlq ${await s.dlq.count()}\n${lines}`);
    });
    expect(waiting.flows.find((f) => f.flow === 'collections')).toMatchObject({ health: 'amber', deadLetters: [] });
    expect(waiting.flows.find((f) => f.flow === 'collections')!.reasons).toContain('waiting_for_erp');
    const ready = await fetch(`${s.base}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; waiting: { message: { en: string; tr: string } }[] };
    expect(body.status).toBe('waiting');
    expect(body.waiting[0]!.message.en).toMatch(/^waiting for the ERP since \d\d:\d\d, \d+ documents queued$/);
    expect(body.waiting[0]!.message.tr).toMatch(/ERP bekleniyor.*kuyrukta \d+ belge/);
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toMatch(/mikrosync_dependency_waiting_jobs\{dependency="erp"\} \d+/);
    await waitFor('outage alert', async () => hook.messages.some((m) => /ERP database unreachable/.test(m.text)) || undefined, 15_000);
    // The outage goes on a while: nothing is dead-lettered, nothing more is announced.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await s.dlq.count()).toBe(0);

    await g.open();
    const back = Date.now();
    await waitFor('all 40 posted', async () => (await posted(s.t)) === 40 || undefined, 30_000);
    // 10 s is the goal on an idle machine; a shared 2-core machine under test load gets some slack.
    expect(Date.now() - back).toBeLessThan(15_000);
    console.log(`ERP outage: backlog posted ${Date.now() - back} ms after the recovery`);
    expect(await ledger(s.t)).toMatchObject({ n: 40, ids: 40 });
    expect(await s.dlq.count()).toBe(0);
    await waitFor('recovery alert', async () => hook.messages.some((m) => /ERP database reachable again/.test(m.text)) || undefined, 15_000);
    await waitFor('status API no longer waits', async () => (await apiStatus(s.base)).outages.length === 0 || undefined, 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    const erpMessages = hook.messages.filter((m) => /ERP database/.test(m.text));
    expect(erpMessages.map((m) => m.text.split('\n')[0])).toHaveLength(2);
    expect(erpMessages[0]!.text).toMatch(/waiting for the ERP since \d\d:\d\d/);
    expect(hook.messages.filter((m) => /dead-letter/.test(m.text))).toEqual([]);
    await waitFor('every outbox event done', async () => (await s.t.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE status <> 'done'`)).rows[0].n === 0 || undefined);
  });

  it('web database unreachable (pool and LISTEN): no dead letter, the status API says "waiting for the web database", everything posted after the recovery', async () => {
    const hook = await webhook();
    const g = await gate();
    const s = await setup({ ...OUTAGE_ENV, ALERT_WEBHOOK_URL: hook.url }, (t) => ({ WEB_DATABASE_URL: throughGate(t.env.WEB_DATABASE_URL!, g) }));
    const fleet = s.start(['start']);
    await fleetUp(s, fleet);
    await insertSome(s, 5);
    await waitFor('5 posted', async () => (await posted(s.t)) === 5 || undefined, 30_000);

    await g.close();
    // Written by the web app during the outage; the relay had enqueued them just before it.
    const ids = await insertSome(s, 20, 100);
    const queue = s.queues.get('collections');
    for (const id of ids) await queue.add('tahsilatlar', { kind: 'record', table: 'tahsilatlar', recordId: id }, { ...s.queues.defaultJobOptions(), jobId: recordJobId('tahsilatlar', id) });
    const st = await waitFor('status API waits for the web database', async () => {
      const x = await apiStatus(s.base);
      return x.outages.some((o) => o.dependency === 'web') ? x : undefined;
    }, 30_000);
    expect(st.flows.find((f) => f.flow === 'collections')!.reasons).toContain('waiting_for_web');
    await waitFor('outage alert', async () => hook.messages.some((m) => /web database unreachable/.test(m.text)) || undefined, 15_000);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await s.dlq.count()).toBe(0);

    await g.open();
    const back = Date.now();
    await waitFor('all 25 posted', async () => (await posted(s.t)) === 25 || undefined, 30_000).catch(async (err: Error) => {
      const counts = await s.queues.get('collections').getJobCounts();
      const lines = fleet.output().split('\n').filter((l) => /"level":(4|5)0|answers again/.test(l) && !/renew lock/.test(l)).slice(-12).join('\n');
      throw new Error(`${err.message}: ${await posted(s.t)} posted; queue ${JSON.stringify(counts)}\n${lines}`);
    });
    expect(Date.now() - back).toBeLessThan(15_000);
    console.log(`web outage: backlog posted ${Date.now() - back} ms after the recovery`);
    expect(await ledger(s.t)).toMatchObject({ n: 25, ids: 25 });
    expect(await s.dlq.count()).toBe(0);
    await waitFor('recovery alert', async () => hook.messages.some((m) => /web database reachable again/.test(m.text)) || undefined, 15_000);
    expect(hook.messages.filter((m) => /web database/.test(m.text))).toHaveLength(2);
    await waitFor('every outbox event done', async () => (await s.t.web.query(`SELECT count(*)::int AS n FROM sync_outbox WHERE status <> 'done'`)).rows[0].n === 0 || undefined, 20_000);
  });

  it('a transient failure that outlasts TRANSIENT_RETRY_FOR is dead-lettered naming the record and the dependency', async () => {
    const g = await gate();
    // A breaker that never opens: the job keeps being retried until its budget is spent.
    const s = await setup({ TRANSIENT_RETRY_FOR: '3s', RETRY_BACKOFF_MS: '200', BREAKER_FAILURES: '1000' }, (t) => ({ ERP_DATABASE_URL: throughGate(t.env.ERP_DATABASE_URL!, g) }));
    await g.close();
    s.start(['start']);
    const [id] = await insertSome(s, 1);
    const dead = await waitFor('dead letter', async () => (await s.dlq.list()).find((e) => e.record?.id === id), 30_000);
    expect(dead).toMatchObject({ permanent: false, attempts: 1, queue: 'collections' });
    expect(dead.reason).toContain(`tahsilatlar ${id}: the ERP database could not be reached for`);
    expect(dead.reason).toMatch(/Fix: make the ERP database reachable, then re-enqueue/);
  });
});

describe.skipIf(ERP_UNDER_TEST !== 'pg')('crash loops and dead letters', () => {
  it('a job that kills its worker process 3 times in a row is dead-lettered, naming the record; the others are posted', async () => {
    const s = await setup({ JOB_MAX_STALLED: '3' });
    s.start(['producer']);
    const [poison] = await insertSome(s, 1, 500);
    const others: string[] = [];
    let crashes = 0;
    const dead = await waitFor(
      'dead letter of the crashing job',
      async () => {
        const d = (await s.dlq.list()).find((e) => e.record?.id === poison);
        if (d) return d;
        // One worker at a time; each dies on the poisoned record, and is started again.
        others.push(...(await insertSome(s, 2, 600 + others.length)));
        const w = s.start(['worker', '--domain', 'collections'], { MIKROSYNC_FAULT: `record:${poison}` });
        const exit = await Promise.race([w.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
        if (exit?.signal === 'SIGKILL') crashes++;
        else await w.stop('SIGKILL');
        return undefined;
      },
      120_000,
      0,
    );
    expect(crashes).toBe(3);
    expect(dead.reason).toContain(`tahsilatlar ${poison}: this job stopped the worker process 3 times in a row`);
    expect(dead.reason).toContain('Fix:');
    // The rest is posted by a healthy worker; nothing else is dead-lettered.
    const healthy = s.start(['worker', '--domain', 'collections']);
    await waitFor('others posted', async () => (await posted(s.t)) === others.length || undefined, 30_000).catch(async (err: Error) => {
      const outbox = (await s.t.web.query('SELECT status, count(*)::int AS n FROM sync_outbox GROUP BY 1')).rows;
      const counts = await s.queues.get('collections').getJobCounts();
      throw new Error(`${err.message}: ${await posted(s.t)} of ${others.length}; outbox ${JSON.stringify(outbox)}; queue ${JSON.stringify(counts)}\n${healthy.output().slice(-3000)}`);
    });
    expect((await s.dlq.list()).map((d) => d.record?.id)).toEqual([poison]);
    expect((await s.t.erpSql.query('SELECT count(*)::int AS n FROM "MIKROSYNC_LEDGER" WHERE ldg_web_id = $1', [poison])).rows[0].n).toBe(0);
  }, 300_000);

  it('one dead letter per record, gone when the record is fixed on the web and posted; the flow turns green', async () => {
    const s = await setup({});
    await fleetUp(s, s.start(['start']));
    const id = await insertCollection(s.t.web, { cari_hesap_id: s.ids.serhan, tahsilat_tipi: 'nakit', kasa_id: s.ids.kasa001, tutar: 0 });
    const first = await waitFor('dead letter', async () => (await s.dlq.list()).find((e) => e.record?.id === id), 20_000);
    expect((await apiStatus(s.base)).flows.find((f) => f.flow === 'collections')!.health).toBe('red');
    // Edited but still wrong: a newer dead letter replaces the first one.
    await s.t.web.query(`UPDATE tahsilatlar SET aciklama = 'still zero' WHERE id = $1`, [id]);
    await waitFor('newer dead letter', async () => {
      const mine = (await s.dlq.list()).filter((e) => e.record?.id === id);
      return mine.length === 1 && mine[0]!.failedAt !== first.failedAt ? mine : undefined;
    }, 20_000);
    // Fixed on the web: posted, its dead letter gone, the flow green.
    await s.t.web.query('UPDATE tahsilatlar SET tutar = 25 WHERE id = $1', [id]);
    await waitFor('posted', async () => (await posted(s.t)) === 1 || undefined, 20_000);
    await waitFor('dead letter gone', async () => (await s.dlq.count()) === 0 || undefined, 10_000);
    await waitFor('flow green', async () => (await apiStatus(s.base)).flows.find((f) => f.flow === 'collections')!.health === 'green' || undefined, 10_000);
  });
});
