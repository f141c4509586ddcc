// Generates the committed Entegra schema files from the schema exports in spec/schema
// (entegra-sqlite.json: the SQLite layout of db.s3db; entegra-pg.json: the web mirror tables):
//   packages/mappers/src/entegra/tables.generated.ts   column catalogue used by mappers and tests
//   db/migrations/1763802000000_entegra-mirror-tables.sql  the entegra_* tables (IF NOT EXISTS)
//
// Run through scripts/generate.ts (`npm run generate`). The output is a pure function of the two
// JSON files, so `npm run generate:check` can regenerate in memory and fail when someone edits a
// generated file by hand.

import { generatedHeader } from './generated-header.js';
import { readSchemaJson, schemaInput } from './schema-inputs.js';

interface JsonColumn {
  name: string;
  type: string;
  pk?: boolean;
  notnull?: boolean;
  default?: string;
}
interface JsonTable {
  columns?: JsonColumn[];
  sqliteSource?: string;
  conflictKey?: string[] | null;
  rowCountInSource?: number;
  rowCountLaterSnapshot?: number;
}
export type EntegraJson = Record<string, JsonTable | unknown>;

export interface EntegraSchemaFiles {
  tables: string;
  migration: string;
}

export const OUTPUT_FILES: Record<keyof EntegraSchemaFiles, string> = {
  tables: 'packages/mappers/src/entegra/tables.generated.ts',
  migration: 'db/migrations/1763802000000_entegra-mirror-tables.sql',
};

const GENERATOR = 'scripts/generate-entegra-schema.ts';

/** Tables of entegra-pg.json that belong to other domains. */
const NOT_OURS = new Set(['xmlurunler']);

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** A TypeScript string literal. */
const lit = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** An SQL string literal. */
const sqlLit = (v: string): string => `'${v.replace(/'/g, "''")}'`;

function tablesOf(json: EntegraJson): [string, JsonTable][] {
  return Object.entries(json).filter(([k, v]) => k !== '_meta' && typeof v === 'object' && v !== null && Array.isArray((v as JsonTable).columns)) as [
    string,
    JsonTable,
  ][];
}

/** The declared SQLite type without the notes some reconstructed columns carry. */
function sqliteType(t: string): string {
  return t.replace(/\s*\(declared type not captured\)\s*$/, '').trim();
}

function tablesTs(sqlite: EntegraJson, pgJson: EntegraJson): string {
  const pgTables = new Map(tablesOf(pgJson));
  const out: string[] = [
    ...generatedHeader('//', {
      generator: GENERATOR,
      inputs: [schemaInput('entegra-sqlite.json'), schemaInput('entegra-pg.json')],
      notes: [
        'One entry per SQLite table of the Entegra database that mikrosync reads: its mirror table in the',
        'web database, the key, the row count of the analysed production file, and every column with its',
        'declared SQLite type (null: only in the mirror) and its PostgreSQL type (null: not mirrored).',
      ],
    }),
    "import type { EntegraTableSpec } from './table-types.js';",
    '',
    'export const ENTEGRA_TABLE_SPECS = {',
  ];
  for (const [name, table] of tablesOf(sqlite)) {
    const pgName = `entegra_${name}`;
    const pg = pgTables.get(pgName);
    const pgCols = new Map((pg?.columns ?? []).map((c) => [c.name, c]));
    const key = pg ? (pg.conflictKey?.[0] ?? null) : (table.columns!.find((c) => c.pk)?.name ?? null);
    const rows = table.rowCountLaterSnapshot ?? table.rowCountInSource ?? null;
    out.push(`  ${/^[a-z_][a-z0-9_]*$/.test(name) ? name : lit(name)}: {`);
    out.push(`    sqlite: ${lit(name)},`);
    out.push(`    pg: ${pg ? lit(pgName) : 'null'},`);
    out.push(`    key: ${key ? lit(key) : 'null'},`);
    out.push(`    rowCount: ${rows ?? 'null'},`);
    out.push('    columns: [');
    const names = [...table.columns!.map((c) => c.name), ...[...pgCols.keys()].filter((n) => !table.columns!.some((c) => c.name === n))];
    for (const col of names) {
      const s = table.columns!.find((c) => c.name === col);
      const p = pgCols.get(col);
      const parts = [`name: ${lit(col)}`, `sqliteType: ${s ? lit(sqliteType(s.type)) : 'null'}`, `pgType: ${p ? lit(p.type) : 'null'}`];
      if (s?.pk || p?.pk) parts.push('pk: true');
      if (p?.notnull) parts.push('notNull: true');
      if (s?.notnull) parts.push('sqliteNotNull: true');
      if (s?.default !== undefined) parts.push(`sqliteDefault: ${lit(s.default)}`);
      out.push(`      { ${parts.join(', ')} },`);
    }
    out.push('    ],');
    out.push('  },');
  }
  out.push('} as const satisfies Record<string, EntegraTableSpec>;', '', 'export type EntegraSqliteTable = keyof typeof ENTEGRA_TABLE_SPECS;', '');
  return out.join('\n');
}

function migrationSql(pgJson: EntegraJson): string {
  const out: string[] = [
    ...generatedHeader('--', { generator: GENERATOR, inputs: [schemaInput('entegra-pg.json')] }),
    '',
    '-- Up Migration',
    '-- The web mirror of the Entegra SQLite database (entegra_* tables) with the types of production',
    '-- (integers are bigint). An installation of the original tool has these tables already, so every',
    '-- statement is guarded: existing tables and rows stay; only a missing key constraint is added, because',
    '-- the set-based merge (INSERT ... ON CONFLICT) needs it. Columns added to SQLite later are added by the',
    '-- sync itself at run time (schema drift), as the original did.',
    'SET client_min_messages = warning;',
    '',
  ];
  for (const [name, table] of tablesOf(pgJson)) {
    if (NOT_OURS.has(name)) continue;
    const cols = table.columns!.map((c) => {
      if (c.type === 'integer (serial)') return `  ${q(c.name)} serial PRIMARY KEY`;
      const parts = [`  ${q(c.name)} ${c.type}`];
      if (c.pk) parts.push('PRIMARY KEY');
      else if (c.notnull) parts.push('NOT NULL');
      if (c.default === 'now()') parts.push('DEFAULT now()');
      return parts.join(' ');
    });
    out.push(`CREATE TABLE IF NOT EXISTS ${q(name)} (`, cols.join(',\n'), ');');
    // Rows of the wide tables (product: 475 columns, about 4 KB) would otherwise be compressed
    // column by column on every write (TOAST starts at 2 KB): five times the CPU of the COPY itself.
    if (table.sqliteSource) out.push(`ALTER TABLE ${q(name)} SET (toast_tuple_target = 8160);`);
    const key = table.conflictKey?.[0];
    if (key) {
      // A table created by the original tool may lack the key (spec 11.11); add a unique index then.
      // With duplicate keys in it this fails and names the duplicated key: delete the extra rows first.
      out.push(
        'DO $$ BEGIN',
        '  IF NOT EXISTS (',
        '    SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]',
        `     WHERE i.indrelid = ${sqlLit(q(name))}::regclass AND i.indisunique AND i.indnkeyatts = 1 AND a.attname = ${sqlLit(key)}`,
        '  ) THEN',
        `    CREATE UNIQUE INDEX ${q(`${name}_${key}_uidx`)} ON ${q(name)} (${q(key)});`,
        '  END IF;',
        'END $$;',
      );
    }
    out.push('');
  }
  out.push(
    '-- Lines are replaced per order (lines removed from an order in Entegra disappear too) and looked up',
    '-- by order on the web.',
    'CREATE INDEX IF NOT EXISTS "entegra_order_product_order_id_idx" ON "entegra_order_product" ("order_id");',
    '',
    '-- Down Migration',
    '-- The entegra_* tables may predate mikrosync (the original tool created them): they are kept.',
    'DROP INDEX IF EXISTS "entegra_order_product_order_id_idx";',
    '',
  );
  return out.join('\n');
}

/** Pure: both files for the given parsed entegra-sqlite.json and entegra-pg.json. */
export function generateEntegraSchema(sqliteJson: EntegraJson, pgJson: EntegraJson): EntegraSchemaFiles {
  return { tables: tablesTs(sqliteJson, pgJson), migration: migrationSql(pgJson) };
}

/** Repository-relative path -> full text of every file this generator owns. */
export function outputs(): Record<string, string> {
  const files = generateEntegraSchema(readSchemaJson<EntegraJson>('entegra-sqlite.json'), readSchemaJson<EntegraJson>('entegra-pg.json'));
  return Object.fromEntries((Object.keys(OUTPUT_FILES) as (keyof EntegraSchemaFiles)[]).map((key) => [OUTPUT_FILES[key], files[key]]));
}
