/**
 * Keyset reads of Mikro tables for the catalog sync: pages ordered by (lastup_date, RECno) after a
 * cursor, never a whole table and never OFFSET (rows changed between pages would shift it).
 * One statement per dialect through the seam: `TOP (@n)` on SQL Server, `LIMIT` on the stand-in.
 */
import type { ErpTx, Row } from './client.js';
import { dialectPart, ident, join, rawSql, sql, type Statement } from './sql.js';

/** A column of the row type a source reads. */
export type ColumnOf<R> = keyof R & string;

/**
 * A Mikro table as one read sees it: every column named is a field of `R`, the row type the read
 * returns, so a source and the mapper of its rows cannot drift apart.
 */
export interface ErpSource<R = Row> {
  table: string;
  columns: readonly ColumnOf<R>[];
  /** `<prefix>_lastup_date`; undefined for tables without one (read by key only). */
  lastup?: ColumnOf<R>;
  /** Tie-breaker and key: `<prefix>_RECno`, or the code where the table has no RECno. */
  key: ColumnOf<R>;
  /** Extra condition every read of the source carries (e.g. depot 0 / plan 0 prices). */
  filter?: () => Statement;
}

/**
 * Any source, whatever its row type, for code that reads only keys or counts (a source of
 * `ErpStock` rows is one, since `never` is every row type).
 */
export type AnyErpSource = ErpSource<never>;

/** The last committed position: naive Mikro local time 'YYYY-MM-DD hh:mm:ss.mmm' and the key. */
export interface KeysetCursor {
  time: string | null;
  key: number | string;
}

/** Mikro's own (naive, Turkish local) time as a typed value; ISO 'T' form is read the same under any SQL Server language. */
export function erpTime(text: string): Statement {
  const iso = text.replace(' ', 'T');
  return sql`${dialectPart(sql`CAST(${iso} AS datetime)`, sql`CAST(${iso} AS timestamp(3))`)}`;
}

const top = (n: number) => dialectPart(sql`TOP (${n}) `, '');
const limit = (n: number) => dialectPart('', sql` LIMIT ${n}`);

function after<R>(src: ErpSource<R>, cursor: KeysetCursor): Statement {
  const k = ident(src.key);
  if (!src.lastup || cursor.time === null) return sql`${k} > ${cursor.key}`;
  const l = ident(src.lastup);
  return sql`(${l} > ${erpTime(cursor.time)} OR (${l} = ${erpTime(cursor.time)} AND ${k} > ${cursor.key}))`;
}

function where(parts: Statement[]): Statement {
  return parts.length ? sql` WHERE ${join(parts, ' AND ')}` : rawSql('');
}

function conditions<R>(src: ErpSource<R>, cursor: KeysetCursor | null): Statement[] {
  const parts: Statement[] = [];
  if (src.filter) parts.push(src.filter());
  if (cursor) parts.push(after(src, cursor));
  return parts;
}

const order = <R>(src: ErpSource<R>) => (src.lastup ? sql`${ident(src.lastup)}, ${ident(src.key)}` : sql`${ident(src.key)}`);

/** The next page after `cursor` (null: from the start), in (lastup_date, key) order. */
export async function readPage<R>(erp: ErpTx, src: ErpSource<R>, cursor: KeysetCursor | null, pageSize: number): Promise<R[]> {
  const cols = join(src.columns.map((c) => ident(c)));
  return erp.query<R>(sql`SELECT ${top(pageSize)}${cols} FROM ${ident(src.table)}${where(conditions(src, cursor))} ORDER BY ${order(src)}${limit(pageSize)}`);
}

/** How many rows lie after `cursor` (for the progress bar; 0 skips the step's read entirely). */
export async function countAfter<R>(erp: ErpTx, src: ErpSource<R>, cursor: KeysetCursor | null): Promise<number> {
  const rows = await erp.query<{ n: number }>(sql`SELECT COUNT(*) AS ${ident('n')} FROM ${ident(src.table)}${where(conditions(src, cursor))}`);
  return Number(rows[0]?.n ?? 0);
}

/** SQL Server takes at most 2,100 parameters per request: key lists go in chunks of 1,000. */
export const KEY_CHUNK = 1000;

export function chunks<T>(items: readonly T[], size = KEY_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const inList = (values: readonly (string | number)[]): Statement => join(values.map((v) => sql`${v}`));

/** Rows by key (the retry set of rows that waited for a parent), in (lastup_date, key) order. */
export async function readByKeys<R>(erp: ErpTx, src: ErpSource<R>, keys: readonly (number | string)[]): Promise<R[]> {
  const cols = join(src.columns.map((c) => ident(c)));
  const out: R[] = [];
  for (const part of chunks(keys)) {
    const parts = src.filter ? [src.filter()] : [];
    parts.push(sql`${ident(src.key)} IN (${inList(part)})`);
    out.push(...(await erp.query<R>(sql`SELECT ${cols} FROM ${ident(src.table)}${where(parts)} ORDER BY ${order(src)}`)));
  }
  return out;
}

/** One page of keys after `afterKey`, in key order (key reconciliation). */
export async function readKeyPage<R>(erp: ErpTx, src: ErpSource<R>, afterKey: number | string | null, pageSize: number, keyColumn: string = src.key): Promise<Row[]> {
  const parts = src.filter ? [src.filter()] : [];
  if (afterKey !== null) parts.push(sql`${ident(keyColumn)} > ${afterKey}`);
  return erp.query(sql`SELECT ${top(pageSize)}${ident(keyColumn)} AS ${ident('k')} FROM ${ident(src.table)}${where(parts)} ORDER BY ${ident(keyColumn)}${limit(pageSize)}`);
}

/** The newest (lastup_date, key) of a source right now, or null when it is empty. */
export async function latestCursorRow<R>(erp: ErpTx, src: ErpSource<R>): Promise<Row | undefined> {
  if (!src.lastup) return undefined;
  const rows = await erp.query(
    sql`SELECT ${top(1)}${ident(src.lastup)}, ${ident(src.key)} FROM ${ident(src.table)}${where(src.filter ? [src.filter()] : [])} ORDER BY ${ident(src.lastup)} DESC, ${ident(src.key)} DESC${limit(1)}`,
  );
  return rows[0];
}
