// Guards the generated Entegra schema files (scripts/generate-entegra-schema.ts;
// tests/schema/generated-files.test.ts keeps the committed catalogue and migration equal to a fresh generation):
// - the migration creates every entegra_* table with the types of entegra-pg.json, and on a database
//   where the original tool created the tables already (no key), it keeps the rows and adds the key.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FILES, type EntegraSchemaFiles } from '../../scripts/generate-entegra-schema.js';
import { dbUrl } from '../support/env.js';

const committed = (key: keyof EntegraSchemaFiles): string => readFileSync(new URL(`../../${OUTPUT_FILES[key]}`, import.meta.url), 'utf8');
const migration = (): string => committed('migration').split('-- Down Migration')[0]!;

describe('Entegra migration on a throw-away database', () => {
  const name = `entegra_schema_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  let db: pg.Client;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    db = new pg.Client({ connectionString: dbUrl(name) });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('keeps an existing table of the original tool and its rows, adds the missing key, and can run twice', async () => {
    // As the original created it: HEAD's INTEGER types, no key, rows already there.
    await db.query(`CREATE TABLE entegra_brand (id integer, name text); INSERT INTO entegra_brand VALUES (1, 'A'), (2, 'B')`);
    await db.query(migration());
    await db.query(migration());
    expect((await db.query('SELECT count(*)::int AS n FROM entegra_brand')).rows[0].n).toBe(2);
    const unique = await db.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'entegra_brand'`);
    expect(unique.rows.map((r) => r.indexdef)).toEqual([expect.stringMatching(/UNIQUE INDEX entegra_brand_id_uidx .*\(id\)/)]);
    const types = await db.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name IN ('entegra_order', 'entegra_product', 'entegra_product_quantity') ORDER BY table_name, ordinal_position`,
    );
    const col = (t: string, c: string) => types.rows.find((r) => r.table_name === t && r.column_name === c);
    expect(col('entegra_order', 'invoice_print')).toMatchObject({ data_type: 'bigint' });
    expect(col('entegra_order', 'date_change')).toMatchObject({ data_type: 'timestamp without time zone' });
    expect(col('entegra_product', ' birvbiry_sync_date')).toMatchObject({ data_type: 'timestamp without time zone' });
    expect(col('entegra_product', 'date_start')).toMatchObject({ data_type: 'date' });
    expect(col('entegra_product_quantity', 'quantity')).toMatchObject({ data_type: 'double precision' });
    expect(col('entegra_product_quantity', 'product_id')).toMatchObject({ is_nullable: 'NO' });
    expect(types.rows.filter((r) => r.table_name === 'entegra_product')).toHaveLength(475);
  });

  it('refuses to add the key over duplicate rows, naming the duplicated key', async () => {
    await db.query(`DROP TABLE entegra_category2; CREATE TABLE entegra_category2 (id bigint, name text); INSERT INTO entegra_category2 VALUES (7, 'x'), (7, 'y')`);
    await expect(db.query(migration())).rejects.toThrow(/could not create unique index "entegra_category2_id_uidx"/);
  });
});
