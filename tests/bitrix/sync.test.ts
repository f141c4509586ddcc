/**
 * Bitrix24 -> PostgreSQL against the fake portal and real PostgreSQL/Redis: the initial load of
 * 5,000 leads and 1,000 tasks with comments through `start=-1` keyset walks in chained batches;
 * the next cycle changes exactly the rows edited, deleted and commented; an edit made while a
 * cycle pages is read by this or the next cycle; equal timestamps are not skipped; a stop
 * between pages leaves a consistent cursor that the next cycle resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBitrixEnv, seedMany, type BitrixEnv } from '../support/bitrix.js';
import { makeActivity, makeComment, makeCompany, makeContact, makeDeal, makeLead, makeTask, makeUser, makeDepartment, type SubCall } from '../support/fake-bitrix/index.js';

type Params = { filter?: Record<string, unknown>; start?: unknown; order?: Record<string, unknown>; select?: unknown };

describe('bitrix cycle: initial load and the next cycle', () => {
  let b: BitrixEnv;

  beforeAll(async () => {
    b = await createBitrixEnv();
    const d = b.fake.data;
    d.seed('leads', seedMany(5000, 1001, (id, i) => makeLead(d.clock, id, i, 5000)));
    d.seed('contacts', seedMany(40, 30001, (id, i) => makeContact(d.clock, id, i, 40)));
    d.seed('companies', seedMany(10, 1201, (id, i) => makeCompany(d.clock, id, i, 10)));
    d.seed('deals', seedMany(60, 29001, (id, i) => makeDeal(d.clock, id, i, 60)));
    d.seed('activities', seedMany(75, 205001, (id, i) => makeActivity(d.clock, id, i, 75)));
    d.seed('tasks', seedMany(1000, 60001, (id, i) => makeTask(d.clock, id, i, 1000, id % 4 === 0 ? 0 : 2)));
    for (let id = 60001; id <= 61000; id++) if (id % 4 !== 0) d.seedComments(id, [makeComment(d.clock, d.nextCommentId()), makeComment(d.clock, d.nextCommentId())]);
    d.seed('users', seedMany(12, 1, (id) => makeUser(d.clock, id)));
    d.seed('departments', [makeDepartment(1), makeDepartment(5, 1)]);
  }, 60_000);
  afterAll(async () => b?.cleanup());

  it('loads everything through start=-1 keyset walks in chained batches', async () => {
    const started = Date.now();
    const result = await b.cycle();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.rows).toMatchObject({ leads: 5000, contacts: 40, companies: 10, deals: 60, activities: 75, tasks: 1000, task_comments: 1500, users: 12, departments: 2, deleted: 0 });
    expect(await b.count('leads')).toBe(5000);
    expect(await b.count('tasks')).toBe(1000);
    expect(await b.count('task_comments')).toBe(1500);
    expect(await b.count('task_comments', 'task_id % 4 = 0')).toBe(0);

    // Typed key columns, multi-fields named in select and stored, the raw record as JSONB.
    const lead = (await b.t.web.query('SELECT * FROM bitrix.leads WHERE id = 1001')).rows[0];
    expect(lead).toMatchObject({ title: 'Lead 1001', status_id: 'CONVERTED', opportunity: '4000.00', phone: '+90 501 000 10 01', email: 'lead1001@example.com', deleted_at: null });
    expect(lead.multi_fields.PHONE[0]).toMatchObject({ VALUE_TYPE: 'WORK', VALUE: '+90 501 000 10 01' });
    expect(lead.data).toMatchObject({ ID: '1001', UF_CRM_1702551234567: false });
    expect((await b.t.web.query('SELECT email, multi_fields FROM bitrix.leads WHERE id = 1002')).rows[0]).toEqual({ email: null, multi_fields: { PHONE: [expect.objectContaining({ VALUE_TYPE: 'WORK' })] } });
    const task = (await b.t.web.query('SELECT * FROM bitrix.tasks WHERE id = 60001')).rows[0];
    expect(task).toMatchObject({ title: 'Görev 60001', comments_count: 2, comments_synced_count: 2, tags: ['tapu', 'kredi'], crm_bindings: ['D_30391', 'C_30517'] });
    const comment = (await b.t.web.query('SELECT * FROM bitrix.task_comments WHERE task_id = 60001 ORDER BY id LIMIT 1')).rows[0];
    expect(comment.data.TASK_ID).toBe('60001');

    // Every list request: order by ID, start=-1 (no counting), no change filter on the first load.
    const listCalls = b.fake.callsOf('crm.lead.list') as SubCall[];
    for (const c of listCalls) {
      const p = c.params as Params;
      expect(p.start).toBe('-1');
      expect(p.order).toEqual({ ID: 'ASC' });
      expect(p.filter?.['>=DATE_MODIFY']).toBeUndefined();
    }
    // The walk names the multi-fields ("*" does not return them); the ID sweep selects ID only.
    const walkCalls = listCalls.filter((c) => JSON.stringify((c.params as Params).select).includes('*'));
    expect(walkCalls.length).toBeGreaterThanOrEqual(100);
    for (const c of walkCalls) expect((c.params as Params).select).toEqual(['*', 'UF_*', 'PHONE', 'EMAIL', 'WEB', 'IM']);
    expect(listCalls.filter((c) => JSON.stringify((c.params as Params).select) === '["ID"]').length).toBeGreaterThanOrEqual(100);
    // Tasks are read once on the first load (the activity-date walk starts after it).
    expect(b.fake.callsOf('tasks.task.list').filter((c) => JSON.stringify(c.params.select).includes('TITLE')).length).toBeLessThanOrEqual(32);
    // 5,000 leads = 100 pages, fetched 2,500 at a time once the chain is long: a handful of HTTP requests.
    const walkRequests = b.fake.requests.filter((r) => r.calls?.some((c) => c.method === 'crm.lead.list' && JSON.stringify(c.params.select).includes('*')));
    expect(walkRequests.length).toBeLessThanOrEqual(8);
    expect(Math.max(...walkRequests.map((r) => r.calls!.length))).toBe(50);
    expect(b.fake.requests.every((r) => r.method === 'batch' || r.method === 'user.get' || r.method === 'department.get')).toBe(true);

    // One watermark per entity, at the portal's clock; no walk in progress.
    for (const e of ['leads', 'contacts', 'companies', 'deals', 'activities', 'tasks', 'task_activity']) {
      const s = await b.state(e);
      expect(s, e).toMatchObject({ watermark_recno: '0', basarili: true, hata_mesaji: null });
      expect(s!.watermark_time).toBeTruthy();
    }
  });

  it('the next cycle changes exactly the rows edited, deleted and commented', async () => {
    const d = b.fake.data;
    d.clock.advance(30);
    const mark = (await b.t.web.query('SELECT now() AS t')).rows[0].t as Date;
    await new Promise((r) => setTimeout(r, 20));
    for (const id of [1100, 3333, 6000]) d.update('leads', id, { TITLE: `Edited ${id}` });
    d.remove('leads', 2500);
    d.addComment(60002, { POST_MESSAGE: 'new comment one' });
    d.addComment(60555, { POST_MESSAGE: 'new comment two' });
    const before = b.fake.requests.length;

    const result = await b.cycle();
    expect(result.rows).toMatchObject({ leads: 3, contacts: 0, companies: 0, deals: 0, activities: 0, tasks: 2, task_comments: 2, deleted: 1 });
    const changed = async (table: string) => (await b.t.web.query(`SELECT id FROM bitrix.${table} WHERE synced_at > $1 ORDER BY id`, [mark])).rows.map((r) => Number(r.id));
    expect(await changed('leads')).toEqual([1100, 2500, 3333, 6000]);
    expect(await changed('tasks')).toEqual([60002, 60555]);
    expect(await changed('contacts')).toEqual([]);
    expect(await changed('activities')).toEqual([]);
    expect(await changed('task_comments')).toHaveLength(2);
    expect((await b.t.web.query('SELECT title FROM bitrix.leads WHERE id = 3333')).rows[0].title).toBe('Edited 3333');
    expect((await b.t.web.query('SELECT deleted_at FROM bitrix.leads WHERE id = 2500')).rows[0].deleted_at).toBeInstanceOf(Date);
    expect(await b.count('leads', 'deleted_at IS NULL')).toBe(4999);
    const newComments = (await b.t.web.query(`SELECT task_id::int, post_message FROM bitrix.task_comments WHERE synced_at > $1 ORDER BY task_id`, [mark])).rows;
    expect(newComments).toEqual([
      { task_id: 60002, post_message: 'new comment one' },
      { task_id: 60555, post_message: 'new comment two' },
    ]);

    // Incremental: one filter `>=DATE_MODIFY` (no LOGIC/OR), in portal-local time without offset.
    const probe = b.fake.requests[before]!;
    const leadCall = probe.calls!.find((c) => c.method === 'crm.lead.list')!;
    const filter = (leadCall.params as Params).filter!;
    expect(Object.keys(filter)).toEqual(['>=DATE_MODIFY']);
    expect(String(filter['>=DATE_MODIFY'])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect((probe.calls!.find((c) => c.method === 'tasks.task.list')!.params as Params).filter).toHaveProperty('>=CHANGED_DATE');
    // Comments were read for exactly the two tasks whose counters moved (the task's changedDate did not).
    const commentCalls = b.fake.callsOf('task.commentitem.getlist').slice(-2) as SubCall[];
    expect(commentCalls.map((c) => c.params.TASKID).sort()).toEqual(['60002', '60555']);
  });

  it('an idle cycle is one request and writes no row', async () => {
    await b.t.web.query(`UPDATE sync_state SET details = details || '{"reconciledMs": ${Date.now()}}' WHERE tablo_adi LIKE 'bitrix.%'`);
    const mark = (await b.t.web.query('SELECT now() AS t')).rows[0].t as Date;
    const before = b.fake.requests.length;
    const ctx = { ...b.ctx, config: { ...b.ctx.config, bitrix: { ...b.ctx.config.bitrix, reconcileIntervalMinutes: 60 } } };
    const { DOMAIN_TASKS } = await import('@mikrosync/workers');
    const result = await DOMAIN_TASKS.bitrix!.cycle!(ctx, { job: {} as never, args: {}, signal: new AbortController().signal, progress: async () => undefined });
    expect(result.summary).toMatch(/no changes/);
    expect(b.fake.requests.length - before).toBe(1);
    for (const t of ['leads', 'contacts', 'companies', 'deals', 'activities', 'tasks', 'task_comments']) expect(await b.count(t, `synced_at > '${mark.toISOString()}'`), t).toBe(0);
  });
});

describe('bitrix cycle: edits during a walk, equal timestamps, graceful stop', () => {
  let b: BitrixEnv;

  beforeAll(async () => {
    // No overlap: only the watermark logic itself can catch these edits.
    b = await createBitrixEnv({ BITRIX_OVERLAP_SECONDS: '0', BITRIX_BATCH_CALLS: '2', BITRIX_RECONCILE_INTERVAL_MINUTES: '600' });
    const d = b.fake.data;
    d.seed('leads', seedMany(600, 1, (id, i) => makeLead(d.clock, id, i, 600)));
  });
  afterAll(async () => b?.cleanup());

  it('a lead edited while the cycle pages is read by this cycle (ahead of the cursor) or the next (behind it)', async () => {
    const d = b.fake.data;
    let edited = false;
    b.fake.onRequest = (req) => {
      // After the second lead request: the walk has passed ids 1..150.
      const leadRequests = b.fake.requests.filter((r) => r.calls?.some((c) => c.method === 'crm.lead.list')).length;
      if (!edited && req.calls?.some((c) => c.method === 'crm.lead.list') && leadRequests === 2) {
        edited = true;
        d.clock.advance(5);
        d.update('leads', 10, { TITLE: 'edited behind the cursor' });
        d.update('leads', 590, { TITLE: 'edited ahead of the cursor' });
      }
    };
    await b.cycle();
    b.fake.onRequest = undefined;
    expect(edited).toBe(true);
    const title = async (id: number) => (await b.t.web.query('SELECT title FROM bitrix.leads WHERE id = $1', [id])).rows[0].title as string;
    expect(await title(590)).toBe('edited ahead of the cursor');
    expect(await title(10)).toBe('Lead 10');
    d.clock.advance(60);
    await b.cycle();
    expect(await title(10)).toBe('edited behind the cursor');
  });

  it('a change stamped with the very second of the watermark is not skipped', async () => {
    const d = b.fake.data;
    d.clock.advance(10);
    // The portal's clock stands still: the edit carries the very second the cycle started in.
    d.clock.freeze();
    try {
      await b.cycle();
      const wm = await b.state('leads');
      d.update('leads', 20, { TITLE: 'same second' });
      const stamp = d.entities.leads.byId.get(20)!.DATE_MODIFY as string;
      expect(Date.parse(stamp)).toBe((wm!.watermark_time as Date).getTime() - (wm!.watermark_time as Date).getTimezoneOffset() * 60_000);
      const before = b.fake.requests.length;
      await b.cycle();
      const filter = ((b.fake.requests[before]!.calls!.find((c) => c.method === 'crm.lead.list')!.params as Params).filter ?? {}) as Record<string, string>;
      expect(stamp.startsWith(filter['>=DATE_MODIFY']!)).toBe(true);
      expect((await b.t.web.query('SELECT title FROM bitrix.leads WHERE id = 20')).rows[0].title).toBe('same second');
    } finally {
      d.clock.resume();
    }
  });

  it('a stop between pages commits the current page, keeps the cursor, and the next cycle resumes there', async () => {
    const d = b.fake.data;
    d.clock.advance(60);
    // 300 edited leads = 6 pages; with batches of 2 pages the walk needs several requests.
    for (let id = 101; id <= 400; id++) d.update('leads', id, { TITLE: `bulk ${id}` });
    const stop = new AbortController();
    let leadRequests = 0;
    b.fake.onRequest = (req) => {
      if (req.calls?.some((c) => c.method === 'crm.lead.list') && ++leadRequests === 2) stop.abort(new Error('SIGTERM'));
    };
    const before = await b.state('leads');
    const result = await b.cycle({ signal: stop.signal });
    b.fake.onRequest = undefined;
    expect(result.summary).toMatch(/stopped early by shutdown/);
    const mid = await b.state('leads');
    // Watermark unchanged, cursor at the last committed id, every row up to it committed.
    expect(mid!.watermark_time).toEqual(before!.watermark_time);
    const cursor = Number(mid!.watermark_recno);
    expect(cursor).toBeGreaterThan(100);
    expect(cursor).toBeLessThan(400);
    expect(await b.count('leads', `title LIKE 'bulk %' AND id <= ${cursor}`)).toBe(cursor - 100);
    expect(await b.count('leads', `title LIKE 'bulk %' AND id > ${cursor}`)).toBe(0);

    const resumeAt = b.fake.requests.length;
    await b.cycle();
    const first = b.fake.requests[resumeAt]!.calls!.find((c) => c.method === 'crm.lead.list')!;
    expect((first.params as Params).filter!['>ID']).toBe(String(cursor));
    expect(await b.count('leads', `title LIKE 'bulk %'`)).toBe(300);
    const done = await b.state('leads');
    expect(Number(done!.watermark_recno)).toBe(0);
    expect(done!.watermark_time).not.toEqual(before!.watermark_time);
  });
});
