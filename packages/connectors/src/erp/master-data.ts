/** Reads of Mikro master data that a document needs before it is written (existence checks). */
import type { ErpTx } from './client.js';
import { ident, sql } from './sql.js';

export interface ErpAccount {
  cari_kod: string;
  cari_unvan1: string;
  cari_CepTel: string;
}

/** The account of `code` (a read batch statement). */
export function accountQuery(code: string) {
  return sql`SELECT ${ident('cari_kod')}, ${ident('cari_unvan1')}, ${ident('cari_CepTel')} FROM ${ident('CARI_HESAPLAR')} WHERE ${ident('cari_kod')} = ${code}`;
}

export async function findAccount(tx: ErpTx, code: string): Promise<ErpAccount | undefined> {
  const rows = await tx.query<ErpAccount>(accountQuery(code));
  return rows[0];
}

export async function findBank(tx: ErpTx, code: string): Promise<{ ban_kod: string; ban_ismi: string } | undefined> {
  const rows = await tx.query<{ ban_kod: string; ban_ismi: string }>(
    sql`SELECT ${ident('ban_kod')}, ${ident('ban_ismi')} FROM ${ident('BANKALAR')} WHERE ${ident('ban_kod')} = ${code}`,
  );
  return rows[0];
}

export async function findCashBox(tx: ErpTx, code: string): Promise<{ kas_kod: string } | undefined> {
  const rows = await tx.query<{ kas_kod: string }>(sql`SELECT ${ident('kas_kod')} FROM ${ident('KASALAR')} WHERE ${ident('kas_kod')} = ${code}`);
  return rows[0];
}
