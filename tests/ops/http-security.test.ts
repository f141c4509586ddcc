/**
 * The HTTP surface against a hostile browser and network: DNS rebinding (a foreign Host/Origin on
 * the loopback listener), cross-origin and text/plain writes to Bull Board, /metrics and /readyz
 * on a network address; and the CLI's dead-letter actions in the audit log.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@mikrosync/core';
import { DeadLetterQueue } from '@mikrosync/connectors';
import { startProducer, type RunningProducer } from '@mikrosync/producer';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { runCli } from '../support/processes.js';

interface Answer {
  status: number;
  body: string;
}

/** A raw HTTP request: fetch() does not let a test choose the Host header. */
function send(port: number, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const portOf = (p: RunningProducer) => (p.server!.address() as AddressInfo).port;

describe('DNS rebinding on the default loopback set-up without credentials', () => {
  let t: TestEnv;
  let producer: RunningProducer;
  let port: number;

  beforeAll(async () => {
    t = await createTestEnv();
    producer = await startProducer(t.config, t.log);
    port = portOf(producer);
  });
  afterAll(async () => {
    await producer?.close();
    await t?.cleanup();
  });

  it('refuses a foreign Host name on every route, and serves the loopback names', async () => {
    expect(t.config.http.adminUser).toBeUndefined();
    const evil = { host: `rebind.evil.example:${port}`, origin: `http://rebind.evil.example:${port}` };
    const pause = await send(port, '/api/flows/collections/pause', { method: 'POST', headers: { ...evil, 'content-type': 'application/json' }, body: '{}' });
    expect(pause.status).toBe(403);
    expect(pause.body).toMatch(/HTTP_ALLOWED_HOSTS/);
    expect(await producer.queues.get('collections').isPaused()).toBe(false);
    for (const path of ['/api/status', '/status', '/admin/queues', '/admin/queues/api/queues', '/metrics', '/readyz', '/healthz']) {
      expect((await send(port, path, { headers: evil })).status, path).toBe(403);
    }
    // A name that merely starts like a loopback address is a DNS name like any other.
    expect((await send(port, '/api/status', { headers: { host: `127.0.0.1.nip.io:${port}` } })).status).toBe(403);

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost']) {
      expect((await send(port, '/api/status', { headers: { host } })).status, host).toBe(200);
    }
    const own = { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' };
    expect((await send(port, '/api/flows/collections/pause', { method: 'POST', headers: own, body: '{}' })).status).toBe(200);
    expect(await producer.queues.get('collections').isPaused()).toBe(true);
    expect((await send(port, '/api/flows/collections/resume', { method: 'POST', headers: own, body: '{}' })).status).toBe(200);
  });

  it('answers to the names in HTTP_ALLOWED_HOSTS', async () => {
    const named = await startProducer(loadConfig({ ...t.env, HTTP_ALLOWED_HOSTS: 'sync.shop.example' }), t.log);
    try {
      const p = portOf(named);
      expect((await send(p, '/healthz', { headers: { host: `sync.shop.example:${p}` } })).status).toBe(200);
      expect((await send(p, '/healthz', { headers: { host: `127.0.0.1:${p}` } })).status).toBe(200);
      expect((await send(p, '/healthz', { headers: { host: `other.shop.example:${p}` } })).status).toBe(403);
    } finally {
      await named.close();
    }
  });
});

describe('Bull Board behind the admin login', () => {
  const ADMIN = { user: 'operator', password: 'correct-horse' };
  let t: TestEnv;
  let producer: RunningProducer;
  let port: number;
  let own: Record<string, string>;

  beforeAll(async () => {
    t = await createTestEnv({ ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password });
    producer = await startProducer(t.config, t.log);
    port = portOf(producer);
    own = { host: `127.0.0.1:${port}`, authorization: basic(ADMIN.user, ADMIN.password) };
  });
  afterAll(async () => {
    await producer?.close();
    await t?.cleanup();
  });

  it('refuses a foreign Origin and a text/plain body on its write routes, and is read-only', async () => {
    const board = '/admin/queues/api/queues/collections';
    const collections = producer.queues.get('collections');
    await collections.add('probe', { n: 1 }, { jobId: 'probe-failed' });
    const foreign = { ...own, origin: 'https://evil.example', 'content-type': 'application/json' };
    // Per queue a read-only queue answers 405; "pause all" skips read-only queues.
    const writes: [string, string, number][] = [
      ['PUT', `${board}/pause`, 405],
      ['POST', `${board}/add`, 405],
      ['PUT', `${board}/retry/failed`, 405],
      ['PUT', `${board}/clean/waiting`, 405],
      ['PUT', `${board}/probe-failed/clean`, 405],
      ['PUT', '/admin/queues/api/queues/pause', 200],
    ];
    const job = JSON.stringify({ name: 'forged', data: { n: 2 } });
    for (const [method, path, readOnly] of writes) {
      expect((await send(port, path, { method, headers: foreign, body: job })).status, `${method} ${path} foreign origin`).toBe(403);
      const plain = await send(port, path, { method, headers: { ...own, 'content-type': 'text/plain' }, body: job });
      expect(plain.status, `${method} ${path} text/plain`).toBe(415);
      // Even from our own origin with JSON: its actions would bypass the outbox and the audit log.
      const json = await send(port, path, { method, headers: { ...own, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }, body: job });
      expect(json.status, `${method} ${path} same origin`).toBe(readOnly);
    }
    expect(await collections.isPaused()).toBe(false);
    expect((await collections.getJobs(['waiting', 'paused', 'delayed', 'prioritized'])).map((j) => j.name)).toEqual(['probe']);

    const queues = JSON.parse((await send(port, '/admin/queues/api/queues', { headers: own })).body) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(queues.queues.length).toBeGreaterThan(0);
    expect(queues.queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it('the CLI requeue, discard and purge of dead letters are in the audit log', async () => {
    const dlq = new DeadLetterQueue(producer.queues);
    const letter = (jobId: string) => ({ queue: 'xml', jobId, jobName: 'feed', data: {}, reason: 'test', attempts: 3, permanent: false, failedAt: new Date().toISOString() });
    const first = await dlq.add(letter('a'));
    const second = await dlq.add(letter('b'));
    const third = await dlq.add(letter('c'));
    const requeue = await runCli(['dlq', 'requeue', first], t.env);
    expect(requeue.code, requeue.output).toBe(0);
    const discard = await runCli(['dlq', 'discard', second], t.env);
    expect(discard.code, discard.output).toBe(0);
    expect((await runCli(['dlq', 'discard', 'no-such-letter'], t.env)).code).toBe(1);
    const purge = await runCli(['dlq', 'purge', '--yes'], t.env);
    expect(purge.code, purge.output).toBe(0);
    expect(await dlq.show(third)).toBeUndefined();
    const audit = await t.web.query(`SELECT actor, action, target, details FROM sync_audit_log WHERE actor LIKE 'cli:%' ORDER BY id`);
    expect(audit.rows).toEqual([
      { actor: expect.stringMatching(/^cli:.+/), action: 'requeue', target: first, details: { result: 'xml/a' } },
      { actor: expect.stringMatching(/^cli:.+/), action: 'discard', target: second, details: { result: 'discarded' } },
      { actor: expect.stringMatching(/^cli:.+/), action: 'purge', target: 'dead-letter', details: { result: '1 purged' } },
    ]);
  });
});

describe('/metrics and /readyz on a network address', () => {
  const ADMIN = { user: 'operator', password: 'correct-horse' };
  const TOKEN = 'scrape-token-0123456789';
  let t: TestEnv;
  let producer: RunningProducer;
  let port: number;

  beforeAll(async () => {
    t = await createTestEnv({ ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password, METRICS_TOKEN: TOKEN, HTTP_HOST: '0.0.0.0' });
    // The ERP is unreachable, so /readyz has an internal error text to hide.
    const erp = { ...t.config.erp, url: t.config.erp.url?.replace(/\/[^/]+$/, '/no_such_db') };
    producer = await startProducer({ ...t.config, erp }, t.log);
    port = portOf(producer);
  });
  afterAll(async () => {
    await producer?.close();
    await t?.cleanup();
  });

  it('serves metrics only with their token or the admin login', async () => {
    const host = `127.0.0.1:${port}`;
    expect((await send(port, '/metrics', { headers: { host } })).status).toBe(401);
    expect((await send(port, '/metrics', { headers: { host, authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await send(port, '/metrics', { headers: { host, authorization: basic(ADMIN.user, 'wrong') } })).status).toBe(401);
    const byToken = await send(port, '/metrics', { headers: { host, authorization: `Bearer ${TOKEN}` } });
    expect(byToken.status).toBe(200);
    expect(byToken.body).toMatch(/mikrosync_queue_jobs\{queue="collections"/);
    expect((await send(port, '/metrics', { headers: { host, authorization: basic(ADMIN.user, ADMIN.password) } })).status).toBe(200);
  });

  it('answers /readyz with up or down only, and the reasons to the admin', async () => {
    const host = `127.0.0.1:${port}`;
    const anonymous = await send(port, '/readyz', { headers: { host } });
    expect(anonymous.status).toBe(503);
    expect(JSON.parse(anonymous.body)).toEqual({ status: 'not ready' });
    const admin = await send(port, '/readyz', { headers: { host, authorization: basic(ADMIN.user, ADMIN.password) } });
    expect(admin.status).toBe(503);
    expect((JSON.parse(admin.body) as { checks: Record<string, string> }).checks.erp).toMatch(/no_such_db/);
  });
});
