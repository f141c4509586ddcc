/**
 * Deletions through the periodic ID reconciliation: a record deleted in Bitrix24 is soft-deleted
 * when the sweep is due (not before), restored if it comes back; a webhook user who loses sight
 * of many records (permission loss) does not empty the table: the guard refuses, logs an alert
 * and changes nothing. The `bitrix` schema in a database of its own (BITRIX_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { dropDatabase, ensureDatabase } from '@mikrosync/connectors';
import { createBitrixEnv, seedMany, type BitrixEnv } from '../support/bitrix.js';
import { dbUrl } from '../support/env.js';
import { makeLead, makeTask, makeComment } from '../support/fake-bitrix/index.js';

describe('bitrix ID reconciliation', () => {
  let b: BitrixEnv;

  beforeAll(async () => {
    b = await createBitrixEnv({ BITRIX_RECONCILE_INTERVAL_MINUTES: '60', BITRIX_DELETE_GUARD_SHARE: '0.05', BITRIX_DELETE_GUARD_MIN: '3' });
    const d = b.fake.data;
    d.seed('leads', seedMany(400, 1, (id, i) => makeLead(d.clock, id, i, 400)));
    d.seed('tasks', seedMany(5, 1, (id, i) => makeTask(d.clock, id, i, 5, 1)));
    for (let id = 1; id <= 5; id++) d.seedComments(id, [makeComment(d.clock, d.nextCommentId())]);
    await b.cycle();
  });
  afterAll(async () => b?.cleanup());

  const forceDue = () => b.t.web.query(`UPDATE sync_state SET details = details - 'reconciledMs' WHERE tablo_adi LIKE 'bitrix.%'`);

  it('soft-deletes a record gone from Bitrix24 when the sweep is due, and restores it when it returns', async () => {
    const d = b.fake.data;
    const saved = d.entities.leads.byId.get(77)!;
    d.remove('leads', 77);
    d.remove('tasks', 2);
    await b.cycle();
    expect(await b.count('leads', 'deleted_at IS NOT NULL')).toBe(0); // not due yet (hourly)
    await forceDue();
    const result = await b.cycle();
    expect(result.rows?.deleted).toBe(3); // lead 77, task 2 and its comment
    expect(await b.count('leads', 'id = 77 AND deleted_at IS NOT NULL')).toBe(1);
    expect(await b.count('tasks', 'id = 2 AND deleted_at IS NOT NULL')).toBe(1);
    expect(await b.count('task_comments', 'task_id = 2 AND deleted_at IS NOT NULL')).toBe(1);
    // Restored from the recycle bin (same id, unchanged DATE_MODIFY): the next sweep restores it.
    d.seed('leads', [saved]);
    await forceDue();
    await b.cycle();
    expect(await b.count('leads', 'id = 77 AND deleted_at IS NULL')).toBe(1);
  });

  it('refuses to delete more than the guard allows (permission loss) and says so', async () => {
    const d = b.fake.data;
    for (let id = 100; id < 140; id++) d.hidden.add(`leads:${id}`); // 40 of 400 = 10 % > 5 %
    await forceDue();
    const result = await b.cycle();
    expect(result.summary).toMatch(/deletions refused: leads/);
    expect(await b.count('leads', 'deleted_at IS NOT NULL')).toBe(0);
    const alert = b.logs().find((l) => l.entity === 'leads' && l.alert === true);
    expect(alert).toMatchObject({ live: 400, missing: 40, deleted: 0 });
    expect(String(alert!.refused)).toMatch(/40 of 400 leads are missing in Bitrix24, more than the 20 the guard allows/);
    expect(await b.state('leads')).toMatchObject({ basarili: false });
    d.hidden.clear();
    await forceDue();
    await b.cycle();
    expect(await b.count('leads', 'deleted_at IS NOT NULL')).toBe(0);
    expect(await b.state('leads')).toMatchObject({ basarili: true });
  });
});

describe('bitrix schema in a database of its own', () => {
  const url = dbUrl(`mst_bitrix_own_${process.pid}`);
  let b: BitrixEnv;
  let own: pg.Pool;

  beforeAll(async () => {
    await ensureDatabase(url, { recreate: true });
    b = await createBitrixEnv({ BITRIX_DATABASE_URL: url });
    own = new pg.Pool({ connectionString: url, max: 2 });
    const d = b.fake.data;
    d.seed('leads', seedMany(60, 1, (id, i) => makeLead(d.clock, id, i, 60)));
  });
  afterAll(async () => {
    await own?.end();
    await b?.cleanup();
    await dropDatabase(url).catch(() => undefined);
  });

  it('migrates it once and writes rows and watermarks there, not into the web database', async () => {
    await b.cycle();
    await b.cycle();
    expect(Number((await own.query('SELECT count(*) FROM bitrix.leads')).rows[0].count)).toBe(60);
    expect((await own.query(`SELECT watermark_time FROM sync_state WHERE tablo_adi = 'bitrix.leads'`)).rows[0].watermark_time).toBeTruthy();
    expect((await own.query('SELECT count(*) FROM mikrosync_bitrix_migrations')).rows[0].count).toBe('1');
    expect(await b.count('leads')).toBe(0);
    expect((await b.t.web.query(`SELECT count(*) FROM sync_state WHERE tablo_adi LIKE 'bitrix.%'`)).rows[0].count).toBe('0');
  });
});
