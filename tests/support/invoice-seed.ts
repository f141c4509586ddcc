/** Web rows for invoice tests: a stock card known to both sides, and documents with lines. */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { erpInsert } from './seed.js';
import type { ErpTx } from '@mikrosync/connectors';

export async function insertWebRow(web: pg.Pool | pg.PoolClient, table: string, row: Record<string, unknown>): Promise<string> {
  const full = { id: randomUUID(), ...row };
  const cols = Object.keys(full);
  await web.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(full));
  return full.id as string;
}

/** Stock 'H' of the traces (and a few more) on both sides; returns web ids by code. */
export async function seedStocks(web: pg.Pool, erp: ErpTx, codes = ['H', 'K1', 'K2', 'K3', 'K4']): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const code of codes) {
    await erpInsert(erp, 'STOKLAR', { sto_kod: code, sto_isim: `Stok ${code}` });
    ids[code] = await insertWebRow(web, 'stoklar', { stok_kodu: code, stok_adi: `Stok ${code}` });
  }
  await erpInsert(erp, 'DEPOLAR', { dep_no: 1, dep_adi: 'MERKEZ' });
  return ids;
}

export interface LineInput {
  stok_id: string | null;
  miktar?: number;
  birim_fiyat?: number;
  kdv_orani?: number;
  notlar?: string;
  [column: string]: unknown;
}

/** A sale and its lines in one web transaction. */
export async function insertSale(web: pg.Pool, header: Record<string, unknown>, lines: LineInput[]): Promise<string> {
  const client = await web.connect();
  try {
    await client.query('BEGIN');
    const id = await insertWebRow(client, 'satislar', { satis_no: `S-${randomUUID().slice(0, 8)}`, satis_tarihi: '2025-11-12', ...header });
    let i = 1;
    for (const l of lines) {
      const qty = l.miktar ?? 1;
      const price = l.birim_fiyat ?? 1;
      await insertWebRow(client, 'satis_kalemleri', { satis_id: id, miktar: qty, birim_fiyat: price, toplam_tutar: qty * price, kdv_orani: 0, sira_no: i++, ...l });
    }
    await client.query('COMMIT');
    return id;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export async function insertReturn(web: pg.Pool, header: Record<string, unknown>, lines: LineInput[]): Promise<string> {
  const id = await insertWebRow(web, 'iadeler', { iade_no: `I-${randomUUID().slice(0, 8)}`, iade_tarihi: '2025-11-12', ...header });
  let i = 1;
  for (const l of lines) {
    const qty = l.miktar ?? 1;
    const price = l.birim_fiyat ?? 1;
    const { notlar: _n, ...rest } = l;
    await insertWebRow(web, 'iade_kalemleri', { iade_id: id, miktar: qty, birim_fiyat: price, toplam_tutar: qty * price, kdv_orani: 0, sira_no: i++, stok_kodu: 'x', ...rest });
  }
  return id;
}

export async function insertPurchase(web: pg.Pool, header: Record<string, unknown>, lines: LineInput[]): Promise<string> {
  const id = await insertWebRow(web, 'alislar', { fatura_no: `A-${randomUUID().slice(0, 8)}`, fatura_tarihi: '2025-11-12', ...header });
  let i = 1;
  for (const l of lines) {
    const qty = l.miktar ?? 1;
    const price = l.birim_fiyat ?? 1;
    const { notlar: _n, ...rest } = l;
    await insertWebRow(web, 'alis_kalemleri', {
      alis_id: id, miktar: qty, birim_fiyat: price, toplam_tutar: qty * price, kdv_orani: 0, sira_no: i++, stok_kodu: 'x', stok_adi: 'x', ...rest,
    });
  }
  return id;
}
