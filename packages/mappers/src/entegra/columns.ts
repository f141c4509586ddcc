/**
 * Which columns a run copies into the mirror, from the layout found in the SQLite file at run time and the mirror
 * table's columns: every column of the known layout must be in the file (else the file is not the
 * Entegra database we know, and the run stops with a clear reason); columns Entegra added since are
 * added to the mirror (schema drift, as the original did); mirror-only columns are left alone.
 */
import { PermanentError, says } from '@mikrosync/core';
import type { MirrorTable } from './tables.js';
import { pgTypeForSqlite, type MirrorColumn } from './values.js';

export interface SqliteColumnInfo {
  name: string;
  /** Declared type as PRAGMA table_info reports it. */
  type: string;
}

export interface ColumnPlan {
  /** Columns read from SQLite and written to the mirror, in this order. */
  columns: MirrorColumn[];
  /** Mirror columns to add before writing (drift). */
  add: MirrorColumn[];
  /** Index of the key column in `columns`, or null. */
  keyIndex: number | null;
}

/** A mirror column as the web database describes it. */
export interface MirrorColumnInfo {
  pgType: string;
  notNull: boolean;
}

export function planColumns(table: MirrorTable, sqliteColumns: readonly SqliteColumnInfo[] | null, pgColumns: ReadonlyMap<string, MirrorColumnInfo>, source: string): ColumnPlan {
  if (!sqliteColumns) {
    throw new PermanentError(`Entegra table ${table.sqlite} does not exist in ${source}.`, {
      says: says('err.entegraFile', { path: source, detail: `no table ${table.sqlite}` }),
      fix: 'check that ENTEGRA_DB_PATH points at the db.s3db of the Entegra installation (not a copy or an older file)',
    });
  }
  const present = new Set(sqliteColumns.map((c) => c.name));
  const missing = table.spec.columns.filter((c) => c.sqliteType !== null && !present.has(c.name)).map((c) => c.name);
  if (missing.length) {
    throw new PermanentError(
      `Entegra table ${table.sqlite} in ${source} lacks column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} of the known layout; nothing was written.`,
      {
        says: says('err.entegraFile', { path: source, detail: `${table.sqlite} lacks ${missing.join(', ')}` }),
        fix: 'check that ENTEGRA_DB_PATH points at the live Entegra database; if Entegra really removed the column, update spec/schema/entegra-sqlite.json and regenerate the layout (npm run generate)',
      },
    );
  }
  const columns: MirrorColumn[] = [];
  const add: MirrorColumn[] = [];
  for (const c of sqliteColumns) {
    const pg = pgColumns.get(c.name);
    if (pg) columns.push({ name: c.name, pgType: pg.pgType, notNull: pg.notNull });
    else {
      const col = { name: c.name, pgType: pgTypeForSqlite(c.type) };
      add.push(col);
      columns.push(col);
    }
  }
  const keyIndex = table.key === null ? null : columns.findIndex((c) => c.name === table.key);
  return { columns, add, keyIndex: keyIndex === -1 ? null : keyIndex };
}
