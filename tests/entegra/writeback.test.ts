/**
 * invoice_print write-back: the web sets entegra_order.invoice_print 0 -> 1 (capture trigger ->
 * job) and the flag lands in the SQLite file; a forward sync running at the same moment never puts
 * Entegra's stale 0 back on the web, and the sync's own writes never come back as jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeadLetterQueue, type QueueRegistry, settleOutbox } from '@mikrosync/connectors';
import { createWorkerContext, type WorkerContext } from '@mikrosync/workers';
import { processInvoicePrint } from '../../apps/workers/src/domains/entegra/invoice-print.js';
import { createEntegraDb, daysAgo, type EntegraFixture } from '../support/entegra-fixture.js';
import { createEntegraEnv, mirrorRow, type EntegraEnv } from '../support/entegra.js';
import { type CliProcess } from '../support/processes.js';
import { startFleet, stopFleet } from '../support/fleet.js';
import { waitFor } from '../support/test-env.js';

describe('invoice_print: web -> Entegra', () => {
  let t: EntegraEnv;
  let fx: EntegraFixture;
  let ctx: WorkerContext;
  const now = new Date();

  const sqlitePrint = (id: number): unknown => fx.db.prepare('SELECT invoice_print FROM "order" WHERE id = ?').pluck().get(id);
  const webPrint = async (id: number): Promise<number> => Number((await mirrorRow(t.web, 'entegra_order', 'id', id))?.invoice_print);
  const outbox = async (id: number) => (await t.web.query(`SELECT id, status FROM sync_outbox WHERE table_name = 'entegra_order' AND record_id = $1 ORDER BY id`, [String(id)])).rows;
  /** An order that Entegra shows as not printed and that every run re-reads (changed today). */
  const freshOrder = (id: number): number => {
    fx.insert('order', fx.order(id, 0, { invoice_print: 0, date_change: daysAgo(now, 0, 0) }));
    return id;
  };

  beforeAll(async () => {
    t = await createEntegraEnv();
    fx = createEntegraDb({ path: t.dbPath, now });
    for (let id = 5001; id <= 5012; id++) freshOrder(id);
    await t.sync();
    ctx = createWorkerContext(t.config, t.log);
  });
  afterAll(async () => {
    await ctx?.close();
    fx?.close();
    await t?.cleanup();
  });

  it('keeps the web 1 while the write-back is pending or lands during a run; Entegra wins once it has landed', async () => {
    const id = 5001;
    await t.web.query('UPDATE entegra_order SET invoice_print = 1 WHERE id = $1', [id]);
    const [event] = await outbox(id);
    expect(event).toMatchObject({ status: 'pending' });

    // 1. The write-back has not run yet: the forward sync reads Entegra's 0 but keeps the web's 1.
    await t.sync();
    expect(await webPrint(id)).toBe(1);
    expect(sqlitePrint(id)).toBe(0);

    // 2. The write-back lands after the forward sync read the file and before it merges.
    await t.sync({
      beforeMerge: async () => {
        await expect(processInvoicePrint({ kind: 'record', table: 'entegra_order', recordId: String(id) }, ctx)).resolves.toMatch(/written to Entegra/);
        await settleOutbox(t.web, 'entegra_order', String(id), Number(event.id), { status: 'done' });
      },
    });
    expect(sqlitePrint(id)).toBe(1);
    expect(await webPrint(id)).toBe(1);

    // 3. Afterwards Entegra's value is read as is; the sync's writes create no outbox events (no echo).
    await t.sync();
    expect(await webPrint(id)).toBe(1);
    fx.update('order', 'id', id, { invoice_print: 0, date_change: daysAgo(now, 0, 1) }); // un-printed in Entegra
    await t.sync();
    expect(await webPrint(id)).toBe(0);
    expect((await outbox(id)).map((e) => e.status)).toEqual(['done']);
  });

  it('the guard covers only pending write-backs: a web 1 without an outbox event follows Entegra', async () => {
    // The same forward merge, for an order whose web 1 has no outbox event (written as the sync's own).
    const id = 5002;
    await t.web.query(`BEGIN; SELECT set_config('mikrosync.origin', 'sync', true); UPDATE entegra_order SET invoice_print = 1 WHERE id = ${id}; COMMIT`);
    expect(await outbox(id)).toEqual([]);
    await t.sync();
    expect(await webPrint(id)).toBe(0);
  });

  describe('with the fleet running', () => {
    let fleet: CliProcess;
    let queues: QueueRegistry;
    let dlq: DeadLetterQueue;

    beforeAll(async () => {
      ({ fleet, queues, dlq } = await startFleet(t));
    });
    afterAll(async () => {
      await stopFleet({ fleet, queues });
    });

    it('invoice_print set on the web reaches SQLite while forward syncs run at the same moment, and none undoes it', async () => {
      const ids = [5003, 5004, 5005, 5006, 5007, 5008, 5009, 5010];
      let syncing = true;
      let runs = 0;
      const forward = (async () => {
        while (syncing) {
          await t.sync();
          runs++;
        }
      })();
      for (const id of ids) {
        await t.web.query('UPDATE entegra_order SET invoice_print = 1 WHERE id = $1', [id]);
        await new Promise((r) => setTimeout(r, 40));
      }
      await waitFor('every flag in SQLite', async () => ids.every((id) => sqlitePrint(id) === 1), 30_000);
      await waitFor('every event settled', async () => (await Promise.all(ids.map(outbox))).flat().every((e) => e.status === 'done'), 30_000);
      // At least three forward syncs ran while and after the flags were written back.
      await waitFor('three forward syncs', async () => runs > 2, 30_000);
      syncing = false;
      await forward;
      await t.sync();
      expect(runs).toBeGreaterThan(2);
      for (const id of ids) expect(await webPrint(id), `order ${id}`).toBe(1);
      // (Other flows' schedules may fire meanwhile in this fleet: only the write-back's own count.)
      expect((await dlq.list(0, 999)).filter((e) => e.record?.table === 'entegra_order')).toEqual([]);
    });

    it('an order Entegra does not have goes to the dead-letter queue with a clear reason', async () => {
      await t.web.query(`INSERT INTO entegra_order (id, invoice_print) VALUES (987654, 1)`);
      const dead = await waitFor('dead letter', async () => (await dlq.list(0, 999)).find((e) => e.record?.id === '987654'));
      expect(dead.permanent).toBe(true);
      expect(dead.reason).toMatch(/entegra_order 987654: Entegra \(.*db\.s3db\) has no order 987654.*Fix: check that ENTEGRA_DB_PATH/);
      expect(fx.db.prepare('SELECT count(*) FROM "order" WHERE id = 987654').pluck().get()).toBe(0);
    });
  });
});
