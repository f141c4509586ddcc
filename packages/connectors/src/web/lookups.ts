/** Web-side settings and schema lookups shared by the flows. */
import type { WebPool } from './pool.js';

/** Bank group of (bank, document kind) from int_banka_grup; undefined when not configured. */
export async function lookupBankGroup(pool: WebPool, bankCode: string, docKind: string): Promise<number | undefined> {
  const res = await pool.query<{ grup_no: number }>('SELECT grup_no FROM int_banka_grup WHERE ban_kod = $1 AND belge_turu = $2', [bankCode, docKind]);
  return res.rows[0]?.grup_no;
}

const columnCache = new Map<string, Set<string>>();

/** Columns of a web table, read once per process (some installations lack e.g. belge_no). */
export async function tableColumns(pool: WebPool, table: string): Promise<Set<string>> {
  let cols = columnCache.get(table);
  if (!cols) {
    const res = await pool.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
      [table],
    );
    cols = new Set(res.rows.map((r) => r.column_name));
    columnCache.set(table, cols);
  }
  return cols;
}
