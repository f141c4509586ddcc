/** Web reads and writes of the invoice flows: sales (satislar), returns (iadeler), purchases (alislar). */
import type { InvoiceSource, WebInvoice, WebInvoiceLine } from '@mikrosync/core';
import { inlineParams, type WebPool } from './pool.js';
import { tableColumns } from './lookups.js';
import { readWithOutbox, syncWriteSettling, type OutboxSettlement } from './outbox.js';

export type InvoiceTable = InvoiceSource;

interface SourceSql {
  header: string;
  lines: string;
  map: { table: string; key: string };
}

const stockJoins = (alias: string) => `
  LEFT JOIN int_kodmap_stok ms ON ms.web_stok_id = ${alias}.stok_id
  LEFT JOIN stoklar st ON st.id = ${alias}.stok_id
  LEFT JOIN stoklar main ON main.id = st.ana_stok_id
  LEFT JOIN int_kodmap_stok mm ON mm.web_stok_id = st.ana_stok_id`;
const stockColumns = `coalesce(ms.erp_stok_kod, st.stok_kodu) AS stock_code, st.is_asorti, coalesce(mm.erp_stok_kod, main.stok_kodu) AS main_stock_code`;
const codeColumns = (acc: string, cash: string, bank: string) => `
  coalesce(mc.erp_cari_kod, c.cari_kodu) AS _account_code, c.cari_adi AS _account_name,
  ${cash} AS _cash_code, ${bank} AS _bank_code`;
const codeJoins = (account: string, kasa: string, banka: string) => `
  LEFT JOIN int_kodmap_cari mc ON mc.web_cari_id = ${account}
  LEFT JOIN cari_hesaplar c ON c.id = ${account}
  LEFT JOIN int_kodmap_kasa mk ON mk.web_kasa_id = ${kasa}
  LEFT JOIN kasalar k ON k.id = ${kasa}
  LEFT JOIN int_kodmap_banka mb ON mb.web_banka_id = ${banka}
  LEFT JOIN bankalar b ON b.id = ${banka}`;

const SOURCES: Record<InvoiceTable, SourceSql> = {
  satislar: {
    header: `SELECT h.*, ${codeColumns('h.cari_hesap_id', 'coalesce(mk.erp_kasa_kod, k.kasa_kodu)', 'coalesce(mb.erp_banka_kod, b.ban_kod)')}
               FROM satislar h ${codeJoins('h.cari_hesap_id', 'h.kasa_id', 'h.banka_id')} WHERE h.id = $1`,
    lines: `SELECT l.*, ${stockColumns} FROM satis_kalemleri l ${stockJoins('l')} WHERE l.satis_id = $1 ORDER BY l.sira_no, l.id`,
    map: { table: 'int_satis_mapping', key: 'web_satis_id' },
  },
  // A return is closed like the sale it returns: its cash box or bank come from that sale.
  iadeler: {
    header: `SELECT h.*, ${codeColumns('h.cari_hesap_id', 'coalesce(mk.erp_kasa_kod, k.kasa_kodu)', 'coalesce(mb.erp_banka_kod, b.ban_kod)')}
               FROM iadeler h LEFT JOIN satislar s ON s.id = h.satis_id ${codeJoins('h.cari_hesap_id', 's.kasa_id', 's.banka_id')} WHERE h.id = $1`,
    lines: `SELECT l.*, ${stockColumns} FROM iade_kalemleri l ${stockJoins('l')} WHERE l.iade_id = $1 ORDER BY l.sira_no, l.id`,
    map: { table: 'int_iade_mapping', key: 'web_iade_id' },
  },
  alislar: {
    header: `SELECT h.*, ${codeColumns('h.tedarikci_id', 'coalesce(mk.erp_kasa_kod, k.kasa_kodu, nullif(h.kasa_kodu, \'\'))', 'coalesce(mb.erp_banka_kod, b.ban_kod, nullif(h.banka_kodu, \'\'))')}
               FROM alislar h ${codeJoins('h.tedarikci_id', 'h.kasa_id', 'h.banka_id')} WHERE h.id = $1`,
    lines: `SELECT l.*, ${stockColumns} FROM alis_kalemleri l ${stockJoins('l')} WHERE l.alis_id = $1 ORDER BY l.sira_no, l.id`,
    map: { table: 'int_alis_mapping', key: 'web_alis_id' },
  },
};

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * The document (header and lines) in one round trip, with its newest open outbox event when asked;
 * lines carry their stock resolved to ERP codes (the line query's own columns).
 */
export async function loadInvoice(pool: WebPool, table: InvoiceTable, id: string, outbox?: OutboxSettlement): Promise<WebInvoice | undefined> {
  const src = SOURCES[table];
  const [head, lines] = await readWithOutbox(pool, [inlineParams(src.header, [id]), inlineParams(src.lines, [id])], outbox);
  const r = head!.rows[0] as Record<string, unknown> | undefined;
  if (!r) return undefined;
  const row: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!k.startsWith('_')) row[k] = v;
  const webLines: WebInvoiceLine[] = lines!.rows;
  return {
    source: table,
    row,
    lines: webLines,
    accountCode: text(r._account_code),
    accountName: text(r._account_name),
    cashCode: text(r._cash_code),
    bankCode: text(r._bank_code),
  };
}

export interface PostedInvoice {
  table: InvoiceTable;
  webId: string;
  series: string;
  number: number;
}

/**
 * After the ERP commit, in one web round trip marked as the sync's own: the document map, the final
 * number on the web row, the web app's provisional movements removed (open question Q42), and the
 * record's outbox events read with the document settled.
 */
export async function recordPostedInvoice(pool: WebPool, p: PostedInvoice, outbox?: OutboxSettlement): Promise<void> {
  const src = SOURCES[p.table];
  const cols = await tableColumns(pool, p.table);
  const sets = ['fatura_seri_no = $2', 'fatura_sira_no = $3'];
  // A purchase's belge_no is the supplier's number: only sales and returns get ours there.
  if (p.table !== 'alislar' && cols.has('belge_no')) sets.push('belge_no = $2 || $3::text');
  if (cols.has('erp_aktarildi')) sets.push('erp_aktarildi = true');
  if (cols.has('erp_evrak_seri')) sets.push('erp_evrak_seri = $2', 'erp_evrak_no = $3', 'erp_aktarim_tarihi = now()');
  const stockHasRef = (await tableColumns(pool, 'stok_hareketleri')).has('referans_id');
  await syncWriteSettling(
    pool,
    [
      inlineParams(
        `WITH map AS (
         INSERT INTO ${src.map.table} (${src.map.key}, erp_evrak_seri, erp_evrak_no) VALUES ($1, $2, $3)
         ON CONFLICT (${src.map.key}) DO UPDATE SET erp_evrak_seri = EXCLUDED.erp_evrak_seri, erp_evrak_no = EXCLUDED.erp_evrak_no
         RETURNING 1
       ), num AS (
         UPDATE ${p.table} SET ${sets.join(', ')}
          WHERE id = $1 AND (fatura_seri_no IS DISTINCT FROM $2 OR fatura_sira_no IS DISTINCT FROM $3)
         RETURNING 1
       ), moves AS (
         DELETE FROM cari_hesap_hareketleri WHERE erp_recno IS NULL AND (referans_id = $1::uuid OR belge_no = $1::text)
         RETURNING 1
       ), stock AS (
         DELETE FROM stok_hareketleri WHERE erp_recno IS NULL AND (${stockHasRef ? 'referans_id = $1::uuid OR ' : ''}belge_no = $1::text)
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM map) + (SELECT count(*) FROM num) + (SELECT count(*) FROM moves) + (SELECT count(*) FROM stock) AS n`,
        [p.webId, p.series, p.number],
      ),
    ],
    outbox,
  );
}

/** After the ERP rows of a deleted web document were removed: its map row goes too. */
export async function removeInvoiceMapping(pool: WebPool, table: InvoiceTable, webId: string): Promise<void> {
  const src = SOURCES[table];
  await pool.query(`DELETE FROM ${src.map.table} WHERE ${src.map.key} = $1`, [webId]);
}
