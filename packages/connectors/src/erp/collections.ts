/**
 * Writes planned Mikro rows in the client's order: INSERT, read the identity, then the RECid
 * update (and any follow-up columns), exactly as the traces show.
 */
import type { CollectionPlan } from '@mikrosync/core';
import type { ErpTx } from './client.js';
import { insertRow, updateRow } from './rows.js';
import { dialectPart, ident, join, sql, type SqlValue, type Statement } from './sql.js';
import { varRef, type BatchVariable, type WriteBatch } from './batch.js';
import type { LedgerRowSource } from './document-batch.js';

type Values = Record<string, SqlValue>;

export interface WrittenCollection {
  headerRecno: number;
  orderRecno: number | undefined;
  rows: { table: string; recno: number; ref?: string }[];
}

export async function writeCollectionRows(tx: ErpTx, plan: CollectionPlan): Promise<WrittenCollection> {
  const rows: WrittenCollection['rows'] = [];
  let orderRecno: number | undefined;
  if (plan.order) {
    orderRecno = await insertRow(tx, 'ODEME_EMIRLERI', 'sck_RECno', { ...plan.order.insert, sck_RECid_DBCno: 0, sck_RECid_RECno: 0 });
    await updateRow(tx, 'ODEME_EMIRLERI', 'sck_RECno', orderRecno, { sck_RECid_RECno: orderRecno });
    rows.push({ table: 'ODEME_EMIRLERI', recno: orderRecno, ref: String(plan.order.insert.sck_refno ?? '') });
  }
  const headerRecno = await insertRow(tx, 'CARI_HESAP_HAREKETLERI', 'cha_RECno', {
    ...plan.header.insert,
    cha_RECid_DBCno: 0,
    cha_RECid_RECno: 0,
  });
  rows.push({ table: 'CARI_HESAP_HAREKETLERI', recno: headerRecno });
  if (plan.order && orderRecno !== undefined) await updateRow(tx, 'ODEME_EMIRLERI', 'sck_RECno', orderRecno, plan.order.afterHeader);
  if (plan.endorse) {
    await updateRow(tx, 'ODEME_EMIRLERI', 'sck_RECno', plan.endorse.recno, plan.endorse.update);
    rows.push({ table: 'ODEME_EMIRLERI', recno: plan.endorse.recno });
  }
  await updateRow(tx, 'CARI_HESAP_HAREKETLERI', 'cha_RECno', headerRecno, { cha_RECid_RECno: headerRecno, ...plan.header.afterInsert });
  return { headerRecno, orderRecno, rows };
}

/**
 * The number and refno a collection's plan carries before the batch allocated them: the plan is
 * built with these stand-ins and every column holding one gets the batch variable instead (the
 * plan copies them verbatim into sck_refno, cha_trefno, cha_evrakno_sira, sck_ilk_evrak_sira_no).
 */
export const PLANNED_NUMBER = -2_000_000_001;
export const PLANNED_REFNO = '\u0000mikrosync-refno';

function valuesOf(row: Values, number: BatchVariable | undefined, refno: BatchVariable | undefined): Record<string, Statement | SqlValue> {
  const out: Record<string, Statement | SqlValue> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === PLANNED_NUMBER) {
      if (!number) throw new Error(`${k}: a planned document number without a number variable`);
      out[k] = varRef(number);
    } else if (v === PLANNED_REFNO) {
      if (!refno) throw new Error(`${k}: a planned refno without a refno variable`);
      out[k] = varRef(refno);
    } else out[k] = v;
  }
  return out;
}

const assignments = (set: Record<string, Statement | SqlValue>) => join(Object.keys(set).map((k) => sql`${ident(k)} = ${set[k] ?? null}`));
const insertText = (table: string, row: Record<string, Statement | SqlValue>) => {
  const names = Object.keys(row);
  return sql`INSERT INTO ${ident(table)} (${join(names.map((n) => ident(n)))}) VALUES (${join(names.map((n) => sql`${row[n] ?? null}`))})`;
};

/**
 * `writeCollectionRows` as write batch steps, in the client's order. The endorsed cheque must
 * still be in the portfolio when the batch locks it (else `mikrosync:read-moved`: another payment
 * took it since the read batch). Returns where the ledger reads the rows back.
 */
export function writeCollectionBatch(
  batch: WriteBatch,
  plan: CollectionPlan,
  vars: { header: BatchVariable; number: BatchVariable; refno?: BatchVariable; order?: BatchVariable },
): LedgerRowSource[] {
  const sources: LedgerRowSource[] = [];
  const v = (row: Values) => valuesOf(row, vars.number, vars.refno);
  if (plan.endorse) {
    batch.raiseIf(
      sql`NOT EXISTS (SELECT 1 FROM ${ident('ODEME_EMIRLERI')}${dialectPart(' WITH (UPDLOCK, HOLDLOCK)', '')} WHERE ${ident('sck_RECno')} = ${plan.endorse.recno} AND ${ident('sck_sonpoz')} = ${0}${dialectPart('', ' FOR UPDATE')})`,
      'read-moved',
    );
  }
  if (plan.order) {
    if (!vars.order) throw new Error('a payment order row needs a batch variable for its record number');
    const o = varRef(vars.order);
    batch.insertIdentity(vars.order, insertText('ODEME_EMIRLERI', v({ ...plan.order.insert, sck_RECid_DBCno: 0, sck_RECid_RECno: 0 })), sql`${ident('sck_RECno')}`);
    batch.add(sql`UPDATE ${ident('ODEME_EMIRLERI')} SET ${ident('sck_RECid_RECno')} = ${o} WHERE ${ident('sck_RECno')} = ${o}`);
    sources.push({ table: 'ODEME_EMIRLERI', where: sql`${ident('sck_RECno')} = ${o}`, ref: 'sck_refno' });
  }
  const h = varRef(vars.header);
  batch.insertIdentity(vars.header, insertText('CARI_HESAP_HAREKETLERI', v({ ...plan.header.insert, cha_RECid_DBCno: 0, cha_RECid_RECno: 0 })), sql`${ident('cha_RECno')}`);
  sources.push({ table: 'CARI_HESAP_HAREKETLERI', where: sql`${ident('cha_RECno')} = ${h}` });
  if (plan.order && vars.order) {
    batch.add(sql`UPDATE ${ident('ODEME_EMIRLERI')} SET ${assignments(v(plan.order.afterHeader))} WHERE ${ident('sck_RECno')} = ${varRef(vars.order)}`);
  }
  if (plan.endorse) {
    batch.add(sql`UPDATE ${ident('ODEME_EMIRLERI')} SET ${assignments(v(plan.endorse.update))} WHERE ${ident('sck_RECno')} = ${plan.endorse.recno}`);
    sources.push({ table: 'ODEME_EMIRLERI', where: sql`${ident('sck_RECno')} = ${plan.endorse.recno}` });
  }
  batch.add(sql`UPDATE ${ident('CARI_HESAP_HAREKETLERI')} SET ${assignments({ cha_RECid_RECno: h, ...v(plan.header.afterInsert) })} WHERE ${ident('cha_RECno')} = ${h}`);
  return sources;
}

/** The cash box, bank and portfolio cheque reads of a collection (read batch statements). */
export function cashBoxQuery(code: string): Statement {
  return sql`SELECT ${ident('kas_kod')} FROM ${ident('KASALAR')} WHERE ${ident('kas_kod')} = ${code}`;
}
export function bankQuery(code: string): Statement {
  return sql`SELECT ${ident('ban_kod')}, ${ident('ban_ismi')} FROM ${ident('BANKALAR')} WHERE ${ident('ban_kod')} = ${code}`;
}
export function portfolioChequeQuery(chequeNumber: string): Statement {
  return sql`SELECT * FROM ${ident('ODEME_EMIRLERI')} WHERE ${ident('sck_tip')} = ${0} AND ${ident('sck_no')} = ${chequeNumber} AND ${ident('sck_sonpoz')} = ${0} ORDER BY ${ident('sck_RECno')}`;
}
