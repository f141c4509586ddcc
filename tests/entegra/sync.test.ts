/**
 * Entegra SQLite -> web mirror on a generated db.s3db with the real table layouts and real
 * PostgreSQL: a full copy into empty tables, then runs of the same day (3-day window) and of the
 * next day (1-month window) that pick exactly the rows they should; edits to old orders inside the
 * window, with their lines; cancelled orders and deleted products; whole-table tables with edits
 * and deletions; a run without changes writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '@mikrosync/core';
import { MIRROR_TABLES } from '@mikrosync/mappers';
import { createEntegraDb, daysAgo, type EntegraFixture } from '../support/entegra-fixture.js';
import { count, createEntegraEnv, lastRead, mirrorFingerprint, mirrorRow, type EntegraEnv } from '../support/entegra.js';

// 12:00 in Istanbul on 2026-05-14; the fixture's dates are relative to it.
const NOW = new Date('2026-05-14T09:00:00Z');
const LATER_SAME_DAY = new Date('2026-05-14T18:00:00Z'); // 21:00 local
const NEXT_DAY = new Date('2026-05-14T21:30:00Z'); // 00:30 local on the 15th

describe('Entegra -> web mirror', () => {
  let t: EntegraEnv;
  let fx: EntegraFixture;
  const sqliteCount = (sql: string): number => Number(fx.db.prepare(sql).pluck().get());

  beforeAll(async () => {
    t = await createEntegraEnv();
    fx = createEntegraDb({ path: t.dbPath, now: NOW });
  });
  afterAll(async () => {
    fx?.close();
    await t?.cleanup();
  });

  it('copies every table in full into the empty mirror, values intact', async () => {
    fx.insert('order', fx.order(9001, 100, { ship_address: 'Atatürk Cd.\tNo: 5\nKat 2 \\ "A" O\'Brien', total: 1234.56, note: null }));
    fx.insert('order_product', fx.makeRow('order_product', 90001, { order_id: 9001, name: 'Şal', quantity: 2.5 }));
    const result = await t.sync({ now: NOW });
    expect(result.summary).toMatch(/copied in full/);
    for (const m of MIRROR_TABLES) expect(await count(t.web, m.pg), m.pg).toBe(fx.count(m.sqlite as never));
    const o = await mirrorRow(t.web, 'entegra_order', 'id', 9001);
    expect(o).toMatchObject({ ship_address: 'Atatürk Cd.\tNo: 5\nKat 2 \\ "A" O\'Brien', total: 1234.56, note: null, status: '1', invoice_print: '0' });
    const line = await mirrorRow(t.web, 'entegra_order_product', 'order_product_id', 90001);
    expect(line).toMatchObject({ order_id: '9001', name: 'Şal', quantity: 2.5 });
    // product_info has no key and a text id; the customer columns the file adds were added to the mirror.
    expect(await count(t.web, 'entegra_product_info', `id LIKE 'PI-%'`)).toBe(fx.count('product_info'));
    const customerCols = (await t.web.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'entegra_customer'`)).rows.map((r) => r.column_name);
    expect(customerCols).toEqual(expect.arrayContaining(['id', 'email', 'date_add']));
    const state = (await t.web.query(`SELECT details FROM sync_state WHERE tablo_adi = 'entegra'`)).rows[0].details;
    expect(state).toMatchObject({ localDate: '2026-05-14', window: 'month' });
  });

  const orderWhere = (since: string, afterId: number) => `"date_change" >= '${since}' OR "date_add" >= '${since}' OR "id" > ${afterId}`;

  it('a later run of the same day reads the last 3 days and new ids, exactly', async () => {
    fx.update('order', 'id', 2, { date_change: daysAgo(NOW, 2), ship_city: 'Edirne' }); // old order edited: arrives
    fx.update('order', 'id', 3, { date_change: daysAgo(NOW, 5), ship_city: 'Kars' }); // edited 5 days ago: not in 3 days
    fx.update('order', 'id', 4, { date_change: '2026-05-11 00:00:00', ship_city: 'Sinop' }); // first instant of the window
    fx.update('order', 'id', 5, { date_change: '2026-05-10 23:59:59', ship_city: 'Rize' }); // last instant before it
    fx.insert('order', fx.order(9100, 60, { ship_city: 'Bitlis' })); // new id with an old date: taken
    fx.update('product', 'id', 1, { date_change: daysAgo(NOW, 1), productName: 'Yeni Ad' });
    fx.update('product', 'id', 2, { date_change: daysAgo(NOW, 10), productName: 'Eski Değişiklik' });
    const lastMessage = fx.count('messages');
    fx.update('messages', 'id', lastMessage, { is_read: 1 }); // dated today: an edit the original never took

    const expectedOrders = sqliteCount(`SELECT count(*) FROM "order" WHERE ${orderWhere('2026-05-11', 9001)}`);
    const expectedLines = sqliteCount(`SELECT count(*) FROM order_product WHERE order_id IN (SELECT id FROM "order" WHERE ${orderWhere('2026-05-11', 9001)}) OR order_product_id > 90001`);
    await t.sync({ now: LATER_SAME_DAY });

    expect(await lastRead(t.web, 'entegra_order')).toMatchObject({ selection: 'rows', read: expectedOrders });
    expect((await lastRead(t.web, 'entegra_order_product')).read).toBe(expectedLines);
    expect(expectedOrders).toBeLessThan(fx.count('order') / 2);
    const city = async (id: number) => (await mirrorRow(t.web, 'entegra_order', 'id', id))?.ship_city;
    expect(await city(2)).toBe('Edirne');
    expect(await city(3)).not.toBe('Kars');
    expect(await city(4)).toBe('Sinop');
    expect(await city(5)).not.toBe('Rize');
    expect(await city(9100)).toBe('Bitlis');
    expect((await mirrorRow(t.web, 'entegra_product', 'id', 1))?.productName).toBe('Yeni Ad');
    expect((await mirrorRow(t.web, 'entegra_product', 'id', 2))?.productName).not.toBe('Eski Değişiklik');
    expect((await mirrorRow(t.web, 'entegra_messages', 'id', lastMessage))?.is_read).toBe('1');
    const state = (await t.web.query(`SELECT details FROM sync_state WHERE tablo_adi = 'entegra'`)).rows[0].details;
    expect(state).toMatchObject({ localDate: '2026-05-14', window: 'days3', since: '2026-05-11' });
  });

  it('the first run of the next local day reads the last month, exactly', async () => {
    fx.update('order', 'id', 6, { date_change: daysAgo(NOW, 40), ship_city: 'Van' }); // older than a month: not read
    const expected = sqliteCount(`SELECT count(*) FROM "order" WHERE ${orderWhere('2026-04-15', 9100)}`);
    await t.sync({ now: NEXT_DAY });
    expect(await lastRead(t.web, 'entegra_order')).toMatchObject({ selection: 'rows', read: expected });
    expect((await mirrorRow(t.web, 'entegra_order', 'id', 3))?.ship_city).toBe('Kars');
    expect((await mirrorRow(t.web, 'entegra_order', 'id', 5))?.ship_city).toBe('Rize');
    expect((await mirrorRow(t.web, 'entegra_order', 'id', 6))?.ship_city).not.toBe('Van');
    expect((await mirrorRow(t.web, 'entegra_product', 'id', 2))?.productName).toBe('Eski Değişiklik');
    const state = (await t.web.query(`SELECT details FROM sync_state WHERE tablo_adi = 'entegra'`)).rows[0].details;
    expect(state).toMatchObject({ localDate: '2026-05-15', window: 'month', since: '2026-04-15' });
    // ... and the next run of that day is back to 3 days.
    await t.sync({ now: new Date(NEXT_DAY.getTime() + 3_600_000) });
    expect((await t.web.query(`SELECT details FROM sync_state WHERE tablo_adi = 'entegra'`)).rows[0].details).toMatchObject({ window: 'days3', since: '2026-05-12' });
  });

  it('an edit to an old order inside the window arrives with its lines: changed, removed and added', async () => {
    const lines = fx.db.prepare('SELECT order_product_id FROM order_product WHERE order_id = 7 ORDER BY 1').pluck().all() as number[];
    fx.insert('order_product', fx.makeRow('order_product', 95000, { order_id: 7, name: 'Eklenen satır' }));
    if (lines.length > 1) fx.delete('order_product', 'order_product_id', lines[1]);
    fx.update('order_product', 'order_product_id', lines[0], { quantity: 42, name: 'Değişen satır' });
    fx.update('order', 'id', 7, { date_change: daysAgo(NOW, 0, 20), grand_total: 999.99 });
    await t.sync({ now: new Date(NEXT_DAY.getTime() + 7_200_000) });
    expect((await mirrorRow(t.web, 'entegra_order', 'id', 7))?.grand_total).toBe(999.99);
    const mirrorLines = (await t.web.query('SELECT order_product_id, name, quantity FROM entegra_order_product WHERE order_id = 7 ORDER BY 1')).rows;
    const sqliteLines = fx.db.prepare('SELECT order_product_id, name, quantity FROM order_product WHERE order_id = 7 ORDER BY 1').all() as Record<string, unknown>[];
    expect(mirrorLines.map((l) => ({ ...l, order_product_id: Number(l.order_product_id) }))).toEqual(sqliteLines);
    expect(mirrorLines.find((l) => Number(l.order_product_id) === lines[0])).toMatchObject({ name: 'Değişen satır', quantity: 42 });
  });

  it('applies an order cancelled in Entegra even when its change date is old', async () => {
    const id = Number(fx.db.prepare(`SELECT id FROM "order" WHERE status <> '9' AND date_change < '2026-04-01' ORDER BY id LIMIT 1 OFFSET 5`).pluck().get());
    expect((await mirrorRow(t.web, 'entegra_order', 'id', id))?.status).not.toBe('9');
    fx.update('order', 'id', id, { status: '9' });
    await t.sync({ now: new Date(NEXT_DAY.getTime() + 3 * 3_600_000) });
    expect((await mirrorRow(t.web, 'entegra_order', 'id', id))?.status).toBe('9');
  });

  it('a product deleted in Entegra disappears from the web, by id, logged; a picture deletion is not a product deletion', async () => {
    fx.delete('product', 'id', 3);
    fx.delete('product_quantity', 'product_id', 3);
    fx.delete('product_prices', 'product_id', 3);
    fx.insert('delete_product', { id: 1, product_id: 3, supplier: 'gg', supplier_id: 'X1', sync: 0, deleted: 0, date_add: '2026-05-15 01:00:00', error: 0 });
    fx.insert('delete_product', { id: 2, product_id: 4, supplier: 'deleteCdnPicture', supplier_id: 'resimler/a.jpg', sync: 0, deleted: 0, date_add: '2026-05-15 01:00:00', error: 0 });
    const result = await t.sync({ now: new Date(NEXT_DAY.getTime() + 4 * 3_600_000) });
    expect(result.rows?.['product (deleted in Entegra)']).toBe(1);
    expect(await mirrorRow(t.web, 'entegra_product', 'id', 3)).toBeUndefined();
    expect(await mirrorRow(t.web, 'entegra_product', 'id', 4)).toBeDefined();
    expect(await count(t.web, 'entegra_product_quantity', 'product_id = 3')).toBe(0);
    expect(await count(t.web, 'entegra_product_prices', 'product_id = 3')).toBe(0);
    const log = (await t.web.query('SELECT product_id, product_code, supplier, supplier_id, deleted_at::text AS deleted_at FROM entegra_product_delete')).rows;
    expect(log).toEqual([{ product_id: 3, product_code: 'K1003', supplier: 'gg', supplier_id: 'X1', deleted_at: '2026-05-15 01:00:00' }]);
    // Entegra's own delete_product flags are left alone.
    expect(fx.db.prepare('SELECT sync FROM delete_product ORDER BY id').pluck().all()).toEqual([0, 0]);
  });

  it('whole-table tables take edits, insertions and deletions; product_info is replaced, not cut to a delta', async () => {
    const pic = fx.db.prepare('SELECT id FROM pictures ORDER BY id LIMIT 2').pluck().all() as number[];
    fx.delete('pictures', 'id', pic[0]);
    fx.update('pictures', 'id', pic[1], { url: 'https://cdn.example/new.jpg' });
    fx.insert('pictures', fx.makeRow('pictures', 7777, { product_id: 5 }));
    fx.update('brand', 'id', 1, { name: 'Yeni Marka' });
    fx.update('product_info', 'id', 'PI-1', { salePrice: 77.5 }); // dt unchanged
    await t.sync({ now: new Date(NEXT_DAY.getTime() + 5 * 3_600_000) });
    expect(await mirrorRow(t.web, 'entegra_pictures', 'id', pic[0])).toBeUndefined();
    expect((await mirrorRow(t.web, 'entegra_pictures', 'id', pic[1]))?.url).toBe('https://cdn.example/new.jpg');
    expect(await mirrorRow(t.web, 'entegra_pictures', 'id', 7777)).toBeDefined();
    expect((await mirrorRow(t.web, 'entegra_brand', 'id', 1))?.name).toBe('Yeni Marka');
    expect((await mirrorRow(t.web, 'entegra_product_info', 'id', 'PI-1'))?.salePrice).toBe(77.5);
    for (const m of ['pictures', 'brand', 'product_info', 'product_quantity', 'product_prices'] as const) {
      expect(await count(t.web, `entegra_${m}`), m).toBe(fx.count(m));
    }
  });

  it('a run without changes writes nothing', async () => {
    const at = new Date(NEXT_DAY.getTime() + 6 * 3_600_000);
    await t.sync({ now: at });
    const result = await t.sync({ now: at });
    expect(Object.values(result.rows ?? {}).every((n) => n === 0), JSON.stringify(result.rows)).toBe(true);
    expect(await lastRead(t.web, 'entegra_pictures')).toMatchObject({ mode: 'unchanged' });
    expect(await lastRead(t.web, 'entegra_product_quantity')).toMatchObject({ mode: 'staged' });
  });

  it('a mirror table emptied on the web is copied in full again; --full re-reads everything', async () => {
    await t.web.query('DELETE FROM entegra_messages');
    await t.web.query(`UPDATE entegra_brand SET name = 'web edit' WHERE id = 2`);
    const at = new Date(NEXT_DAY.getTime() + 7 * 3_600_000);
    await t.sync({ now: at });
    expect(await lastRead(t.web, 'entegra_messages')).toMatchObject({ mode: 'copied', selection: 'all' });
    expect(await count(t.web, 'entegra_messages')).toBe(fx.count('messages'));
    const result = await t.sync({ now: at, full: true });
    expect(result.summary).toMatch(/full run/);
    expect((await mirrorRow(t.web, 'entegra_brand', 'id', 2))?.name).toBe(fx.db.prepare('SELECT name FROM brand WHERE id = 2').pluck().get());
    for (const m of MIRROR_TABLES) expect(await count(t.web, m.pg), m.pg).toBe(fx.count(m.sqlite as never));
  });

  it('a value the web table refuses fails the run at once, naming the column, and writes nothing', async () => {
    const at = new Date(NEXT_DAY.getTime() + 8 * 3_600_000);
    await t.sync({ now: at });
    await t.web.query('ALTER TABLE entegra_messages ALTER COLUMN is_read SET NOT NULL'); // web-side rules
    await t.web.query(`ALTER TABLE entegra_brand ADD CONSTRAINT brand_name_len CHECK (length(name) < 30)`);
    const last = fx.count('messages');
    fx.update('messages', 'id', last, { is_read: null, date: daysAgo(NOW, 0, 22) });
    const before = await mirrorFingerprint(t.web);
    await expect(t.sync({ now: at })).rejects.toThrow(new RegExp(`Entegra table messages, row id = ${last}, column "is_read": null is empty, and the web column requires a value`));
    fx.update('messages', 'id', last, { is_read: 0 });
    fx.update('brand', 'id', 3, { name: 'M'.repeat(40) });
    const err = await t.sync({ now: at }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/the web database refused Entegra data from .*db\.s3db: .*brand_name_len.*\(23514; table entegra_brand.*nothing was written\. Fix:/);
    expect(await mirrorFingerprint(t.web)).toEqual(before);
    fx.update('brand', 'id', 3, { name: 'Marka 3' });
    await t.web.query('ALTER TABLE entegra_brand DROP CONSTRAINT brand_name_len; ALTER TABLE entegra_messages ALTER COLUMN is_read DROP NOT NULL');
    await t.sync({ now: at });
  });

  it('two runs at once: one works, the other is skipped', async () => {
    const at = new Date(NEXT_DAY.getTime() + 8 * 3_600_000);
    const results = await Promise.all([t.sync({ now: at }), t.sync({ now: at })]);
    expect(results.map((r) => r.summary.startsWith('skipped')).sort()).toEqual([false, true]);
  });
});
