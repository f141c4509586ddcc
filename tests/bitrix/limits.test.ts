/**
 * The portal's limits: under a tight leaky bucket a cycle run by a real BullMQ worker completes
 * without a failed attempt and without one request over the bucket (the fake counts violations);
 * two "processes" share one bucket through Redis; QUERY_LIMIT_EXCEEDED (503, or 429 on older
 * portals) pauses and retries without burning job attempts; OPERATION_TIME_LIMIT pauses only
 * that method until its reset while the other entities go on, and the 80 % budget check pauses
 * a method before the portal refuses it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { startWorkers } from '@mikrosync/workers';
import { BitrixClient, BitrixLimiter, createRedis, parseWebhookUrl } from '@mikrosync/connectors';
import { createBitrixEnv, seedMany, type BitrixEnv } from '../support/bitrix.js';
import { waitFor } from '../support/test-env.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { makeActivity, makeComment, makeLead, makeTask, makeUser, makeDepartment } from '../support/fake-bitrix/index.js';

function seed(b: BitrixEnv, leads: number, tasks: number): void {
  const d = b.fake.data;
  d.seed('leads', seedMany(leads, 1, (id, i) => makeLead(d.clock, id, i, leads)));
  d.seed('tasks', seedMany(tasks, 1, (id, i) => makeTask(d.clock, id, i, tasks, 1)));
  for (let id = 1; id <= tasks; id++) d.seedComments(id, [makeComment(d.clock, d.nextCommentId())]);
  d.seed('users', seedMany(120, 1, (id) => makeUser(d.clock, id)));
  d.seed('departments', [makeDepartment(1), makeDepartment(2, 1)]);
}

/** Runs one cycle as a queued job through a real worker and returns the finished job. */
async function cycleAsJob(b: BitrixEnv): Promise<Job> {
  const workers = startWorkers(b.ctx, ['bitrix'], { housekeeping: false });
  try {
    const queue = b.ctx.queues.get('bitrix');
    const job = await queue.add('bitrix:cycle', { kind: 'task', task: 'cycle', requestedBy: 'test' }, { jobId: `bitrix__cycle__${Date.now()}`, attempts: 3 });
    return await waitFor(
      'bitrix cycle job finished',
      async () => {
        const j = await queue.getJob(String(job.id));
        const state = await j?.getState();
        return state === 'completed' || state === 'failed' ? j : undefined;
      },
      60_000,
      50,
    );
  } finally {
    await workers.close();
  }
}

describe('bitrix limits', () => {
  const envs: BitrixEnv[] = [];
  afterAll(async () => {
    for (const b of envs) await b.cleanup();
  });

  it('under a tight bucket the cycle completes without a failed attempt and without exceeding the bucket', async () => {
    const b = await createBitrixEnv({ BITRIX_RATE_BURST: '5', BITRIX_RATE_PER_SECOND: '20' }, { burst: 5, rate: 20 });
    envs.push(b);
    seed(b, 3000, 300);
    const started = Date.now();
    const job = await cycleAsJob(b);
    expect(await job.getState(), job.failedReason).toBe('completed');
    expect(job.stacktrace).toEqual([]);
    expect(b.fake.bucket.violations).toBe(0);
    expect(await b.count('leads')).toBe(3000);
    expect(await b.count('task_comments')).toBe(300);
    expect(await b.count('users')).toBe(120);
    // The requests really were paced: beyond the burst of 5, at most 20 per second.
    const n = b.fake.requests.length;
    expect(n).toBeGreaterThan(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(((n - 5) / 20) * 1000 * 0.9);
    expect(await b.ctx.dlq.count()).toBe(0);
  });

  it('counts the time spent waiting for the bucket in the flow metric', async () => {
    const b = await createBitrixEnv({}, { burst: 5, rate: 20 });
    envs.push(b);
    const metricKey = `${b.t.config.redis.prefix}:metrics:rate-limit-wait`;
    // burst 5 at 20/s keeps a margin of 5 (a quarter second): one slot, then one every 50 ms.
    const limiter = new BitrixLimiter(b.ctx.redis, { prefix: b.t.config.redis.prefix, portal: 'metric.example', ratePerSecond: 20, burst: 5, operatingLimitSeconds: 480 });
    const started = Date.now();
    let waitedMs = 0;
    for (let i = 0; i < 11; i++) {
      const slot = await limiter.acquire(['crm.lead.list']);
      if (slot.ok) waitedMs += slot.waitedMs;
    }
    const elapsedMs = Date.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(10 * 50 * 0.9);
    // mikrosync_rate_limit_wait_seconds_total{flow="bitrix"} is what the slots report, no more.
    const counted = Number(await b.ctx.redis.hget(metricKey, 'bitrix'));
    expect(counted).toBeCloseTo(waitedMs / 1000, 3);
    // Waits were counted, and no more time than passed.
    expect(counted).toBeGreaterThan(0);
    expect(counted * 1000).toBeLessThanOrEqual(elapsedMs);
  });

  it('two processes share one bucket through Redis', async () => {
    const b = await createBitrixEnv({}, { burst: 5, rate: 40 });
    envs.push(b);
    b.fake.data.seed('users', seedMany(3, 1, (id) => makeUser(b.fake.data.clock, id)));
    const webhook = parseWebhookUrl(b.fake.url)!;
    const processes = [createRedis({ url: TEST_REDIS_URL }), createRedis({ url: TEST_REDIS_URL })].map((redis) => ({
      redis,
      client: new BitrixClient({
        webhook,
        limiter: new BitrixLimiter(redis, { prefix: b.t.config.redis.prefix, portal: webhook.portal, ratePerSecond: 40, burst: 5, operatingLimitSeconds: 480 }),
        log: b.ctx.log,
        timeoutMs: 5000,
        retries: 0,
        retryBaseMs: 10,
      }),
    }));
    const started = Date.now();
    await Promise.all(processes.flatMap((p) => Array.from({ length: 25 }, () => p.client.call('user.get', { sort: 'ID', order: 'ASC' }))));
    const elapsed = Date.now() - started;
    for (const p of processes) p.redis.disconnect();
    expect(b.fake.requests.filter((r) => r.status === 200)).toHaveLength(50);
    expect(b.fake.bucket.violations).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(((50 - 5) / 40) * 1000 * 0.9);
  });

  it('QUERY_LIMIT_EXCEEDED (503, then the old 429) pauses every worker and retries without burning job attempts', async () => {
    // Our model says "plenty", the portal disagrees (another tool on the same portal, say).
    const b = await createBitrixEnv({ BITRIX_RATE_BURST: '1000', BITRIX_RATE_PER_SECOND: '1000' }, { burst: 4, rate: 10 });
    envs.push(b);
    seed(b, 1500, 50);
    const job = await cycleAsJob(b);
    expect(await job.getState(), job.failedReason).toBe('completed');
    expect(job.stacktrace).toEqual([]);
    expect(b.fake.requests.some((r) => r.status === 503 && r.error === 'QUERY_LIMIT_EXCEEDED')).toBe(true);
    expect(b.logText()).toMatch(/QUERY_LIMIT_EXCEEDED: every bitrix worker pauses/);
    expect(await b.count('leads')).toBe(1500);

    b.fake.bucket.status = 429;
    b.fake.bucket.reset();
    b.fake.data.clock.advance(60);
    for (let id = 1; id <= 400; id++) b.fake.data.update('leads', id, { TITLE: `again ${id}` });
    const second = await cycleAsJob(b);
    expect(await second.getState(), second.failedReason).toBe('completed');
    expect(second.stacktrace).toEqual([]);
    expect(b.fake.requests.some((r) => r.status === 429 && r.error === 'QUERY_LIMIT_EXCEEDED')).toBe(true);
    expect(await b.count('leads', `title LIKE 'again %'`)).toBe(400);
    expect(await b.ctx.dlq.count()).toBe(0);
  });

  it('OPERATION_TIME_LIMIT pauses that method until its reset; the other entities go on; the job succeeds', async () => {
    const b = await createBitrixEnv({}, {});
    envs.push(b);
    const d = b.fake.data;
    d.seed('leads', seedMany(120, 1, (id, i) => makeLead(d.clock, id, i, 120)));
    d.seed('activities', seedMany(400, 1, (id, i) => makeActivity(d.clock, id, i, 400)));
    b.fake.operating.costs['crm.activity.list'] = 10;
    b.fake.operating.limitSeconds = 15;
    b.fake.operating.windowMs = 6500;

    const job = await cycleAsJob(b);
    expect(await job.getState(), job.failedReason).toBe('completed');
    expect(job.stacktrace).toEqual([]);
    expect(job.returnvalue.summary).toMatch(/paused: activities until/);
    expect(b.fake.operating.refused['crm.activity.list']).toBeGreaterThan(0);
    expect(await b.count('leads')).toBe(120);
    const partial = await b.count('activities');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(400);

    // While paused, no call of the method is made at all; other methods are called.
    const before = b.fake.callsOf('crm.activity.list').length;
    const refused = b.fake.operating.refused['crm.activity.list'];
    const paused = await b.cycle();
    expect(paused.summary).toMatch(/paused: activities/);
    expect(b.fake.callsOf('crm.activity.list').length).toBe(before);
    expect(b.fake.callsOf('crm.lead.list').length).toBeGreaterThan(0);

    // After the reset the walk resumes at its cursor and completes. The pause lasts until the reset
    // time the portal reported (whole seconds), kept in Redis for every process.
    const portal = parseWebhookUrl(b.fake.url)!.portal;
    const until = Number(await b.ctx.redis.hget(`${b.t.config.redis.prefix}:bitrix:${portal}:op:crm.activity.list`, 'blockedUntil'));
    expect(until).toBeGreaterThan(Date.now());
    await new Promise((r) => setTimeout(r, until - Date.now() + 200));
    b.fake.operating.costs['crm.activity.list'] = 0;
    const resumed = await b.cycle();
    expect(resumed.summary).not.toMatch(/paused/);
    expect(await b.count('activities')).toBe(400);
    expect(b.fake.operating.refused['crm.activity.list']).toBe(refused);
  }, 30_000);

  it('a method at 80 % of its operating budget is paused before the portal refuses it', async () => {
    const b = await createBitrixEnv({ BITRIX_OPERATING_LIMIT_SECONDS: '20' }, {});
    envs.push(b);
    const d = b.fake.data;
    d.seed('activities', seedMany(400, 1, (id, i) => makeActivity(d.clock, id, i, 400)));
    await b.cycle();
    // All 400 change; the incremental walk now costs 9 s of the method's budget per page.
    d.clock.advance(60);
    for (let id = 1; id <= 400; id++) d.update('activities', id, { SUBJECT: `changed ${id}` });
    b.fake.requests.length = 0;
    b.fake.operating.costs['crm.activity.list'] = 9;
    b.fake.operating.limitSeconds = 30;
    b.fake.operating.windowMs = 60_000;
    const result = await b.cycle();
    expect(result.summary).toMatch(/paused: activities/);
    // Probe (9 s) and a chain of two (27 s): at >= 16 s (80 % of 20) no further request goes out,
    // so the portal (which would refuse above 30 s) never has to.
    expect(b.fake.callsOf('crm.activity.list').length).toBe(3);
    expect(b.fake.operating.refused['crm.activity.list'] ?? 0).toBe(0);
    expect(await b.count('activities', `subject LIKE 'changed %'`)).toBe(150);
  });
});
