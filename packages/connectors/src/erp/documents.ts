/**
 * Writes planned Mikro rows in the client's order: INSERT, read the identity, then the RECid
 * update (and any follow-up columns), exactly as the traces show.
 */
import type { ErpTx } from './client.js';
import { insertRow, updateRow } from './rows.js';
import type { SqlValue } from './sql.js';

type Values = Record<string, SqlValue>;

export interface CollectionRowsPlan {
  order?: { insert: Values; afterHeader: Values };
  endorse?: { recno: number; update: Values };
  header: { insert: Values; afterInsert: Values };
}

export interface WrittenCollection {
  headerRecno: number;
  orderRecno: number | undefined;
  rows: { table: string; recno: number; ref?: string }[];
}

export async function writeCollectionRows(tx: ErpTx, plan: CollectionRowsPlan): Promise<WrittenCollection> {
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
