/** ERP reads of the operations console: which web records our ledger posted under a Mikro number. */
import type { ErpTx } from './client.js';
import { LEDGER_TABLE } from './ledger.js';
import { ident, sql } from './sql.js';

/** Web records posted as Mikro document `series`-`number` (any document kind), from our ledger. */
export async function ledgerRecordsByNumber(tx: ErpTx, series: string, number: number): Promise<{ table: string; id: string }[]> {
  const rows = await tx.query<{ ldg_web_table: string; ldg_web_id: string }>(
    sql`SELECT ${ident('ldg_web_table')}, ${ident('ldg_web_id')} FROM ${ident(LEDGER_TABLE)}
         WHERE ${ident('ldg_seri')} = ${series} AND ${ident('ldg_sira')} = ${number}`,
  );
  return rows.map((r) => ({ table: r.ldg_web_table, id: r.ldg_web_id }));
}
