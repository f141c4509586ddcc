/**
 * The operations console's API against a real fleet (PostgreSQL, Redis, producer and workers): a
 * dead-lettered collection by its business identity with a Turkish (and English) reason, fixed in
 * place by picking the missing Mikro account (one audit entry, posted, the flow turns green), the
 * tracker by web and Mikro number, the 24-hour charts, the daily summary page and e-mail, and roles:
 * a viewer reads but every action answers 403 in the page's language, Bull Board is the admin's.
 */
import { randomUUID } from 'node:crypto';
import { smtpReceiver, type SmtpReceiver } from '../support/smtp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, QueueRegistry } from '@mikrosync/connectors';
import { StatusService, SummaryMailer } from '@mikrosync/producer';
import { createTestEnv, ERP_UNDER_TEST, waitFor, type TestEnv } from '../support/test-env.js';
import { erpInsert, insertCollection, seedErpMasterData, seedWebMasterData, type SeededIds } from '../support/seed.js';
import { startCli, type CliProcess } from '../support/processes.js';

const ADMIN = { user: 'admin', password: 'admin-pass-123' };
const OPERATOR = { user: 'kasiyer', password: 'operator-pass-123' };
const VIEWER = { user: 'muhasebe', password: 'viewer-pass-123' };
const basic = (l: { user: string; password: string }) => ({ authorization: `Basic ${Buffer.from(`${l.user}:${l.password}`).toString('base64')}` });
const json = { 'Content-Type': 'application/json' };

interface DeadLetterJson {
  id: string;
  queue: string;
  jobId: string;
  record: { table: string; id: string; label: string; number?: string; party?: string; amount?: string; date?: string };
  reason: string;
  fix: string;
  mapping?: { kind: string; webCode: string; webLabel: string };
}
interface FlowJson {
  flow: string;
  label: string;
  state: string;
  why: string[];
  counters: { key: string; label: string; value: number; hint: string }[];
  deadLetters: DeadLetterJson[];
}
interface StatusJson {
  flows: FlowJson[];
  audit: { at: string; who: string; action: string; target: string }[];
}
interface TrackJson {
  results: { flow: string; flowLabel: string; table: string; id: string; label: string; state: string; erpDocument?: { series: string; number: number; recno: number | null; text: string }; timeline: { at: string; text: string }[]; actions: string[] }[];
}

describe.skipIf(ERP_UNDER_TEST !== 'pg')('operations console API', () => {
  let t: TestEnv;
  let ids: SeededIds;
  let fleet: CliProcess;
  let base: string;
  let smtp: SmtpReceiver;
  let adaWeb: string;
  let collectionId: string;

  const get = async <T>(path: string, login = VIEWER): Promise<T> => {
    const res = await fetch(`${base}${path}`, { headers: basic(login) });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  const collectionsFlow = async (lang: string) => (await get<StatusJson>(`/api/status?lang=${lang}`)).flows.find((f) => f.flow === 'collections')!;

  beforeAll(async () => {
    smtp = await smtpReceiver();
    t = await createTestEnv({
      ADMIN_USER: ADMIN.user,
      ADMIN_PASSWORD: ADMIN.password,
      OPERATOR_USER: OPERATOR.user,
      OPERATOR_PASSWORD: OPERATOR.password,
      VIEWER_USER: VIEWER.user,
      VIEWER_PASSWORD: VIEWER.password,
      HTTP_PORT: String(20000 + Math.floor(Math.random() * 20000)),
      ALERT_SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: 'ops@example.com',
      SUMMARY_EMAIL_TO: 'owner@example.com',
    });
    base = `http://127.0.0.1:${t.env.HTTP_PORT}`;
    await seedErpMasterData(t.erp);
    ids = await seedWebMasterData(t.web);
    // Mikro has ADA OYUNCAK as ADA01, mirrored on the web; the shop created the customer again on
    // the web without a Mikro code: its collections cannot be posted until it is mapped.
    await erpInsert(t.erp, 'CARI_HESAPLAR', { cari_kod: 'ADA01', cari_unvan1: 'ADA OYUNCAK' });
    await t.web.query(`INSERT INTO cari_hesaplar (id, cari_kodu, cari_adi, cari_tipi, kaynak) VALUES ($1, 'ADA01', 'ADA OYUNCAK', 'Müşteri', 'erp')`, [randomUUID()]);
    adaWeb = randomUUID();
    await t.web.query(`INSERT INTO cari_hesaplar (id, cari_kodu, cari_adi, cari_tipi, kaynak) VALUES ($1, '', 'ADA OYUNCAK', 'Müşteri', 'web')`, [adaWeb]);
    fleet = startCli(['start'], t.env);
    await waitFor('status page up', async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, 30_000);
  });
  afterAll(async () => {
    await fleet?.stop();
    smtp?.close();
    await t?.cleanup();
  });

  it('tells each login its role; Bull Board is the admin\'s only', async () => {
    expect(await get(`/api/me`, ADMIN)).toEqual({ user: ADMIN.user, role: 'admin' });
    expect(await get(`/api/me`, OPERATOR)).toEqual({ user: OPERATOR.user, role: 'operator' });
    expect(await get(`/api/me`, VIEWER)).toEqual({ user: VIEWER.user, role: 'viewer' });
    expect((await fetch(`${base}/api/me`)).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: basic(ADMIN) })).status).toBe(200);
    expect((await fetch(`${base}/admin/queues`, { headers: basic(OPERATOR) })).status).toBe(401);
    expect((await fetch(`${base}/admin/queues`, { headers: basic(VIEWER) })).status).toBe(401);
  });

  it('labels flows, tables and counters in Turkish and English, with a legend for each counter', async () => {
    const tr = await get<StatusJson>('/api/status?lang=tr');
    const en = await get<StatusJson>('/api/status?lang=en');
    expect(tr.flows.find((f) => f.flow === 'sales')!.label).toBe('Satışlar');
    expect(en.flows.find((f) => f.flow === 'sales')!.label).toBe('Sales');
    const counters = tr.flows.find((f) => f.flow === 'collections')!.counters;
    expect(counters.map((c) => c.key)).toEqual(['waiting', 'running', 'scheduled', 'failed', 'posted', 'workers']);
    expect(counters.find((c) => c.key === 'failed')).toMatchObject({ label: 'Hatalı', hint: expect.stringMatching(/hata kuyruğu/) });
    expect(tr.flows.every((f) => f.why.length > 0 && ['green', 'amber', 'red'].includes(f.state))).toBe(true);
  });

  it('shows a dead-lettered collection by its number, customer, amount and date, with the reason and fix in the page\'s language', async () => {
    collectionId = await insertCollection(t.web, {
      cari_hesap_id: adaWeb,
      tahsilat_no: 'W-1001',
      tahsilat_tipi: 'nakit',
      kasa_id: ids.kasa001,
      tutar: 10,
      tahsilat_tarihi: '2025-11-12',
      tahsilat_seri_no: 'NC',
      tahsilat_sira_no: 4,
    });
    const flow = await waitFor('dead letter on the page', async () => {
      const f = await collectionsFlow('tr');
      return f.deadLetters.length ? f : undefined;
    }, 30_000);
    expect(flow.state).toBe('red');
    expect(flow.why).toContain('1 belge hata kuyruğunda, bir operatör bakmalı');
    expect(flow.counters.find((c) => c.key === 'failed')!.value).toBe(1);
    const d = flow.deadLetters[0]!;
    expect(d.record).toMatchObject({ table: 'tahsilatlar', id: collectionId, label: 'Tahsilat W-1001 · ADA OYUNCAK · 10,00 TL · 12.11.2025' });
    expect(d.reason).toBe('ADA OYUNCAK carisinin Mikro cari kodu yok.');
    expect(d.fix).toMatch(/Mikro carisini seçin/);
    expect(d.mapping).toEqual({ kind: 'account', webCode: adaWeb, webLabel: 'ADA OYUNCAK' });
    const en = (await collectionsFlow('en')).deadLetters[0]!;
    expect(en.reason).toBe('account ADA OYUNCAK has no ERP account code.');
    expect(en.record.label).toBe('Collection W-1001 · ADA OYUNCAK · 10.00 TL · 12/11/2025');

    const track = await get<TrackJson>('/api/track?q=W-1001&lang=tr');
    expect(track.results).toHaveLength(1);
    expect(track.results[0]).toMatchObject({ flow: 'collections', id: collectionId, state: 'failed', actions: ['requeue', 'fixMapping'] });
    expect(track.results[0]!.timeline.map((x) => x.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^web'deki değişiklik alındı \(yeni\)$/), expect.stringMatching(/^durdu, bir operatör bakmalı: ADA OYUNCAK carisinin/)]));
  });

  it('refuses every action of a viewer with a translated 403', async () => {
    const posts = ['/api/mappings/account', '/api/flows/collections/run', '/api/flows/collections/pause', '/api/dead-letters/x/requeue', '/api/dead-letters/x/discard'];
    for (const p of posts) {
      const tr = await fetch(`${base}${p}?lang=tr`, { method: 'POST', headers: { ...json, ...basic(VIEWER) }, body: JSON.stringify({ webCode: adaWeb, erpCode: 'ADA01' }) });
      expect(tr.status, p).toBe(403);
      expect(await tr.json()).toEqual({ ok: false, message: 'Girişiniz yalnızca görüntüleme yetkili: bu işlemi bir operatöre yaptırın.' });
    }
    const en = await fetch(`${base}/api/flows/collections/run?lang=en`, { method: 'POST', headers: { ...json, ...basic(VIEWER) }, body: '{}' });
    expect(await en.json()).toEqual({ ok: false, message: 'Your login may only look: ask an operator to do this.' });
    expect((await t.web.query(`SELECT count(*)::int AS n FROM int_kodmap_cari`)).rows[0].n).toBe(0);
    expect((await t.web.query(`SELECT count(*)::int AS n FROM sync_audit_log`)).rows[0].n).toBe(0);
  });

  it('fixes the missing account in place: candidates from the mirror, the mapping written, posted, one audit entry, the flow green', async () => {
    const { items } = await get<{ items: { code: string; name: string }[] }>('/api/mappings/account/candidates?q=ada&lang=tr');
    expect(items).toEqual([{ code: 'ADA01', name: 'ADA OYUNCAK' }]);
    const d = (await collectionsFlow('tr')).deadLetters[0]!;
    const unknown = await fetch(`${base}/api/mappings/account?lang=tr`, { method: 'POST', headers: { ...json, ...basic(OPERATOR) }, body: JSON.stringify({ webCode: adaWeb, erpCode: 'NOPE' }) });
    expect(unknown.status).toBe(409);
    expect(await unknown.json()).toEqual({ ok: false, message: "Mikro'da NOPE kodlu cari yok." });

    const res = await fetch(`${base}/api/mappings/account?lang=tr`, {
      method: 'POST',
      headers: { ...json, ...basic(OPERATOR), origin: base },
      body: JSON.stringify({ webCode: d.mapping!.webCode, erpCode: 'ADA01', deadLetter: { queue: d.queue, jobId: d.jobId } }),
    });
    const body = (await res.json()) as { ok: boolean; message: string };
    expect(res.status, body.message).toBe(200);
    expect(body).toMatchObject({ ok: true, message: 'ADA OYUNCAK (cari) artık Mikro ADA01 ADA OYUNCAK ile eşleşti; Tahsilat W-1001 · ADA OYUNCAK · 10,00 TL · 12.11.2025 yeniden kuyruğa alındı.' });
    expect((await t.web.query(`SELECT web_cari_id::text AS web, erp_cari_kod AS erp FROM int_kodmap_cari`)).rows).toEqual([{ web: adaWeb, erp: 'ADA01' }]);

    const posted = await waitFor('collection posted', async () => (await t.web.query(`SELECT erp_evrak_seri, erp_evrak_no FROM int_tahsilat_mapping WHERE web_tahsilat_id = $1`, [collectionId])).rows[0], 30_000);
    expect(posted).toEqual({ erp_evrak_seri: 'NC', erp_evrak_no: 4 });
    const flow = await waitFor('flow green', async () => {
      const f = await collectionsFlow('tr');
      return f.state === 'green' ? f : undefined;
    }, 30_000);
    expect(flow.deadLetters).toEqual([]);
    const audit = await t.web.query(`SELECT actor, action, target FROM sync_audit_log`);
    expect(audit.rows).toEqual([{ actor: OPERATOR.user, action: 'map', target: d.id }]);
    const shown = (await get<StatusJson>('/api/status?lang=tr')).audit;
    expect(shown[0]).toMatchObject({ who: OPERATOR.user, action: 'Eşleştirme yapıldı', target: 'Tahsilat W-1001 · ADA OYUNCAK · 10,00 TL · 12.11.2025' });
  });

  it('tracks the posted collection by its web number and by its Mikro number, with or without the dash', async () => {
    for (const q of ['W-1001', 'NC-4', 'nc4']) {
      const { results } = await get<TrackJson>(`/api/track?q=${encodeURIComponent(q)}&lang=tr`);
      expect(results.map((r) => r.id), q).toEqual([collectionId]);
      expect(results[0]).toMatchObject({ state: 'posted', flowLabel: 'Tahsilat ve tediyeler', actions: [], erpDocument: { series: 'NC', number: 4, text: 'NC-4' } });
      expect(results[0]!.erpDocument!.recno).toBeGreaterThan(0);
      expect(results[0]!.timeline.at(-1)!.text).toMatch(/^Mikro belgesi NC-4 olarak aktarıldı \(RECno \d+\)$/);
    }
    const en = await get<TrackJson>('/api/track?q=NC-4&lang=en');
    expect(en.results[0]!.timeline.map((x) => x.text)).toContain(`posted as Mikro document NC-4 (RECno ${en.results[0]!.erpDocument!.recno})`);
    // A customer's name finds the customer's documents.
    const byName = await get<TrackJson>('/api/track?q=ada%20oyun&lang=tr');
    expect(byName.results.map((r) => r.id)).toContain(collectionId);
    expect((await get<TrackJson>('/api/track?q=NOTHING-LIKE-THIS&lang=tr')).results).toEqual([]);
  });

  it('draws the last 24 hours of posted and dead-lettered documents as SVG from the workers\' rollups', async () => {
    const posted = await fetch(`${base}/api/flows/collections/chart.svg?metric=posted&lang=tr`, { headers: basic(VIEWER) });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await posted.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('Saatlik aktarılan · 1');
    expect(svg.match(/<rect /g)).toHaveLength(24);
    expect(svg).not.toMatch(/href=|src=/);
    expect(await (await fetch(`${base}/api/flows/collections/chart.svg?metric=dead&lang=en`, { headers: basic(VIEWER) })).text()).toContain('Dead letters per hour · 1');
    expect(await (await fetch(`${base}/api/flows/sales/chart.svg?metric=posted&lang=en`, { headers: basic(VIEWER) })).text()).toContain('Posted per hour · 0');
  });

  it('prints the daily summary and sends it as the body of the daily e-mail', async () => {
    const page = await fetch(`${base}/summary?lang=tr`, { headers: basic(VIEWER) });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h1>Günlük özet');
    expect(html).toMatch(/<td>Tahsilat ve tediyeler<\/td><td class="n">1<\/td><td class="n">0<\/td>/);
    expect(await (await fetch(`${base}/summary?lang=en`, { headers: basic(VIEWER) })).text()).toContain('<h1>Daily summary');

    const queues = new QueueRegistry(createRedis(t.config.redis), { prefix: t.config.redis.prefix, attempts: 1, backoffMs: 100 });
    try {
      const mailer = new SummaryMailer({ config: { ...t.config, http: { ...t.config.http, summaryEmailTime: '07:30' } }, log: t.log, web: t.web, queues, status: new StatusService(t.config, t.web, queues) });
      const before = smtp.mails.length;
      await mailer.send();
      const mail = await waitFor('summary e-mail', async () => smtp.mails.slice(before).find((m) => m.includes('owner@example.com')), 10_000);
      expect(mail).toMatch(/Subject: =\?UTF-8\?|Subject: \[mikrosync\]/);
      expect(mail).toContain('text/html');
      expect(mail.replace(/=\r?\n/g, '')).toMatch(/G=C3=BCnl=C3=BCk =C3=B6zet|Günlük özet/);
    } finally {
      await queues.close();
      queues.connection.disconnect();
    }
  });
});
