/**
 * Fault suite: the ERP stopped 60 s mid-stream, on a PostgreSQL cluster of this test. The fleet must wait
 * the outage out: no dead letter, every document posted within 10 s of the ERP accepting
 * connections again, the status API saying it waits for the ERP, one alert for the outage and
 * one for the recovery.
 */
import { afterEach, describe, it } from 'vitest';
import { createFaultEnv, type FaultEnv } from '../support/fault-env.js';
import { expectOutageWaitedOut } from '../support/fault-assert.js';
import { runDbOutage } from '../support/fault-scenarios.js';
import { seedStream } from '../support/fault-stream.js';
import { ERP_UNDER_TEST } from '../support/test-env.js';

let t: FaultEnv | undefined;

afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

describe.skipIf(ERP_UNDER_TEST !== 'pg')('ERP stopped 60 s', () => {
  it('45 collections + 15 sales: waited out, posted within 10 s of recovery, status says waiting, one alert each way', async () => {
    t = await createFaultEnv('erp', { LOG_LEVEL: 'warn' });
    const seed = await seedStream(t);
    const report = await runDbOutage(t, seed, { dependency: 'erp', outageMs: 60_000, collections: 45, sales: 15, settleMs: 90_000 });
    expectOutageWaitedOut(report, 45 + 15, 'ERP');
  }, 600_000);
});
