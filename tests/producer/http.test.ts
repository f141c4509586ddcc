/**
 * The producer's operator surfaces: Bull Board behind basic auth (and refused on a public address
 * without credentials), /healthz, /readyz, /metrics; the operator commands test-connection and
 * status, and a wrong setting at start-up. (Schedules, the outbox listener and worker shutdown:
 * tests/runtime.)
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, HOUSEKEEPING_QUEUE, loadConfig } from '@mikrosync/core';
import { startProducer, startHttpServer, type RunningProducer } from '@mikrosync/producer';
import { createTestEnv, waitFor, type TestEnv } from '../support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData } from '../support/seed.js';

describe('producer HTTP', () => {
  let t: TestEnv;
  let producer: RunningProducer;
  let base: string;
  const auth = { authorization: `Basic ${Buffer.from('operator:correct-horse').toString('base64')}` };

  beforeAll(async () => {
    t = await createTestEnv({ ADMIN_USER: 'operator', ADMIN_PASSWORD: 'correct-horse' });
    producer = await startProducer(t.config, t.log);
    base = `http://127.0.0.1:${(producer.server!.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await producer?.close();
    await t?.cleanup();
  });

  it('serves Bull Board only with the right credentials', async () => {
    expect((await fetch(`${base}/admin/queues`)).status).toBe(401);
    const wrong = { authorization: `Basic ${Buffer.from('operator:nope').toString('base64')}` };
    expect((await fetch(`${base}/admin/queues`, { headers: wrong })).status).toBe(401);
    const ok = await fetch(`${base}/admin/queues`, { headers: auth });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<html');
    const api = await fetch(`${base}/admin/queues/api/queues`, { headers: auth });
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['collections', 'dead-letter', HOUSEKEEPING_QUEUE]));
  });

  it('refuses to listen on a non-loopback address without credentials', async () => {
    expect(() => loadConfig({ ...t.env, HTTP_HOST: '0.0.0.0', ADMIN_USER: '', ADMIN_PASSWORD: '' })).toThrow(/ADMIN_USER \/ ADMIN_PASSWORD/);
    const unsafe = { ...t.config, http: { ...t.config.http, host: '0.0.0.0', adminUser: undefined, adminPassword: undefined } };
    await expect(
      startHttpServer({ config: unsafe, log: t.log, queues: producer.queues, queueNames: [], web: producer.web, erp: producer.erp, status: producer.status, sweep: async () => 0 }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it('reports health, readiness of Redis, web database and ERP, and Prometheus metrics', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', web: 'ok', erp: 'ok' } });

    await seedErpMasterData(t.erp);
    const ids = await seedWebMasterData(t.web);
    await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 1 });
    const metrics = await waitFor('outbox metric', async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return /mikrosync_outbox_events\{status="(pending|enqueued)"\} [1-9]/.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/mikrosync_queue_jobs\{queue="collections",state="delayed"\} \d/);
    expect(metrics).toMatch(/mikrosync_dead_letter_jobs 0/);
    expect(metrics).toMatch(/# TYPE mikrosync_job_duration_seconds histogram/);
    expect(metrics).not.toContain('correct-horse');
  });

  it('reports not ready when the ERP is unreachable', async () => {
    const broken = await startProducer({ ...t.config, erp: { ...t.config.erp, url: t.config.erp.url?.replace(/\/[^/]+$/, '/no_such_db') }, http: { ...t.config.http, port: 0 } }, t.log);
    try {
      const port = (broken.server!.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks.erp).toMatch(/no_such_db/);
      expect(body.checks.web).toBe('ok');
    } finally {
      await broken.close();
    }
  });

});

describe('operator commands', () => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('test-connection checks the web database, the ERP and Redis', async () => {
    const { runCli } = await import('../support/processes.js');
    const ok = await runCli(['test-connection'], t.env);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output).toMatch(/ok\s+web database: PostgreSQL/);
    expect(ok.output).toMatch(/ok\s+ERP \(pg\): reachable/);
    expect(ok.output).toMatch(/ok\s+redis: Redis \d/);
    const bad = await runCli(['test-connection'], { ...t.env, ERP_DATABASE_URL: t.env.ERP_DATABASE_URL!.replace(/\/[^/]+$/, '/missing_db') });
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/FAIL\s+ERP \(pg\): .*missing_db/);
  });

  it('status reports queues, workers and the outbox as JSON', async () => {
    const { runCli } = await import('../support/processes.js');
    const res = await runCli(['status', '--json'], t.env);
    expect(res.code, res.output).toBe(0);
    // A fresh prefix: the note saying so comes first (stderr), then the JSON.
    expect(res.output).toMatch(/has no queues, no workers and no schedules under QUEUE_PREFIX/);
    const status = JSON.parse(res.output.slice(res.output.indexOf('{'))) as { queues: Record<string, { waiting: number; workers: number }>; outbox: Record<string, number> };
    expect(status.queues.collections).toMatchObject({ waiting: 0, workers: 0 });
    expect(status.outbox).toEqual({ pending: 0, enqueued: 0, done: 0, failed: 0 });
  });

  it('a wrong setting stops start-up with a message naming the variable', async () => {
    const { runCli } = await import('../support/processes.js');
    const res = await runCli(['producer'], { ...t.env, WORKER_CONCURRENCY: 'many', WEB_DATABASE_URL: 'mysql://u:topsecret@h/db' });
    expect(res.code).toBe(2);
    expect(res.output).toMatch(/WORKER_CONCURRENCY: expected a whole number/);
    expect(res.output).toMatch(/WEB_DATABASE_URL: expected a URL such as postgres:/);
    expect(res.output).not.toContain('topsecret');
  });
});
