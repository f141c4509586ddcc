/**
 * Bad input and faults: a proxy's HTML error page (retried in place; when it persists, a
 * transient failure the queue retries, never a parse error), an expired webhook (a PermanentError
 * with a clear reason and fix, one attempt, in the dead-letter queue: the alert), a record with a
 * field of an unexpected type (stored raw, named in the log), the connection dropped half-way
 * through a page, a missing scope or CRM permission (that entity is logged, the others sync),
 * a missing BITRIX_WEBHOOK_URL (only the bitrix task fails, naming the variable). The webhook
 * code never reaches a log line or an error message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPermanent, loadConfig, PermanentError } from '@mikrosync/core';
import { createWorkerContext, startWorkers } from '@mikrosync/workers';
import { createBitrixEnv, seedMany, type BitrixEnv } from '../support/bitrix.js';
import { createTestEnv, waitFor } from '../support/test-env.js';
import { makeDeal, makeLead, makeTask, makeComment } from '../support/fake-bitrix/index.js';

describe('bitrix faults', () => {
  let b: BitrixEnv;

  beforeAll(async () => {
    b = await createBitrixEnv({ BITRIX_RETRIES: '3' });
    const d = b.fake.data;
    d.seed('leads', seedMany(300, 1, (id, i) => makeLead(d.clock, id, i, 300)));
    d.seed('deals', seedMany(20, 1, (id, i) => makeDeal(d.clock, id, i, 20)));
    d.seed('tasks', seedMany(10, 1, (id, i) => makeTask(d.clock, id, i, 10, 1)));
    for (let id = 1; id <= 10; id++) d.seedComments(id, [makeComment(d.clock, d.nextCommentId())]);
  });
  afterAll(async () => {
    expect(b.logText()).not.toContain(b.fake.code);
    await b?.cleanup();
  });

  it('a 502/500 HTML page from a proxy is retried in place', async () => {
    b.fake.faults.push({ method: 'batch', kind: 'html', status: 502 }, { method: 'batch', skip: 1, kind: 'html', status: 500 });
    const result = await b.cycle();
    expect(result.rows).toMatchObject({ leads: 300, deals: 20 });
    expect(b.fake.requests.filter((r) => r.status === 502 || r.status === 500)).toHaveLength(2);
    expect(b.logText()).toMatch(/answered without JSON; retrying/);
  });

  it('the connection dropped half-way through a page is retried, nothing is lost', async () => {
    const d = b.fake.data;
    d.clock.advance(60);
    for (let id = 1; id <= 300; id++) d.update('leads', id, { TITLE: `after drop ${id}` });
    b.fake.faults.push({ method: 'batch', skip: 1, kind: 'drop' }, { method: 'batch', skip: 2, kind: 'reset' });
    const result = await b.cycle();
    expect(result.rows?.leads).toBe(300);
    expect(await b.count('leads', `title LIKE 'after drop %'`)).toBe(300);
    expect(b.logText()).toMatch(/request failed; retrying/);
  });

  it('an HTML error that persists fails the job as transient (retried by the queue), with a clear message', async () => {
    b.fake.faults.push({ method: 'batch', kind: 'html', status: 500, times: 10 });
    const err = await b.cycle().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isPermanent(err)).toBe(false);
    expect((err as Error).message).toMatch(/HTTP 500 with a non-JSON body \(HTML page\) after 4 attempts/);
    expect((err as Error).message).not.toContain(b.fake.code);
    b.fake.faults.length = 0;
  });

  it('a record with a field of an unexpected type is stored raw and named in the log', async () => {
    const d = b.fake.data;
    d.clock.advance(60);
    d.update('leads', 42, { OPPORTUNITY: { amount: 5 }, DATE_CLOSED: 'next week', ASSIGNED_BY_ID: 'Ayşe', PHONE: 'not a list' });
    await b.cycle();
    const row = (await b.t.web.query('SELECT opportunity, date_closed, assigned_by_id, phone, data FROM bitrix.leads WHERE id = 42')).rows[0];
    expect(row).toMatchObject({ opportunity: null, date_closed: null, assigned_by_id: null, phone: null });
    expect(row.data).toMatchObject({ OPPORTUNITY: { amount: 5 }, DATE_CLOSED: 'next week', ASSIGNED_BY_ID: 'Ayşe', PHONE: 'not a list' });
    const line = b.logs().find((l) => l.entity === 'leads' && l.id === 42);
    expect(line?.msg).toBe('Bitrix24 leads 42: unexpected field value(s) stored raw only');
    expect((line?.issues as { field: string }[]).map((i) => i.field).sort()).toEqual(['ASSIGNED_BY_ID', 'DATE_CLOSED', 'OPPORTUNITY', 'PHONE']);
  });

  it('a task whose comments cannot be read (ERROR_CORE) is skipped and logged; the others are read; the job does not fail', async () => {
    const d = b.fake.data;
    d.clock.advance(60);
    d.forbiddenComments.add(3);
    d.addComment(3, { POST_MESSAGE: 'hidden from the webhook user' });
    d.addComment(4, { POST_MESSAGE: 'readable' });
    const result = await b.cycle();
    expect(result.summary).toMatch(/failed: task_comments/);
    expect(await b.count('task_comments', `post_message = 'readable'`)).toBe(1);
    expect(await b.count('task_comments', 'task_id = 3')).toBe(1);
    const line = b.logs().find((l) => l.taskId === 3);
    expect(line).toMatchObject({ entity: 'task_comments', code: 'ERROR_CORE' });
    // Still pending: read once the user may.
    d.forbiddenComments.clear();
    await b.cycle();
    expect(await b.count('task_comments', 'task_id = 3')).toBe(2);
  });

  it('a missing scope or CRM permission is logged with the entity and the other entities sync', async () => {
    const d = b.fake.data;
    d.clock.advance(60);
    b.fake.missingScopes.add('task');
    b.fake.deniedMethods.add('crm.deal.list');
    d.update('leads', 7, { TITLE: 'still synced' });
    const result = await b.cycle();
    expect(result.summary).toMatch(/failed: .*deals.*tasks/);
    expect((await b.t.web.query('SELECT title FROM bitrix.leads WHERE id = 7')).rows[0].title).toBe('still synced');
    const tasks = b.logs().filter((l) => l.entity === 'tasks' && l.level === 50).at(-1);
    expect(JSON.stringify(tasks)).toMatch(/insufficient_scope/);
    expect(JSON.stringify(tasks)).toMatch(/tick scope/);
    const deals = await b.state('deals');
    expect(deals).toMatchObject({ basarili: false });
    expect(deals!.hata_mesaji).toMatch(/\(empty code\) "Access denied\."/);
    b.fake.missingScopes.clear();
    b.fake.deniedMethods.clear();
    await b.cycle();
    expect(await b.state('deals')).toMatchObject({ basarili: true, hata_mesaji: null });
  });

  it('an expired webhook stops the cycle at once with the reason and the fix; the dead letter is the alert', async () => {
    b.fake.expired = true;
    const direct = await b.cycle().catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(PermanentError);
    expect((direct as Error).message).toMatch(/refused .*NO_AUTH_FOUND "Wrong authorization data"/);
    expect((direct as Error).message).toMatch(/BITRIX_WEBHOOK_URL/);
    expect((direct as Error).message).toContain('127.0.0.1');
    expect((direct as Error).message).not.toContain(b.fake.code);
    expect(await b.state('cycle')).toMatchObject({ basarili: false });
    expect(b.logs().some((l) => l.alert === true && /refused the webhook/.test(String(l.msg)))).toBe(true);

    // Through the queue: one attempt, straight to the dead-letter queue as permanent.
    const workers = startWorkers(b.ctx, ['bitrix'], { housekeeping: false });
    try {
      await b.ctx.queues.get('bitrix').add('bitrix:cycle', { kind: 'task', task: 'cycle', requestedBy: 'test' }, { jobId: 'bitrix__cycle__expired', attempts: 3 });
      const dead = await waitFor('dead letter', async () => (await b.ctx.dlq.list()).find((e) => e.jobId === 'bitrix__cycle__expired'));
      expect(dead).toMatchObject({ permanent: true, attempts: 1, queue: 'bitrix' });
      expect(dead.reason).toMatch(/NO_AUTH_FOUND/);
      expect(dead.reason).not.toContain(b.fake.code);
    } finally {
      await workers.close();
      b.fake.expired = false;
    }
  });
});

describe('bitrix without BITRIX_WEBHOOK_URL', () => {
  it('starts (other domains work) and the bitrix task fails permanently, naming the variable', async () => {
    const t = await createTestEnv({ LOG_LEVEL: 'silent' });
    try {
      expect(t.config.bitrix.webhookUrl).toBeUndefined();
      const ctx = createWorkerContext(t.config, t.log);
      const { DOMAIN_TASKS } = await import('@mikrosync/workers');
      const err = await DOMAIN_TASKS.bitrix!.cycle!(ctx, { job: {} as never, args: {}, signal: new AbortController().signal, progress: async () => undefined }).catch((e: unknown) => e);
      await ctx.close();
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as Error).message).toMatch(/BITRIX_WEBHOOK_URL is not set/);
    } finally {
      await t.cleanup();
    }
  });

  it('rejects a malformed or plain-http (non-local) webhook URL at start-up without echoing it', () => {
    const base = { WEB_DATABASE_URL: 'postgres://x@127.0.0.1/db', ERP_DIALECT: 'pg', ERP_DATABASE_URL: 'postgres://x@127.0.0.1/erp' };
    for (const bad of ['http://portal.example.com/rest/1/secretcode42/', 'https://portal.example.com/rest/secretcode42/']) {
      let message = '';
      try {
        loadConfig({ ...base, BITRIX_WEBHOOK_URL: bad });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/BITRIX_WEBHOOK_URL: expected the inbound webhook URL/);
      expect(message).not.toContain('secretcode42');
    }
    expect(loadConfig({ ...base, BITRIX_WEBHOOK_URL: 'https://portal.example.com/rest/1/secretcode42/' }).bitrix.webhookUrl).toBe('https://portal.example.com/rest/1/secretcode42/');
  });
});
