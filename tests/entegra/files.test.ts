/**
 * The Entegra file in bad shape, with the real fleet and CLI (`mikrosync run entegra sync --wait`):
 * - another process holds a write lock for 10 s: the jobs wait, then succeed; the file is intact;
 * - bad input (a text id where a number is expected, a table missing a column, a file that is not
 *   SQLite, a corrupt file, a missing file): the job fails at once with a clear reason in the
 *   dead-letter queue, and nothing of the run is in the web tables.
 */
import { copyFileSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeadLetterQueue, type QueueRegistry } from '@mikrosync/connectors';
import { createEntegraDb, daysAgo, EntegraFixture } from '../support/entegra-fixture.js';
import { createEntegraEnv, mirrorFingerprint, type EntegraEnv } from '../support/entegra.js';
import { holdWriteLock } from '../support/entegra-locker.js';
import { runCli, type CliProcess } from '../support/processes.js';
import { startFleet, stopFleet } from '../support/fleet.js';
import { waitFor } from '../support/test-env.js';

describe('Entegra file: locks and bad input', () => {
  let t: EntegraEnv;
  let fx: EntegraFixture;
  let fleet: CliProcess;
  let queues: QueueRegistry;
  let dlq: DeadLetterQueue;
  const now = new Date();

  const runSync = async (): Promise<{ code: number | null; output: string; jobId: string }> => {
    const r = await runCli(['run', 'entegra', 'sync', '--wait', '--timeout', '60'], t.env);
    return { ...r, jobId: /as job (\S+)/.exec(r.output)?.[1] ?? '' };
  };
  /** A failed run: exit 1, one permanent dead letter with the reason, and the web tables untouched. */
  const expectRejected = async (reason: RegExp): Promise<void> => {
    const before = await mirrorFingerprint(t.web);
    const r = await runSync();
    expect(r.code, r.output).toBe(1);
    const dead = await waitFor('dead letter', async () => (await dlq.list(0, 999)).find((e) => e.jobId === r.jobId));
    expect(dead.reason).toMatch(reason);
    expect(dead.permanent).toBe(true);
    expect(dead.attempts).toBe(1);
    expect(r.output).toContain(dead.reason.slice(0, 40));
    expect(await mirrorFingerprint(t.web)).toEqual(before);
    const state = (await t.web.query(`SELECT basarili, hata_mesaji FROM sync_state WHERE tablo_adi = 'entegra'`)).rows[0];
    expect(state).toEqual({ basarili: false, hata_mesaji: dead.reason });
  };

  beforeAll(async () => {
    t = await createEntegraEnv();
    fx = createEntegraDb({ path: t.dbPath, now });
    await t.sync();
    ({ fleet, queues, dlq } = await startFleet(t));
  });
  afterAll(async () => {
    await stopFleet({ fleet, queues });
    fx?.close();
    await t?.cleanup();
  });

  it('another process holds a write lock for 10 s: the sync and the write-back wait, then succeed; the file is intact', async () => {
    fx.insert('order', fx.order(7001, 0, { invoice_print: 0, date_change: daysAgo(now, 0, 0), ship_city: 'Muş' }));
    await t.sync();
    fx.update('order', 'id', 7001, { ship_city: 'Bingöl', date_change: daysAgo(now, 0, 1) });
    const locker = holdWriteLock(t.dbPath, 10_000);
    await locker.locked;
    const started = Date.now();
    await t.web.query('UPDATE entegra_order SET invoice_print = 1 WHERE id = 7001');
    const sync = await runSync();
    expect(sync.code, sync.output).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(8_000);
    await locker.released;
    await waitFor('flag written', async () => fx.db.prepare('SELECT invoice_print FROM "order" WHERE id = 7001').pluck().get() === 1, 20_000);
    expect((await t.web.query('SELECT ship_city, invoice_print FROM entegra_order WHERE id = 7001')).rows[0]).toEqual({ ship_city: 'Bingöl', invoice_print: '1' });
    expect(fx.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(fx.db.prepare('SELECT name FROM message_template WHERE id = 9999').pluck().get()).toBe('locker');
    expect((await dlq.list(0, 999)).length).toBe(0);
  });

  it('a text id where a number is expected: clear reason, nothing partial; the fixed file syncs', async () => {
    fx.insert('order', fx.order(7100, 0, { date_change: daysAgo(now, 0, 2) })); // would be written by a good run
    const line = Number(fx.db.prepare('SELECT max(order_product_id) FROM order_product').pluck().get());
    fx.insert('order_product', fx.makeRow('order_product', line + 1, { order_id: 7100 }));
    fx.update('order_product', 'order_product_id', line + 1, { order_id: 'ABC-7100' });
    await expectRejected(new RegExp(`Entegra table order_product, row order_product_id = ${line + 1}, column "order_id": text "ABC-7100" where a whole number is expected \\(file .*db\\.s3db\\)\\. Fix: correct the value in Entegra`));
    fx.update('order_product', 'order_product_id', line + 1, { order_id: 7100 });
    const good = await runSync();
    expect(good.code, good.output).toBe(0);
    expect((await t.web.query('SELECT order_id FROM entegra_order_product WHERE order_product_id = $1', [line + 1])).rows[0]).toEqual({ order_id: '7100' });
  });

  it('a table missing a column: clear reason, nothing written', async () => {
    fx.insert('order', fx.order(7200, 0, { date_change: daysAgo(now, 0, 3) }));
    fx.db.exec('ALTER TABLE messages DROP COLUMN "date"');
    await expectRejected(/Entegra table messages in .*db\.s3db lacks column "date" of the known layout; nothing was written\. Fix: check that ENTEGRA_DB_PATH/);
    fx.db.exec('ALTER TABLE messages ADD COLUMN "date" DATETIME');
    fx.forgetLayouts();
    expect((await runSync()).code).toBe(0);
  });

  describe('files that are not a usable Entegra database', () => {
    let backup: string;
    beforeAll(() => {
      fx.close();
      backup = `${t.dbPath}.good`;
      copyFileSync(t.dbPath, backup);
    });
    afterAll(async () => {
      copyFileSync(backup, t.dbPath);
      expect((await runSync()).code).toBe(0); // back to normal once the right file is in place
    });

    it('not SQLite at all', async () => {
      writeFileSync(t.dbPath, 'Order export\tthis is a spreadsheet, not a database\n'.repeat(200));
      await expectRejected(/db\.s3db is not a readable SQLite database \(SQLITE_NOTADB.*Fix: set ENTEGRA_DB_PATH/);
    });

    it('a damaged SQLite file', async () => {
      copyFileSync(backup, t.dbPath);
      const size = statSync(t.dbPath).size;
      const fd = openSync(t.dbPath, 'r+');
      const junk = Buffer.alloc(4096, 0xa5);
      for (let at = 4096; at < size; at += 4096 * 3) writeSync(fd, junk, 0, junk.length, at);
      closeSync(fd);
      await expectRejected(/db\.s3db is not a readable SQLite database \(SQLITE_CORRUPT.*restore Entegra's backup/);
    });

    it('a missing file', async () => {
      rmSync(t.dbPath);
      await expectRejected(/the Entegra database .*db\.s3db does not exist\. Fix: set ENTEGRA_DB_PATH/);
    });
  });

  it('keeps the real file usable after all of it', () => {
    const db = new Database(t.dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    fx = new EntegraFixture(t.dbPath, now, 120, 1);
  });
});
