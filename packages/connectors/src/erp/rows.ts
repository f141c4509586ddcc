/** Generic row statements: INSERT with the identity read back, UPDATE by record number, SELECT one. */
import type { ErpTx, Row } from './client.js';
import { dialectPart, ident, join, sql, type SqlValue } from './sql.js';

/** INSERTs one row and returns its identity (Mikro's `<prefix>_RECno`). */
export async function insertRow(tx: ErpTx, table: string, recnoColumn: string, row: Record<string, SqlValue>): Promise<number> {
  const names = Object.keys(row);
  const cols = join(names.map((n) => ident(n)));
  const vals = join(names.map((n) => sql`${row[n] ?? null}`));
  // SCOPE_IDENTITY(), as Mikro's client does: OUTPUT without INTO is refused on tables with
  // triggers, and Mikro keeps summary tables through triggers on its movement tables.
  const rows = await tx.query<{ id: number }>(
    sql`INSERT INTO ${ident(table)} (${cols}) VALUES (${vals})${dialectPart(
      sql`; SELECT CAST(SCOPE_IDENTITY() AS int) AS ${ident('id')}`,
      sql` RETURNING ${ident(recnoColumn)} AS ${ident('id')}`,
    )}`,
  );
  const id = Number(rows[0]?.id);
  if (!Number.isInteger(id)) throw new Error(`INSERT into ${table} returned no record number`);
  return id;
}

/** UPDATE of the given columns of one row, found by its record number. Returns rows touched. */
export async function updateRow(tx: ErpTx, table: string, recnoColumn: string, recno: number, set: Record<string, SqlValue>): Promise<void> {
  const names = Object.keys(set);
  if (names.length === 0) return;
  const assignments = join(names.map((n) => sql`${ident(n)} = ${set[n] ?? null}`));
  await tx.query(sql`UPDATE ${ident(table)} SET ${assignments} WHERE ${ident(recnoColumn)} = ${recno}`);
}

export async function selectRow<T = Row>(tx: ErpTx, table: string, recnoColumn: string, recno: number): Promise<T | undefined> {
  const rows = await tx.query<T>(sql`SELECT * FROM ${ident(table)} WHERE ${ident(recnoColumn)} = ${recno}`);
  return rows[0];
}

/**
 * INSERTs several rows of one table in as few statements as the driver allows (SQL Server takes
 * at most 2,100 parameters per request) and returns their identities in insert order.
 */
export async function insertRows(tx: ErpTx, table: string, recnoColumn: string, rows: Record<string, SqlValue>[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const names = Object.keys(rows[0]!);
  const perStatement = Math.max(1, Math.floor(2000 / names.length));
  const cols = join(names.map((n) => ident(n)));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values = join(chunk.map((r) => sql`(${join(names.map((n) => sql`${r[n] ?? null}`))})`));
    const inserted = await tx.query<{ id: number }>(
      sql`${dialectPart(sql`DECLARE @ids TABLE (${ident('id')} int); `, '')}INSERT INTO ${ident(table)} (${cols}) ${dialectPart(
        sql`OUTPUT INSERTED.${ident(recnoColumn)} INTO @ids `,
        '',
      )}VALUES ${values}${dialectPart(sql`; SELECT ${ident('id')} FROM @ids ORDER BY ${ident('id')}`, sql` RETURNING ${ident(recnoColumn)} AS ${ident('id')}`)}`,
    );
    ids.push(...inserted.map((r) => Number(r.id)).sort((a, b) => a - b));
  }
  if (ids.length !== rows.length) throw new Error(`INSERT into ${table} returned ${ids.length} record numbers for ${rows.length} rows`);
  return ids;
}
