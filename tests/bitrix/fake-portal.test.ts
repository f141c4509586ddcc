/**
 * The fake portal and the REST client against each other: the URL shape, GET with PHP bracket
 * syntax (a `+` in an offset must travel as %2B), JSON, form and multipart bodies, filters with
 * operators (LOGIC ignored, as the CRM does), paging with total/next and start=-1, batch with
 * references, length limits and PHP's [] for empty maps, the error envelopes the client
 * classifies, and answer shapes that match the fixtures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mikrosync/core';
import { BitrixClient, BitrixLimiter, BitrixMethodError, createRedis, type RedisConnection, BitrixPortalError, bitrixBatchCommand, bitrixBatchRef, parseWebhookUrl } from '@mikrosync/connectors';
import { TEST_REDIS_URL } from '../support/env.js';
import { fixture, makeComment, makeLead, makeTask, startFakeBitrix, type FakeBitrix, type Rec } from '../support/fake-bitrix/index.js';

describe('fake Bitrix24 portal and REST client', () => {
  let fake: FakeBitrix;
  let redis: RedisConnection;
  let client: BitrixClient;
  const prefix = `mst_fake_${process.pid}`;

  beforeAll(async () => {
    fake = await startFakeBitrix({ burst: 10_000, rate: 10_000 });
    const d = fake.data;
    d.seed('leads', Array.from({ length: 120 }, (_, i) => makeLead(d.clock, i + 1, i, 120)));
    d.seed('tasks', [makeTask(d.clock, 7, 0, 1, 2)]);
    d.seedComments(7, [makeComment(d.clock, 900, 'first'), makeComment(d.clock, 901, 'second')]);
    redis = createRedis({ url: TEST_REDIS_URL });
    const webhook = parseWebhookUrl(fake.url)!;
    client = new BitrixClient({
      webhook,
      limiter: new BitrixLimiter(redis, { prefix, portal: webhook.portal, ratePerSecond: 1000, burst: 1000, operatingLimitSeconds: 480 }),
      log: createLogger({ level: 'silent' }),
      timeoutMs: 5000,
      retries: 0,
      retryBaseMs: 10,
    });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await fake.close();
  });

  const lead = (id: number) => fake.data.entities.leads.byId.get(id)!;

  it('GET with PHP bracket syntax and POST JSON give the same answer; an offset travels as %2B', async () => {
    const since = String(lead(100).DATE_MODIFY); // "...+03:00"
    const params = { order: { ID: 'ASC' }, filter: { '>=DATE_MODIFY': since }, select: ['ID', 'TITLE', 'DATE_MODIFY'], start: 0 };
    const post = await client.call<Rec[]>('crm.lead.list', params);
    const get = await client.call<Rec[]>('crm.lead.list', params, { http: 'GET' });
    expect(post.result.map((r) => r.ID)).toEqual(Array.from({ length: 21 }, (_, i) => String(100 + i)));
    expect(get.result).toEqual(post.result);
    expect(get.total).toBe(21);
    const getRequest = fake.requests.filter((r) => r.http === 'GET').at(-1)!;
    expect((getRequest.params.filter as Rec)['>=DATE_MODIFY']).toBe(since);
    // A bare "+" is a space in a query string: the date no longer parses, nothing matches.
    const raw = await fetch(`${fake.url}crm.lead.list.json?${encodeURIComponent('filter[>=DATE_MODIFY]')}=${since}&select[]=ID`);
    expect(((await raw.json()) as { result: unknown[] }).result).toEqual([]);
  });

  it('accepts form-encoded and multipart bodies', async () => {
    const form = await fetch(`${fake.url}crm.lead.list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'select%5B%5D=ID&filter%5B%40ID%5D%5B%5D=3&filter%5B%40ID%5D%5B%5D=5&start=0',
    });
    expect(((await form.json()) as { result: Rec[] }).result).toEqual([{ ID: '3' }, { ID: '5' }]);
    const body = new FormData();
    body.append('select[]', 'ID');
    body.append('filter[<=ID]', '2');
    const multi = await fetch(`${fake.url}crm.lead.list.json`, { method: 'POST', body });
    expect(((await multi.json()) as { result: Rec[] }).result).toEqual([{ ID: '1' }, { ID: '2' }]);
  });

  it('filters with operators, ignores LOGIC like the CRM, matches multi-fields by exact value', async () => {
    const ids = async (filter: Rec) => (await client.call<Rec[]>('crm.lead.list', { filter, select: ['ID'], order: { ID: 'ASC' }, start: 0 })).result.map((r) => Number(r.ID));
    expect(await ids({ '@ID': [1, 2, 3], '!ID': 2 })).toEqual([1, 3]);
    expect(await ids({ '!@ID': Array.from({ length: 118 }, (_, i) => i + 1) })).toEqual([119, 120]);
    expect(await ids({ '%TITLE': 'lead 11', '<ID': 115 })).toEqual([11, 110, 111, 112, 113, 114]);
    expect(await ids({ PHONE: String((lead(42).PHONE as Rec[])[0]!.VALUE) })).toEqual([42]);
    // With OR, this would be every lead created after 119's creation or modified after 119's change.
    const logic = { LOGIC: 'OR', '>DATE_CREATE': lead(119).DATE_CREATE, '<DATE_MODIFY': lead(3).DATE_MODIFY };
    expect(await ids(logic)).toEqual([]);
  });

  it('pages of 50 with total and next; start=-1 counts nothing', async () => {
    const p0 = await client.call<Rec[]>('crm.lead.list', { order: { ID: 'ASC' }, select: ['ID'], start: 0 });
    expect([p0.result.length, p0.total, p0.next]).toEqual([50, 120, 50]);
    const p2 = await client.call<Rec[]>('crm.lead.list', { order: { ID: 'ASC' }, select: ['ID'], start: 100 });
    expect([p2.result.length, p2.total, p2.next]).toEqual([20, 120, undefined]);
    const past = await client.call<Rec[]>('crm.lead.list', { order: { ID: 'ASC' }, select: ['ID'], start: 150 });
    expect([past.result.length, past.next]).toEqual([0, undefined]);
    const fast = await client.call<Rec[]>('crm.lead.list', { order: { ID: 'ASC' }, filter: { '>ID': 90 }, select: ['ID'], start: -1 });
    expect([fast.result.length, fast.total, fast.next, fast.result[0]!.ID]).toEqual([30, 0, undefined, '91']);
    expect(fast.time).toMatchObject({ date_start: expect.stringMatching(/\+03:00$/), operating: expect.any(Number), operating_reset_at: expect.any(Number) });
  });

  it('batch: chained references, 50 sub-calls at most, no nesting, PHP [] for empty maps', async () => {
    const page = (cursor: number | ReturnType<typeof bitrixBatchRef>) => bitrixBatchCommand('crm.lead.list', { order: { ID: 'ASC' }, filter: { '>ID': cursor }, select: ['ID'], start: -1 });
    const chained = await client.batch({ a: page(0), b: page(bitrixBatchRef('a', 49, 'ID')), c: page(bitrixBatchRef('b', 49, 'ID')) });
    expect([(chained.result.a as Rec[]).length, (chained.result.b as Rec[])[0]!.ID, (chained.result.c as Rec[]).length]).toEqual([50, '51', 20]);
    expect(chained.errors).toEqual({});
    expect(chained.time).not.toHaveProperty('operating');
    const sent = fake.requests.at(-1)!;
    expect(sent.calls!.map((c) => (c.params.filter as Rec | undefined)?.['>ID'])).toEqual(['0', '50', '100']);

    const cmd: Record<string, string> = {};
    for (let i = 0; i < 52; i++) cmd[`k${i}`] = 'department.get';
    const raw = await fetch(`${fake.url}batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ halt: 0, cmd: { ...cmd, nested: 'batch?cmd[x]=user.get' } }) });
    const body = (await raw.json()) as { result: Rec };
    expect(raw.status).toBe(200);
    expect(Object.keys(body.result.result_error as Rec)).toEqual(['k50', 'k51', 'nested']);
    expect((body.result.result_error as Record<string, Rec>).k50!.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
    expect((body.result.result_error as Record<string, Rec>).nested!.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
    const nested = await client.batch({ n: 'batch?cmd[x]=user.get', m: 'crm.lead.lst' });
    expect(nested.errors.n!.error).toBe('ERROR_BATCH_METHOD_NOT_ALLOWED');
    expect(nested.errors.m!.error).toBe('ERROR_METHOD_NOT_FOUND');
    const allOk = await fetch(`${fake.url}batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ cmd: { d: 'department.get' } }) });
    const allOkBody = (await allOk.json()) as { result: Rec };
    expect(allOkBody.result.result_error).toEqual([]);
    expect(allOkBody.result.result_next).toEqual([]);
  });

  it('tasks answer camelCase under result.tasks; comments are positional, unpaged, without TASK_ID', async () => {
    const tasks = await client.call<{ tasks: Rec[] }>('tasks.task.list', { order: { ID: 'ASC' }, filter: { '>ID': 0 }, select: ['ID', 'TITLE', 'COMMENTS_COUNT', 'TAGS'], start: -1 });
    expect(tasks.result.tasks[0]).toMatchObject({ id: '7', title: 'Görev 7', commentsCount: '2', tags: expect.any(Object), group: expect.anything() });
    const wrongOrder = await client.call('tasks.task.list', { order: { BOGUS: 'ASC' } }).catch((e: unknown) => e);
    expect(wrongOrder).toBeInstanceOf(BitrixMethodError);
    expect((wrongOrder as BitrixMethodError).code).toBe('0');
    const comments = await client.call<Rec[]>('task.commentitem.getlist', { TASKID: 7 });
    expect(comments.result.map((c) => c.ID)).toEqual(['901', '900']);
    expect(comments.result[0]).not.toHaveProperty('TASK_ID');
    expect(comments).not.toHaveProperty('next');
    const outOfOrder = await client.call('task.commentitem.getlist', { ORDER: { ID: 'ASC' }, TASKID: 7 }).catch((e: unknown) => e);
    expect((outOfOrder as BitrixMethodError).code).toBe('ERROR_CORE');
    const missing = await client.batch({ t: bitrixBatchCommand('task.commentitem.getlist', { TASKID: 99999 }) });
    expect(missing.errors.t!.error).toBe('ERROR_CORE');
  });

  it('classifies unknown methods and a wrong webhook code', async () => {
    const unknown = await client.call('crm.lead.lst').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(BitrixMethodError);
    expect((unknown as Error).message).toMatch(/HTTP 404 ERROR_METHOD_NOT_FOUND/);
    const wrong = new BitrixClient({ ...client.options, webhook: parseWebhookUrl(fake.url.replace(fake.code, 'wrongcode'))! });
    const denied = await wrong.call('user.get').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(BitrixPortalError);
    expect((denied as Error).message).not.toContain('wrongcode');
  });

  it('answers in the shapes of the fixtures', async () => {
    const fix = fixture<{ result: Rec[]; next: number; total: number; time: Rec }>('crm.lead.list.page1.json');
    const ours = await client.call<Rec[]>('crm.lead.list', { select: ['*', 'UF_*', 'PHONE', 'EMAIL'], order: { ID: 'ASC' }, start: 0 });
    expect(Object.keys(ours).sort()).toEqual(Object.keys(fix).sort());
    expect(Object.keys(ours.time!).sort()).toEqual(Object.keys(fix.time).sort());
    const fixtureKeys = new Set(fix.result.flatMap((r) => Object.keys(r)));
    for (const k of Object.keys(ours.result[0]!)) expect(fixtureKeys.has(k), k).toBe(true);
    const batchFix = fixture<{ result: Rec }>('batch.json');
    const batch = await fetch(`${fake.url}batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ cmd: { a: 'crm.lead.list?start=0', typo: 'crm.deal.lst' } }) });
    const batchBody = (await batch.json()) as { result: Rec; time: Rec };
    expect(Object.keys(batchBody.result).sort()).toEqual(Object.keys(batchFix.result).sort());
    expect(batchBody.time).not.toHaveProperty('operating');
  });
});
