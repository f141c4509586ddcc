// Generates the committed SQL files that stand in for databases we do not own, from the schema
// exports in spec/schema (web.json, mikro.json):
//   db/dev/web-app-tables.sql           web app tables, PostgreSQL 15 (dev/tests; production has them)
//   db/erp-standin/pg/mikro-tables.sql  Mikro ERP tables in PostgreSQL (dev/CI stand-in for SQL Server)
//   db/erp-standin/mssql/mikro-tables.sql  the same for a real SQL Server (docker-compose `mssql`)
//
// Run through scripts/generate.ts (`npm run generate`). The output is a pure function of the two
// JSON files (no dates, no machine paths), so `npm run generate:check` can regenerate in memory and
// fail when someone edits the SQL by hand.

import { generatedHeader } from './generated-header.js';
import { readSchemaJson, schemaInput } from './schema-inputs.js';
import { mikroMssqlDdl, mikroPgDdl, type MikroSchemaJson } from './schema-ddl/mikro.js';
import { webAppDdl, type WebSchemaJson } from './schema-ddl/web-app.js';

export type { MikroSchemaJson } from './schema-ddl/mikro.js';
export type { WebSchemaJson } from './schema-ddl/web-app.js';

export interface SchemaDdl {
  /** db/dev/web-app-tables.sql */
  webApp: string;
  /** db/erp-standin/pg/mikro-tables.sql */
  erpPg: string;
  /** db/erp-standin/mssql/mikro-tables.sql */
  erpMssql: string;
}

/** Output paths relative to the repository root, keyed like SchemaDdl. */
export const OUTPUT_FILES: Record<keyof SchemaDdl, string> = {
  webApp: 'db/dev/web-app-tables.sql',
  erpPg: 'db/erp-standin/pg/mikro-tables.sql',
  erpMssql: 'db/erp-standin/mssql/mikro-tables.sql',
};

function header(source: string, notes: string[]): string {
  return generatedHeader('--', { generator: 'scripts/generate-schema-ddl.ts', inputs: [schemaInput(source)], notes }).join('\n');
}

/** Pure: the three SQL files for the given parsed web.json and mikro.json. */
export function generateSchemaDdl(webJson: WebSchemaJson, mikroJson: MikroSchemaJson): SchemaDdl {
  return {
    webApp: webAppDdl(
      webJson,
      header('web.json', [
        'PostgreSQL 15 DDL of the web app (Supabase) tables, for development and tests only:',
        'production already has these tables. Idempotent (IF NOT EXISTS / guarded foreign keys).',
        'Not here: int_kodmap_*, int_*_mapping, sync_queue, sync_state, sync_logs (owned by',
        'db/migrations) and odeme_emirleri (web.json lists no columns for it).',
        'Columns typed `unknown` in web.json are text; Supabase-specific types and defaults are',
        'replaced by plain PG 15 ones (enums -> text, extensions.uuid_generate_v4() -> gen_random_uuid()).',
      ]),
    ),
    erpPg: mikroPgDdl(
      mikroJson,
      header('mikro.json', [
        'Mikro ERP tables in PostgreSQL: a stand-in for SQL Server in development and CI.',
        'Names are quoted exactly as in Mikro. Types are inferred from traces (mikro.json): bit ->',
        'smallint (0/1), float -> double precision, nvarchar -> varchar, datetime -> timestamp(3).',
        '<prefix>_RECno is an identity primary key; every other column is NOT NULL with the Mikro',
        "empty value as default ('' / 0 / 1899-12-30), so tests can insert rows with few columns.",
        'The original tool\'s own objects (INT_*Map, MIKRO_SYNC_DELETED_LOG, SYNC_QUEUE, SYNC_LOGS) are not here.',
      ]),
    ),
    erpMssql: mikroMssqlDdl(
      mikroJson,
      header('mikro.json', [
        'Mikro ERP tables for a real SQL Server (docker-compose `mssql` init step); run with sqlcmd.',
        'Same tables, columns and defaults as db/erp-standin/pg/mikro-tables.sql; nvarchar columns',
        'whose width is unknown are nvarchar(255). Every statement is guarded, so it can run twice.',
      ]),
    ),
  };
}

/** Repository-relative path -> full text of every file this generator owns. */
export function outputs(): Record<string, string> {
  const ddl = generateSchemaDdl(readSchemaJson('web.json'), readSchemaJson('mikro.json'));
  return Object.fromEntries((Object.keys(OUTPUT_FILES) as (keyof SchemaDdl)[]).map((key) => [OUTPUT_FILES[key], ddl[key]]));
}
