/**
 * Schedules: each cron schedule is on or off by its own SCHEDULE_* setting, registered once in the
 * configured time zone however many producers start, left alone by one-off commands run from a
 * shell; a scheduled run on a worker without its flow's setting is skipped, not dead-lettered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSEKEEPING_QUEUE, loadConfig } from '@mikrosync/core';
import { applySchedules, startProducer, type RunningProducer } from '@mikrosync/producer';
import { createTestEnv, waitFor, type TestEnv } from '../support/test-env.js';
import { runCli, startCli } from '../support/processes.js';

describe('producer schedules', () => {
  let t: TestEnv;
  let producer: RunningProducer;

  beforeAll(async () => {
    const schedules = { SCHEDULE_HOUSEKEEPING: '15 4 * * *', SCHEDULE_CATALOG: '*/15 * * * *', SCHEDULE_ENTEGRA: '*/10 * * * *', SCHEDULE_BITRIX: '*/5 * * * *' };
    t = await createTestEnv(schedules);
    producer = await startProducer(t.config, t.log);
  });
  afterAll(async () => {
    await producer?.close();
    await t?.cleanup();
  });

  it('turns a schedule on or off by its own SCHEDULE_* setting, not by the producer machine\'s worker settings', async () => {
    const keys = async (queue: string) => (await producer.queues.get(queue).getJobSchedulers()).map((s) => s.key);
    expect(await keys('catalog')).toEqual(['catalog-sync']);
    // Entegra and Bitrix24 are not configured on this (producer) machine: their workers may run
    // elsewhere, so the schedules stay.
    expect(t.config.entegra.dbPath).toBeUndefined();
    expect(t.config.bitrix.webhookUrl).toBeFalsy();
    expect(await keys('entegra')).toEqual(['entegra-sync']);
    expect(await keys('bitrix')).toEqual(['bitrix-cycle']);
    // Empty and `off` turn them off.
    await applySchedules(producer.queues, loadConfig({ ...t.env, SCHEDULE_ENTEGRA: '', SCHEDULE_BITRIX: 'off' }), t.log);
    expect(await keys('entegra')).toEqual([]);
    expect(await keys('bitrix')).toEqual([]);
    expect(await keys('catalog')).toEqual(['catalog-sync']);
    await applySchedules(producer.queues, t.config, t.log);
    expect(await keys('entegra')).toEqual(['entegra-sync']);
  });

  it('a one-off command run from a shell with other settings leaves the fleet\'s schedules alone', async () => {
    const keys = async (queue: string) => (await producer.queues.get(queue).getJobSchedulers()).map((s) => s.key);
    const shell = { ...t.env, SCHEDULE_CATALOG: '', SCHEDULE_ENTEGRA: '', SCHEDULE_BITRIX: '', SCHEDULE_HOUSEKEEPING: '' };
    const sweep = await runCli(['sweep', '--wait', '--timeout', '20'], shell);
    expect(sweep.code, sweep.output).toBe(0);
    expect(sweep.output).toMatch(/enqueued \d+ outbox event/);
    expect(await keys('catalog')).toEqual(['catalog-sync']);
    expect(await keys('entegra')).toEqual(['entegra-sync']);
    expect(await keys('bitrix')).toEqual(['bitrix-cycle']);
    expect(await keys(HOUSEKEEPING_QUEUE)).toEqual(['housekeeping-purge-outbox']);
  });

  it('a scheduled Entegra or Bitrix24 run on a worker without its setting is skipped, not dead-lettered', async () => {
    const worker = startCli(['worker', '--domain', 'entegra,bitrix'], t.env);
    try {
      for (const [domain, task] of [['entegra', 'sync'], ['bitrix', 'cycle']] as const) {
        await producer.queues.get(domain).add(`${domain}:${task}`, { kind: 'task', task, requestedBy: 'schedule' }, { jobId: `scheduled-${domain}` });
      }
      const runs = await waitFor('both scheduled runs finished', async () => {
        // By job id: the fleet's real schedules may fire during the test too.
        const r = await t.web.query(`SELECT flow, status, summary FROM sync_runs WHERE job_id IN ('scheduled-entegra', 'scheduled-bitrix') AND status <> 'running' ORDER BY flow`);
        return r.rows.length === 2 ? r.rows : undefined;
      }, 60_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${worker.output()}`);
      });
      expect(runs).toEqual([
        { flow: 'bitrix', status: 'succeeded', summary: 'skipped: BITRIX_WEBHOOK_URL is not set' },
        { flow: 'entegra', status: 'succeeded', summary: 'skipped: ENTEGRA_DB_PATH is not set' },
      ]);
      expect((await producer.queues.get('dead-letter').getJobCounts('waiting')).waiting).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('registers cron schedules once, in the configured time zone, however many producers start', async () => {
    const second = await startProducer(t.config, t.log, { http: false });
    try {
      const schedulers = await producer.queues.get(HOUSEKEEPING_QUEUE).getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ key: 'housekeeping-purge-outbox', pattern: '15 4 * * *', tz: 'Europe/Istanbul' });
    } finally {
      await second.close();
    }
  });
});
