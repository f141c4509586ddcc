// Guards the generated stand-in DDL (scripts/generate-schema-ddl.ts; tests/schema/generated-files.test.ts
// keeps the committed files equal to a fresh generation):
// - both PostgreSQL files run twice on a fresh database and give the shapes the sync relies on;
// - the SQL Server file parses with the T-SQL grammar.
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import antlr from 'antlr4ts-sql';
import { OUTPUT_FILES, type SchemaDdl } from '../../scripts/generate-schema-ddl.js';

const { antlr4tsSQL, SQLDialect } = antlr; // CommonJS package

const repoFile = (rel: string): URL => new URL(`../../${rel}`, import.meta.url);
const committed = (key: keyof SchemaDdl): string => readFileSync(repoFile(OUTPUT_FILES[key]), 'utf8');

// The schema exports the generator reads (spec/schema in the repository).
const schemaDir = new URL('../../spec/schema/', import.meta.url);
const readSpec = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as Record<string, unknown>;
const mikroColumns = (table: string): { name: string; type?: string }[] =>
  ((readSpec('mikro.json')[table] as { columns?: { name: string; type?: string }[] }).columns ?? []);

describe('PostgreSQL files on a throw-away database', () => {
  const conn = {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
  };
  const dbName = `schema_ddl_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ ...conn, database: 'postgres' });
  let db: pg.Client | undefined;
  const client = (): pg.Client => {
    if (!db) throw new Error('database not ready');
    return db;
  };
  const constraintCount = async (): Promise<number> =>
    Number((await client().query<{ n: string }>('SELECT count(*) AS n FROM pg_constraint')).rows[0]?.n);

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    db = new pg.Client({ ...conn, database: dbName });
    await db.connect();
  }, 30_000);

  afterAll(async () => {
    await db?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }, 30_000);

  it('web app tables: runs twice, creates the tables the sync uses', async () => {
    const sql = committed('webApp');
    await client().query(sql);
    const constraints = await constraintCount();
    await client().query(sql); // idempotent: second run neither fails nor adds constraints
    expect(await constraintCount()).toBe(constraints);
    const { rows } = await client().query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const names = rows.map((r) => r.table_name);
    for (const t of ['tahsilatlar', 'cari_hesaplar', 'bankalar', 'kasalar', 'satislar']) expect(names).toContain(t);
  });

  describe('ERP stand-in', () => {
    beforeAll(async () => {
      const sql = committed('erpPg');
      await client().query(sql);
      await client().query(sql);
    }, 30_000);

    const columnsOf = async (table: string): Promise<{ column_name: string; data_type: string }[]> =>
      (
        await client().query<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
          [table],
        )
      ).rows;

    it('CARI_HESAP_HAREKETLERI has exactly the mikro.json columns, in order', async () => {
      const actual = (await columnsOf('CARI_HESAP_HAREKETLERI')).map((c) => c.column_name);
      expect(actual).toEqual(mikroColumns('CARI_HESAP_HAREKETLERI').map((c) => c.name));
    });

    it('every mikro.json bit column of CARI_HESAP_HAREKETLERI is smallint', async () => {
      const bits = mikroColumns('CARI_HESAP_HAREKETLERI').filter((c) => c.type === 'bit').map((c) => c.name);
      expect(bits.length).toBeGreaterThan(0);
      const types = new Map((await columnsOf('CARI_HESAP_HAREKETLERI')).map((c) => [c.column_name, c.data_type]));
      for (const b of bits) expect(types.get(b), b).toBe('smallint');
    });

    it('bit columns are smallint, not boolean', async () => {
      const types = new Map((await columnsOf('STOK_HAREKETLERI')).map((c) => [c.column_name, c.data_type]));
      expect(types.get('sth_iptal')).toBe('smallint');
      expect(types.get('sth_hidden')).toBe('smallint');
    });

    it('an INSERT of only cha_kod succeeds and gets a generated cha_RECno', async () => {
      const { rows } = await client().query<{ cha_RECno: number; cha_tarihi: Date; cha_evrakno_seri: string }>(
        `INSERT INTO "CARI_HESAP_HAREKETLERI" ("cha_kod") VALUES ('120.01.001')
         RETURNING "cha_RECno", "cha_tarihi", "cha_evrakno_seri"`,
      );
      expect(rows[0]?.cha_RECno).toBeGreaterThan(0);
      expect(rows[0]?.cha_evrakno_seri).toBe(''); // Mikro empty values, never NULL
      expect(rows[0]?.cha_tarihi.getFullYear()).toBe(1899);
    });

    it('the on-hand view sums movements per stock code', async () => {
      await client().query(
        `INSERT INTO "STOK_HAREKETLERI" ("sth_stok_kod", "sth_tip", "sth_miktar", "sth_normal_iade", "sth_iptal")
         VALUES ('VIEW-A', 0, 10, 0, 0),   -- in
                ('VIEW-A', 1, 3, 0, 0),    -- out
                ('VIEW-B', 1, 4, 0, 0),    -- out (sale)
                ('VIEW-B', 1, 1.5, 1, 0),  -- sales return: sth_tip 1 + normal_iade 1 = back in
                ('VIEW-B', 1, 100, 0, 1)   -- cancelled: ignored`,
      );
      const { rows } = await client().query<{ sth_stok_kod: string; sth_eldeki_miktar: number }>(
        `SELECT "sth_stok_kod", "sth_eldeki_miktar" FROM "STOK_HAREKETTEN_ELDEKI_MIKTAR_VIEW"
         WHERE "sth_stok_kod" IN ('VIEW-A', 'VIEW-B') ORDER BY 1`,
      );
      expect(rows).toEqual([
        { sth_stok_kod: 'VIEW-A', sth_eldeki_miktar: 7 },
        { sth_stok_kod: 'VIEW-B', sth_eldeki_miktar: -2.5 },
      ]);
    });
  });
});

describe('SQL Server file', () => {
  it('every GO batch parses with the T-SQL grammar', () => {
    const batches = committed('erpMssql').split(/^GO\r?$/m);
    expect(batches.length).toBeGreaterThan(10);
    const t = new antlr4tsSQL(SQLDialect.TSQL);
    const errors: string[] = [];
    batches.forEach((sql, i) => {
      const listener = {
        syntaxError(_r: unknown, _s: unknown, line: number, col: number, msg: string) {
          errors.push(`batch ${i} line ${line}:${col}: ${String(msg).slice(0, 200)}`);
        },
      };
      const tokens = t.getTokens(sql, [listener]);
      const parser = t.getParser(tokens, [listener]);
      t.getParseTree(parser);
    });
    expect(errors).toEqual([]);
  }, 60_000);
});
