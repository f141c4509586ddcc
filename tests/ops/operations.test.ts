/**
 * Operating mikrosync: alerts to a webhook and to e-mail (grouped, with recovery; Turkish and English,
 * documents by their business identity), the write
 * endpoints of the status page (credentials, origin, audit log), no secret on the page, log files.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readMail, smtpReceiver, type SmtpReceiver } from '../support/smtp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, DeadLetterQueue, QueueRegistry } from '@mikrosync/connectors';
import { deadLetterSchema } from '@mikrosync/core';
import { AlertMonitor, configuredChannels, StatusService } from '@mikrosync/producer';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { startCli, type CliProcess } from '../support/processes.js';
import { startAlertHook, type AlertHook } from '../support/alert-hook.js';

const ADMIN = { user: 'operator', password: 'S3CRET-admin-pass' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

// A collection of SERHAN KALAY with amount 0, as the alerts name it (seed: number T-xxxxxxxx, 12.11.2025).
const COLLECTION_TR = /- Tahsilat T-[0-9a-f]{8} · SERHAN KALAY · 0,00 TL · 12\.11\.2025: tutar 0(\.00)?; 0'dan büyük olmalı\./;
const COLLECTION_EN = /- Collection T-[0-9a-f]{8} · SERHAN KALAY · 0\.00 TL · 12\/11\/2025: amount \(tutar\) is 0(\.00)?; it must be greater than 0\./;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe.skipIf(ERP_UNDER_TEST !== 'pg')('operations', () => {
  let t: TestEnv;
  let ids: SeededIds;
  let fleet: CliProcess;
  let hook: AlertHook;
  let smtp: SmtpReceiver;
  let base: string;
  let queues: QueueRegistry;
  let logDir: string;

  beforeAll(async () => {
    hook = await startAlertHook('/services/T0/B0/S3CRET-hook');
    smtp = await smtpReceiver();
    logDir = mkdtempSync(path.join(tmpdir(), 'mikrosync-logs-'));
    t = await createTestEnv({
      ADMIN_USER: ADMIN.user,
      ADMIN_PASSWORD: ADMIN.password,
      HTTP_PORT: String(20000 + Math.floor(Math.random() * 20000)),
      ALERT_WEBHOOK_URL: hook.url,
      ALERT_SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: 'ops@example.com',
      // Gather window 2 x 2 s: the 20 dead letters arrive spread over a second or more under load.
      ALERT_CHECK_INTERVAL_MS: '2000',
      ALERT_GROUP_MINUTES: '5',
      LOG_LEVEL: 'info',
      LOG_DIR: logDir,
    });
    base = `http://127.0.0.1:${t.env.HTTP_PORT}`;
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    fleet = startCli(['start'], t.env);
    queues = new QueueRegistry(createRedis(t.config.redis), { prefix: t.config.redis.prefix, attempts: 3, backoffMs: 100 });
    await waitFor('status page up', async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, 30_000);
  });
  afterAll(async () => {
    await fleet?.stop();
    await queues?.close();
    queues?.connection.disconnect();
    hook?.close();
    smtp?.close();
    await t?.cleanup();
  });

  it('20 dead-lettered jobs of one flow give exactly one grouped message per channel, then the recovery message', async () => {
    await new Promise((r) => setTimeout(r, 1000)); // the monitor has taken its first look
    await Promise.all(Array.from({ length: 20 }, () => insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 0 })));
    const dlq = new DeadLetterQueue(queues);
    await waitFor('20 dead letters', async () => (await dlq.count()) === 20 || undefined, 30_000);
    await waitFor('webhook message', async () => hook.messages.length > 0 || undefined, 15_000);
    await waitFor('e-mail', async () => smtp.mails.length > 0 || undefined, 15_000);
    await new Promise((r) => setTimeout(r, 2000)); // no second message may follow
    expect(hook.messages).toHaveLength(1);
    // ALERT_LANG defaults to both: Turkish first, then English; the flow by its label.
    const posted = hook.messages[0]!.text;
    expect(posted.split('\n')[0]).toBe('*Tahsilat ve tediyeler: hata kuyruğunda 20 belge / Collections and payments: 20 job(s) in the dead-letter queue*');
    expect(posted).toMatch(COLLECTION_TR);
    expect(posted).toMatch(COLLECTION_EN);
    expect(posted.indexOf('Tahsilat T-')).toBeLessThan(posted.indexOf('Collection T-'));
    expect(posted).not.toMatch(UUID);
    expect(posted.trimEnd()).toMatch(/\(\/status\) or with: mikrosync dlq list$/);
    expect(smtp.mails).toHaveLength(1);
    const mail = readMail(smtp.mails[0]!);
    expect(mail.subject).toBe('[mikrosync] Tahsilat ve tediyeler: hata kuyruğunda 20 belge / Collections and payments: 20 job(s) in the dead-letter queue');
    expect(mail.text).toMatch(/^Tahsilat ve tediyeler akışında 20 belge kalıcı olarak aktarılamadı/);
    expect(mail.text).toMatch(COLLECTION_TR);
    expect(mail.text).toContain('Durum sayfasında (/status)');
    expect(mail.text).not.toMatch(UUID);

    for (const d of await dlq.list(0, 99)) await dlq.discard(d.id);
    await waitFor('recovery message', async () => hook.messages.length === 2 || undefined, 15_000);
    expect(hook.messages[1]!.text).toMatch(/^\*Tahsilat ve tediyeler: hata kuyruğu boşaldı \/ Collections and payments: dead-letter queue cleared\*/);
    await waitFor('recovery e-mail', async () => smtp.mails.length === 2 || undefined, 15_000);
  });

  it('with ALERT_LANG=en a dead-letter e-mail is English only, naming the collection the same way', async () => {
    // A dead letter of the fleet, copied under a prefix of its own: the fleet's monitor holds the lease of its prefix.
    const id = await insertCollection(t.web, { cari_hesap_id: ids.serhan, tahsilat_tipi: 'nakit', kasa_id: ids.kasa001, tutar: 0 });
    const dead = await waitFor('the dead letter', async () => (await new DeadLetterQueue(queues).list(0, 99)).find((d) => d.record?.id === id), 30_000);
    const english = await smtpReceiver();
    const prefix = `${t.config.redis.prefix}en`;
    const config = { ...t.config, redis: { ...t.config.redis, prefix }, ops: { ...t.config.ops, alertLang: 'en' as const, alertWebhookUrl: undefined, alertSmtpUrl: english.url } };
    const registry = new QueueRegistry(createRedis(config.redis), { prefix, attempts: 1, backoffMs: 100 });
    try {
      const monitor = new AlertMonitor(config, t.log, new StatusService(config, t.web, registry), { queues: registry, web: t.web, erp: t.erp }, configuredChannels(config, t.log), 0);
      await monitor.check(); // the first look: what is there already was announced before
      await new DeadLetterQueue(registry).add(deadLetterSchema.parse(dead));
      await monitor.check();
      const raw = await waitFor('English e-mail', async () => english.mails.find((m) => /dead-letter queue/.test(readMail(m).subject)), 10_000);
      const mail = readMail(raw);
      expect(mail.subject).toBe('[mikrosync] Collections and payments: 1 job(s) in the dead-letter queue');
      expect(mail.text).toMatch(/^1 job\(s\) of flow Collections and payments failed for good/);
      expect(mail.text).toMatch(COLLECTION_EN);
      expect(mail.text).not.toMatch(/Tahsilat|tutar 0|akış/);
      expect(mail.text).not.toMatch(UUID);
    } finally {
      await registry.close();
      registry.connection.disconnect();
      english.close();
    }
  });

  it('write endpoints refuse requests without credentials, from another origin, or not JSON; allowed ones are audited', async () => {
    const run = `${base}/api/flows/collections/run`;
    const json = { 'Content-Type': 'application/json' };
    expect((await fetch(run, { method: 'POST', headers: json, body: '{}' })).status).toBe(401);
    expect((await fetch(run, { method: 'POST', headers: { ...json, authorization: basic(ADMIN.user, 'wrong') }, body: '{}' })).status).toBe(401);
    const evil = await fetch(run, { method: 'POST', headers: { ...json, authorization: basic(ADMIN.user, ADMIN.password), origin: 'https://evil.example' }, body: '{}' });
    expect(evil.status).toBe(403);
    const crossSite = await fetch(run, { method: 'POST', headers: { ...json, authorization: basic(ADMIN.user, ADMIN.password), 'sec-fetch-site': 'cross-site' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    const form = await fetch(run, {
      method: 'POST',
      headers: { authorization: basic(ADMIN.user, ADMIN.password), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    for (const p of ['/api/dead-letters/x/requeue', '/api/dead-letters/x/discard', '/api/flows/collections/pause', '/api/flows/collections/resume']) {
      expect((await fetch(`${base}${p}`, { method: 'POST', headers: json, body: '{}' })).status, p).toBe(401);
    }
    const ok = await fetch(run, { method: 'POST', headers: { ...json, authorization: basic(ADMIN.user, ADMIN.password), origin: base }, body: '{}' });
    expect(ok.status).toBe(200);
    const pause = await fetch(`${base}/api/flows/xml/pause`, { method: 'POST', headers: { ...json, authorization: basic(ADMIN.user, ADMIN.password) }, body: '{}' });
    expect(pause.status).toBe(200);
    const audit = await t.web.query('SELECT actor, action, target FROM sync_audit_log ORDER BY id');
    expect(audit.rows).toEqual(expect.arrayContaining([
      { actor: 'operator', action: 'run-now', target: 'collections' },
      { actor: 'operator', action: 'pause', target: 'xml' },
    ]));
    const status = (await (await fetch(`${base}/api/status`, { headers: { authorization: basic(ADMIN.user, ADMIN.password) } })).json()) as {
      flows: { flow: string; queue: { paused: boolean }; health: string }[];
      audit: { action: string }[];
    };
    expect(status.flows.find((f) => f.flow === 'xml')).toMatchObject({ queue: { paused: true }, health: 'amber' });
    // Audit actions come translated in the page's language (Turkish by default).
    expect(status.audit.map((a) => a.action)).toContain('Duraklatıldı');
  });

  it('shows no secret on the page, in the status API, in the metrics or in the logs', async () => {
    const auth = { authorization: basic(ADMIN.user, ADMIN.password) };
    const texts = [
      await (await fetch(`${base}/status`, { headers: auth })).text(),
      await (await fetch(`${base}/api/status`, { headers: auth })).text(),
      await (await fetch(`${base}/metrics`)).text(),
      fleet.output(),
    ];
    for (const text of texts) {
      expect(text).not.toContain('S3CRET');
      expect(text).not.toContain(t.env.WEB_DATABASE_URL!.replace(/^.*@/, 'postgres-password@'));
    }
  });

  it('writes combined.log, error.log and sync.log with one JSON line per record event', async () => {
    // The files exist from start-up; the dead-letter line arrives when the async transport flushes.
    const errorText = () =>
      readdirSync(logDir)
        .filter((f) => f.startsWith('error'))
        .map((f) => readFileSync(path.join(logDir, f), 'utf8'))
        .join('');
    await waitFor('dead-letter line in error.log', async () => errorText().includes('job moved to the dead-letter queue') || undefined, 10_000);
    const files = readdirSync(logDir);
    for (const name of ['combined', 'error', 'sync']) expect(files.some((f) => f.startsWith(name)), name).toBe(true);
    const line = errorText().split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.msg === 'job moved to the dead-letter queue');
    expect(line).toMatchObject({ table: 'tahsilatlar', queue: 'collections', level: 50 });
    expect(line.id).toMatch(/^[0-9a-f-]{36}$/);
    for (const f of files) expect(readFileSync(path.join(logDir, f), 'utf8')).not.toContain('S3CRET');
  });
});
