/**
 * Smaller ERP reads of the catalog domain: stock on hand (spec 2.11), cash/bank codes (2.9),
 * document number maxima (2.13), and what the repairs need (4.5, 4.6).
 */
import type { NumberSource } from '@mikrosync/core';
import type { ErpTx, Row } from './client.js';
import { chunks, inList } from './catalog-read.js';
import { dialectPart, ident, join, sql, type Statement } from './sql.js';

const VIEW = 'STOK_HAREKETTEN_ELDEKI_MIKTAR_VIEW';
const top = (n: number) => dialectPart(sql`TOP (${n}) `, '');
const limit = (n: number) => dialectPart('', sql` LIMIT ${n}`);

/** Stock on hand of the given stock codes (in chunks, SQL Server's parameter limit). */
export async function readOnHandByCodes<T = Row>(erp: ErpTx, codes: readonly string[]): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunks(codes)) {
    out.push(
      ...(await erp.query<T>(
        sql`SELECT ${ident('sth_stok_kod')}, ${ident('sth_eldeki_miktar')} FROM ${ident(VIEW)} WHERE ${ident('sth_stok_kod')} IN (${inList(part)}) AND ${ident('sth_eldeki_miktar')} IS NOT NULL`,
      )),
    );
  }
  return out;
}

/** A page of the whole view in code order (the periodic full pass). */
export async function readOnHandPage<T = Row>(erp: ErpTx, afterCode: string | null, pageSize: number): Promise<T[]> {
  const code = ident('sth_stok_kod');
  const after = afterCode === null ? sql`` : sql` AND ${code} > ${afterCode}`;
  return erp.query<T>(
    sql`SELECT ${top(pageSize)}${code}, ${ident('sth_eldeki_miktar')} FROM ${ident(VIEW)} WHERE ${ident('sth_eldeki_miktar')} IS NOT NULL${after} ORDER BY ${code}${limit(pageSize)}`,
  );
}

/** Every cash box and bank code: movements on these codes belong to their ciro account (rule 15). */
export async function readCashAndBankCodes(erp: ErpTx): Promise<Set<string>> {
  const rows = await erp.query<{ code: string }>(
    sql`SELECT ${ident('ban_kod')} AS ${ident('code')} FROM ${ident('BANKALAR')} UNION SELECT ${ident('kas_kod')} FROM ${ident('KASALAR')}`,
  );
  return new Set(rows.map((r) => String(r.code ?? '').trim()).filter(Boolean));
}

const maxOf = (expr: Statement, table: string, cond: Statement) =>
  sql`(SELECT COALESCE(MAX(${expr}), 0) FROM ${ident(table)} WHERE ${cond})`;

/** LIKE pattern "starts with", with the pattern characters of the code escaped. */
const startsWith = (code: string) => `${code.replace(/[\\%_[]/g, (c) => `\\${c}`)}%`;

/** The highest document number of a source (0 when there is none). */
export async function readNumberMaximum(erp: ErpTx, s: NumberSource): Promise<number> {
  const chaSira = sql`${ident('cha_evrakno_sira')}`;
  const sthSira = sql`${ident('sth_evrakno_sira')}`;
  const chaSeri = sql`${ident('cha_evrakno_seri')} = ${'series' in s ? s.series : ''}`;
  const sthSeri = sql`${ident('sth_evrakno_seri')} = ${'series' in s ? s.series : ''}`;
  let parts: Statement[];
  switch (s.kind) {
    case 'cha-sth':
      parts = [
        maxOf(chaSira, 'CARI_HESAP_HAREKETLERI', sql`${ident('cha_evrak_tip')} = ${s.chaType} AND ${chaSeri}`),
        maxOf(sthSira, 'STOK_HAREKETLERI', sql`${ident('sth_evraktip')} = ${s.sthType} AND ${sthSeri}`),
      ];
      break;
    case 'cha':
      parts = [maxOf(chaSira, 'CARI_HESAP_HAREKETLERI', sql`${ident('cha_evrak_tip')} = ${s.chaType} AND ${chaSeri}`)];
      break;
    case 'return':
      parts = [
        maxOf(chaSira, 'CARI_HESAP_HAREKETLERI', sql`${ident('cha_normal_Iade')} = 1 AND ${chaSeri}`),
        maxOf(sthSira, 'STOK_HAREKETLERI', sql`${ident('sth_normal_iade')} = 1 AND ${sthSeri}`),
      ];
      break;
    case 'count':
      parts = [sql`(SELECT COALESCE(MAX(${ident('sym_evrakno')}), 0) FROM ${ident('SAYIM_SONUCLARI')})`];
      break;
    case 'marketplace': {
      const p = startsWith(s.accountCode);
      parts = [
        maxOf(
          chaSira,
          'CARI_HESAP_HAREKETLERI',
          sql`${chaSeri} AND (${ident('cha_kod')} LIKE ${p} ESCAPE '\\' OR ${ident('cha_ciro_cari_kodu')} LIKE ${p} ESCAPE '\\')`,
        ),
      ];
      break;
    }
  }
  const cols = join(parts.map((p, i) => sql`${p} AS ${ident(`m${i}`)}`));
  const rows = await erp.query(sql`SELECT ${cols}`);
  const r = rows[0] ?? {};
  return Math.max(0, ...Object.values(r).map((v) => Number(v) || 0));
}

/** Movement counts per (cha_kod, cha_ciro_cari_kodu): what fix-cari classifies. */
export async function readMovementAccountCodes<T = Row>(erp: ErpTx): Promise<T[]> {
  const kod = ident('cha_kod');
  const ciro = ident('cha_ciro_cari_kodu');
  return erp.query<T>(sql`SELECT ${kod}, ${ciro}, COUNT(*) AS ${ident('n')} FROM ${ident('CARI_HESAP_HAREKETLERI')} GROUP BY ${kod}, ${ciro}`);
}

/** Which of the codes exist in CARI_HESAPLAR. */
export async function readExistingAccountCodes(erp: ErpTx, codes: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(codes)) {
    const rows = await erp.query<{ cari_kod: string }>(sql`SELECT ${ident('cari_kod')} FROM ${ident('CARI_HESAPLAR')} WHERE ${ident('cari_kod')} IN (${inList(part)})`);
    for (const r of rows) out.add(String(r.cari_kod).trim());
  }
  return out;
}

/** Price lists that price at least one stock, with their names (create-price-mappings). */
export async function readPricedLists(erp: ErpTx): Promise<{ listNo: number; name: string }[]> {
  const used = await erp.query<{ n: number }>(
    sql`SELECT DISTINCT ${ident('sfiyat_listesirano')} AS ${ident('n')} FROM ${ident('STOK_SATIS_FIYAT_LISTELERI')} WHERE ${ident('sfiyat_fiyati')} > 0`,
  );
  const names = await erp.query<{ sfl_sirano: number; sfl_aciklama: string }>(
    sql`SELECT ${ident('sfl_sirano')}, ${ident('sfl_aciklama')} FROM ${ident('STOK_SATIS_FIYAT_LISTE_TANIMLARI')}`,
  );
  const nameOf = new Map(names.map((r) => [Number(r.sfl_sirano), String(r.sfl_aciklama ?? '').trim()]));
  return used
    .map((r) => Number(r.n))
    .filter((n) => n > 0)
    .sort((a, b) => a - b)
    .map((listNo) => ({ listNo, name: nameOf.get(listNo) ?? '' }));
}
