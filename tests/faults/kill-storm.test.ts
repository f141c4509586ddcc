/**
 * Fault suite: collections and sales workers SIGKILLed at random at least 50 times during a stream
 * and restarted at once (as a container runtime would). Nothing may be posted twice, nothing lost,
 * no valid document may reach the dead-letter queue, and every web mapping must be written.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFaultEnv, type FaultEnv } from '../support/fault-env.js';
import { runKillStorm } from '../support/fault-scenarios.js';
import { seedStream } from '../support/fault-stream.js';
import { ERP_UNDER_TEST } from '../support/test-env.js';

let t: FaultEnv | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe.skipIf(ERP_UNDER_TEST !== 'pg')('SIGKILL storm', () => {
  it('50 random SIGKILLs of collections and sales workers during 200 collections + 60 sales: no duplicate, none lost, no dead letter, every mapping', async () => {
    // Stalled jobs are found fast so the run fits; the stall limit stays at its default on purpose.
    t = await createFaultEnv(undefined, { WORKER_CONCURRENCY: '4', JOB_LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '500', LOG_LEVEL: 'warn' });
    const seed = await seedStream(t);
    const report = await runKillStorm(t, seed, { collections: 200, sales: 60, kills: 50, spreadMs: 40_000, settleMs: 180_000 });
    const { outcome } = report;
    const summary = JSON.stringify({ ...report, output: undefined });
    expect(report.kills).toBeGreaterThanOrEqual(50);
    expect(outcome.records, summary).toBe(260);
    expect(report.drainMs, `${summary}\n${report.output.slice(-4000)}`).not.toBeNull();
    expect({ duplicates: outcome.duplicates, lost: outcome.lost, deadLetters: outcome.deadLetters, mapped: outcome.mapped, openOutbox: outcome.openOutbox }, `${summary}\n${report.output.slice(-4000)}`).toEqual({
      duplicates: 0,
      lost: 0,
      deadLetters: 0,
      mapped: 260,
      openOutbox: 0,
    });
  }, 600_000);
});
