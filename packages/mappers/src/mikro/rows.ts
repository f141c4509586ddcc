/**
 * Building Mikro rows: every column of the table in the client's own order, never NULL
 * (text '', numbers 0, dates '18991230'), plus the header columns every Mikro writer sets.
 */
import { MIKRO_EMPTY_DATE, MIKRO_TABLE_INFO, PermanentError, says, type MikroRow, type MikroTableInfo, type RecordRef } from '@mikrosync/core';
import { MIKRO_COLUMNS, type MikroTable } from './columns.generated.js';

// Every table with generated columns has its prefix and file id (a table added to the generator
// without them fails here, at compile time).
const TABLE_INFO: Record<MikroTable, MikroTableInfo> = MIKRO_TABLE_INFO;

export interface Stamp {
  /** ERP user number written into *_create_user / *_lastup_user. */
  userNo: number;
  /** Local time literal 'YYYYMMDD hh:mm:ss.mmm'. */
  now: string;
}

function findColumn(table: MikroTable, name: string) {
  const col = MIKRO_COLUMNS[table].find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!col) throw new Error(`${table} has no column ${name}`);
  return col;
}

/**
 * A complete row for INSERT: every column except the identity, in the client's order.
 * `values` override the empty values; unknown column names are a programming error.
 */
export function mikroRow(table: MikroTable, stamp: Stamp, values: Record<string, string | number>): MikroRow {
  const { prefix, fileId } = TABLE_INFO[table];
  const base: Record<string, string | number> = {};
  for (const c of MIKRO_COLUMNS[table]) {
    if (c.kind === 'identity') continue;
    base[c.name] = c.kind === 'text' ? '' : c.kind === 'date' ? MIKRO_EMPTY_DATE : 0;
  }
  const header: Record<string, string | number> = {
    [`${prefix}_fileid`]: fileId,
    [`${prefix}_create_user`]: stamp.userNo,
    [`${prefix}_create_date`]: stamp.now,
    [`${prefix}_lastup_user`]: stamp.userNo,
    [`${prefix}_lastup_date`]: stamp.now,
  };
  for (const [name, v] of Object.entries({ ...header, ...values })) {
    const col = findColumn(table, name);
    if (v === null || v === undefined) throw new Error(`${table}.${col.name} would be NULL`);
    base[col.name] = v;
  }
  return base;
}

/**
 * Descriptive text cut to the width Mikro keeps (spec rule 11); never used for codes or keys.
 */
export function cut(value: string | null | undefined, width: number): string {
  return [...(value ?? '')].slice(0, width).join('');
}

/**
 * The one rule for free-text notes (spec rule 11), collections and invoices alike: a note longer
 * than its Mikro column is cut to the column, and the cut is reported (a warning naming the record,
 * the field, its length and the width) for the worker to log. Codes are refused instead (below).
 */
export function noteCut(value: string | null | undefined, width: number, field: string, record: RecordRef): { text: string; warning?: string } {
  const v = (value ?? '').trim();
  const length = [...v].length;
  if (length <= width) return { text: v };
  return {
    text: cut(v, width),
    warning: `${record.table} ${record.id}: the note (${field}) is ${length} characters; Mikro keeps ${width}, the rest is cut. Fix: shorten the note on the web if the end matters`,
  };
}

/**
 * A code or document key checked against its width: a longer value is a permanent error, because
 * cutting it could silently point at another record.
 */
export function checkedCode(value: string | null | undefined, width: number, what: string, record: RecordRef): string {
  const v = (value ?? '').trim();
  if ([...v].length > width) {
    throw new PermanentError(`${record.table} ${record.id}: ${what} "${v}" is ${[...v].length} characters; Mikro allows ${width}.`, {
      record,
      fix: `shorten ${what} to at most ${width} characters on the web and save the record again`,
      says: says('err.tooLong', { what, value: v, length: [...v].length, width }),
    });
  }
  return v;
}
