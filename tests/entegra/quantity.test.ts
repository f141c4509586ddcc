/**
 * product_quantity is refreshed completely every run and atomically: while Entegra's quantities
 * swap between two different sets (other ids, other sizes) and the sync refreshes the mirror again
 * and again, a reader on another connection only ever sees one complete set or the other, never an
 * empty or half-written table.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEntegraDb, type EntegraFixture } from '../support/entegra-fixture.js';
import { count, createEntegraEnv, lastRead, type EntegraEnv } from '../support/entegra.js';

const SET_A = { first: 1, size: 3000, quantity: 1 };
const SET_B = { first: 100_001, size: 5000, quantity: 2 };

describe('product_quantity refresh', () => {
  let t: EntegraEnv;
  let fx: EntegraFixture;

  const fill = (set: typeof SET_A): void => {
    fx.db.transaction(() => {
      fx.db.exec('DELETE FROM product_quantity');
      for (let i = 0; i < set.size; i++) {
        fx.insert('product_quantity', { id: set.first + i, product_id: 1 + (i % 20), product_option_value_id: 0, store_id: 0, supplier: 'Mikro Stok XML', quantity: set.quantity, quantity2: 0, sync_ai: 1 });
      }
    })();
  };

  beforeAll(async () => {
    t = await createEntegraEnv();
    fx = createEntegraDb({ path: t.dbPath });
    fill(SET_A);
    await t.sync();
    expect(await count(t.web, 'entegra_product_quantity')).toBe(SET_A.size);
  });
  afterAll(async () => {
    fx?.close();
    await t?.cleanup();
  });

  it('a concurrent reader always sees a complete set, old or new', async () => {
    const reader = new pg.Client({ connectionString: t.env.WEB_DATABASE_URL });
    await reader.connect();
    const seen: string[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const r = await reader.query('SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::float8 AS s FROM entegra_product_quantity');
        seen.push(`${r.rows[0].n}:${r.rows[0].s}`);
      }
    })();
    try {
      for (let i = 0; i < 6; i++) {
        fill(i % 2 === 0 ? SET_B : SET_A);
        await t.sync();
        expect(await lastRead(t.web, 'entegra_product_quantity')).toMatchObject({ mode: 'staged', selection: 'all' });
      }
    } finally {
      running = false;
      await loop;
      await reader.end();
    }
    const complete = new Set([`${SET_A.size}:${SET_A.size * SET_A.quantity}`, `${SET_B.size}:${SET_B.size * SET_B.quantity}`]);
    const bad = seen.filter((s) => !complete.has(s));
    expect(bad, `incomplete states seen: ${[...new Set(bad)].join(', ')}`).toEqual([]);
    expect(new Set(seen).size, 'the reader saw both sets').toBe(2);
    expect(seen.length).toBeGreaterThan(20);
    expect(await count(t.web, 'entegra_product_quantity')).toBe(SET_A.size);
  });
});
