/**
 * Master data of the traced scenarios: account SERHAN, cash box 001, the cheque/note portfolios and
 * banks 01, 08, 09, 10, on both sides, with the bank groups the traces show.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ident, join, sql, type ErpClient, type ErpTx, type SqlValue } from '@mikrosync/connectors';

export interface SeededIds {
  serhan: string;
  kasa001: string;
  banks: Record<'01' | '08' | '09' | '10', string>;
}

export const BANK_NAMES: Record<string, string> = { '01': 'GARANTİ - KK', '08': 'İŞ BANKASI', '09': 'YAPIKREDİ - KK', '10': 'ENPARA - A' };

/** A dialect-neutral INSERT into the ERP, for seeding (works on the stand-in and on SQL Server). */
export async function erpInsert(erp: ErpTx, table: string, row: Record<string, SqlValue>): Promise<void> {
  const cols = Object.keys(row);
  await erp.query(sql`INSERT INTO ${ident(table)} (${join(cols.map((c) => ident(c)))}) VALUES (${join(cols.map((c) => sql`${row[c] ?? null}`))})`);
}

/** Explicit record numbers in an identity column (SQL Server needs IDENTITY_INSERT for that). */
export async function erpInsertWithRecno(erp: ErpClient, table: string, row: Record<string, SqlValue>): Promise<void> {
  if (erp.dialect === 'pg') return erpInsert(erp, table, row);
  await erp.transaction(async (tx) => {
    await tx.query(sql`SET IDENTITY_INSERT ${ident(table)} ON`);
    await erpInsert(tx, table, row);
    await tx.query(sql`SET IDENTITY_INSERT ${ident(table)} OFF`);
  });
}

export async function seedErpMasterData(erp: ErpTx): Promise<void> {
  await erpInsert(erp, 'CARI_HESAPLAR', { cari_kod: 'SERHAN', cari_unvan1: 'SERHAN KALAY', cari_CepTel: '05XXXXXXXXX' });
  for (const code of ['001', 'ÇEK', 'SENET', 'VERILEN-SENET']) await erpInsert(erp, 'KASALAR', { kas_kod: code, kas_isim: code });
  for (const [code, name] of Object.entries(BANK_NAMES)) await erpInsert(erp, 'BANKALAR', { ban_kod: code, ban_ismi: name });
}

export async function seedWebMasterData(web: pg.Pool): Promise<SeededIds> {
  const serhan = randomUUID();
  await web.query(`INSERT INTO cari_hesaplar (id, cari_kodu, cari_adi, cari_tipi) VALUES ($1, 'SERHAN', 'SERHAN KALAY', 'Müşteri')`, [serhan]);
  const kasa001 = randomUUID();
  await web.query(`INSERT INTO kasalar (id, kasa_adi, kasa_tipi, kasa_kodu) VALUES ($1, 'Merkez kasa', 'nakit', '001')`, [kasa001]);
  const banks = {} as SeededIds['banks'];
  for (const code of ['01', '08', '09', '10'] as const) {
    banks[code] = randomUUID();
    await web.query(`INSERT INTO bankalar (id, banka_adi, hesap_no, ban_kod) VALUES ($1, $2, $3, $4)`, [banks[code], BANK_NAMES[code], `TR-${code}`, code]);
  }
  // Bank groups as the traces show them (open question Q11): per bank and document kind.
  const groups: [string, string, number][] = [
    ['10', 'tahsilat_havale', 9],
    ['08', 'tahsilat_kredi_karti', 7],
    ['01', 'tediye_cek', 2],
    ['09', 'tediye_havale', 10],
    ['10', 'tediye_kredi_karti', 8],
  ];
  for (const [code, kind, group] of groups) await web.query('INSERT INTO int_banka_grup (ban_kod, belge_turu, grup_no) VALUES ($1, $2, $3)', [code, kind, group]);
  return { serhan, kasa001, banks };
}

export interface CollectionInput {
  id?: string;
  cari_hesap_id: string | null;
  tahsilat_tarihi?: string;
  tahsilat_tipi?: string;
  tediye_tipi?: string | null;
  tutar?: number | string;
  [column: string]: unknown;
}

/** Inserts a tahsilatlar row as the web app would (one statement, one transaction). */
export async function insertCollection(web: pg.Pool | pg.PoolClient, input: CollectionInput): Promise<string> {
  const row: Record<string, unknown> = {
    id: input.id ?? randomUUID(),
    tahsilat_no: `T-${randomUUID().slice(0, 8)}`,
    tahsilat_tarihi: '2025-11-12',
    tahsilat_tipi: 'nakit',
    tutar: 1,
    ...input,
  };
  // The web app defaults the due date to the document date.
  row.vade_tarihi ??= row.tahsilat_tarihi;
  const cols = Object.keys(row);
  await web.query(
    `INSERT INTO tahsilatlar (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    cols.map((c) => row[c]),
  );
  return row.id as string;
}
