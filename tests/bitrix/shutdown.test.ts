/**
 * SIGTERM to a real `mikrosync worker --domain bitrix` process in the middle of a first load: the
 * process stops within the shutdown timeout, the job ends as a succeeded run that says it stopped
 * early, every row up to the committed cursor is in PostgreSQL and none beyond it, the watermark
 * is untouched; the next cycle resumes at the cursor and completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBitrixEnv, seedMany, type BitrixEnv } from '../support/bitrix.js';
import { startCli } from '../support/processes.js';
import { waitFor } from '../support/test-env.js';
import { makeLead } from '../support/fake-bitrix/index.js';

describe('bitrix worker shutdown', () => {
  let b: BitrixEnv;

  beforeAll(async () => {
    b = await createBitrixEnv({ LOG_LEVEL: 'info', BITRIX_RATE_PER_SECOND: '5', BITRIX_RATE_BURST: '2', BITRIX_BATCH_CALLS: '2', BITRIX_RECONCILE_INTERVAL_MINUTES: '600' }, { burst: 2, rate: 5 });
    const d = b.fake.data;
    d.seed('leads', seedMany(3000, 1, (id, i) => makeLead(d.clock, id, i, 3000)));
  });
  afterAll(async () => b?.cleanup());

  it('commits the current page, keeps a consistent cursor, and the next cycle resumes there', async () => {
    const worker = startCli(['worker', '--domain', 'bitrix'], b.t.env);
    try {
      await waitFor('worker up', async () => /workers started/.test(worker.output()), 30_000);
      await b.ctx.queues.get('bitrix').add('bitrix:cycle', { kind: 'task', task: 'cycle', requestedBy: 'test' }, { jobId: 'bitrix__cycle__sigterm' });
      await waitFor('some leads loaded', async () => (await b.count('leads')) >= 400, 30_000, 50);
      const stopAt = Date.now();
      await worker.stop('SIGTERM');
      // Bounded by SHUTDOWN_TIMEOUT_MS for the jobs, then the connections close.
      expect(Date.now() - stopAt).toBeLessThan(Number(b.t.env.SHUTDOWN_TIMEOUT_MS) + 3000);
      expect((await worker.exited).code, worker.output()).toBe(0);
    } finally {
      await worker.stop('SIGKILL');
    }
    const run = (await b.t.web.query(`SELECT status, summary FROM sync_runs WHERE flow = 'bitrix' ORDER BY id DESC LIMIT 1`)).rows[0];
    expect(run).toMatchObject({ status: 'succeeded', summary: expect.stringMatching(/stopped early by shutdown/) });
    const state = await b.state('leads');
    const cursor = Number(state!.watermark_recno);
    expect(state!.watermark_time).toBeNull();
    expect(cursor).toBeGreaterThanOrEqual(400);
    expect(cursor).toBeLessThan(3000);
    expect(await b.count('leads')).toBe(cursor);
    expect(await b.count('leads', `id <= ${cursor}`)).toBe(cursor);

    const before = b.fake.requests.length;
    const result = await b.cycle();
    expect(result.summary).not.toMatch(/stopped/);
    const probe = b.fake.requests[before]!.calls!.find((c) => c.method === 'crm.lead.list')!;
    expect((probe.params.filter as Record<string, unknown>)['>ID']).toBe(String(cursor));
    expect(await b.count('leads')).toBe(3000);
    expect(Number((await b.state('leads'))!.watermark_recno)).toBe(0);
  });
});
