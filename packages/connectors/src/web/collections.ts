/** Web reads and writes of the collections flow (tahsilatlar). */
import type { WebCollection } from '@mikrosync/core';
import { inlineParams, type WebPool } from './pool.js';
import { tableColumns } from './lookups.js';
import { readWithOutbox, syncWriteSettling, type OutboxSettlement } from './outbox.js';

export interface CodeLookup {
  code: string | undefined;
  name: string | undefined;
}

export interface LoadedCollection {
  row: WebCollection;
  account: CodeLookup;
  cash: CodeLookup;
  bank: CodeLookup & { erpGroup: number | null };
}

/** The columns the loader adds to the tahsilatlar row: the codes its foreign keys resolve to. */
interface ResolvedCodeColumns {
  _account_code: unknown;
  _account_name: unknown;
  _cash_code: unknown;
  _cash_name: unknown;
  _bank_code: unknown;
  _bank_name: unknown;
  _bank_group: number | null;
}

const trimmed = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * The collection with its account, cash box and bank resolved to ERP codes (map table first, then
 * the code column of the web table; spec rule 17), in one round trip with its newest open outbox
 * event when asked.
 */
export async function loadCollection(pool: WebPool, id: string, outbox?: OutboxSettlement): Promise<LoadedCollection | undefined> {
  const sql = inlineParams(
    `SELECT t.*,
            coalesce(mc.erp_cari_kod, c.cari_kodu) AS _account_code, c.cari_adi AS _account_name,
            coalesce(mk.erp_kasa_kod, k.kasa_kodu) AS _cash_code, k.kasa_adi AS _cash_name,
            coalesce(mb.erp_banka_kod, b.ban_kod) AS _bank_code, b.banka_adi AS _bank_name, b.erp_grup_no AS _bank_group
       FROM tahsilatlar t
       LEFT JOIN int_kodmap_cari mc ON mc.web_cari_id = t.cari_hesap_id
       LEFT JOIN cari_hesaplar c ON c.id = t.cari_hesap_id
       LEFT JOIN int_kodmap_kasa mk ON mk.web_kasa_id = t.kasa_id
       LEFT JOIN kasalar k ON k.id = t.kasa_id
       LEFT JOIN int_kodmap_banka mb ON mb.web_banka_id = t.banka_id
       LEFT JOIN bankalar b ON b.id = t.banka_id
      WHERE t.id = $1`,
    [id],
  );
  const [res] = await readWithOutbox(pool, [sql], outbox);
  const found: (WebCollection & ResolvedCodeColumns) | undefined = res!.rows[0];
  if (!found) return undefined;
  const { _account_code, _account_name, _cash_code, _cash_name, _bank_code, _bank_name, _bank_group, ...row } = found;
  return {
    row,
    account: { code: trimmed(_account_code), name: trimmed(_account_name) },
    cash: { code: trimmed(_cash_code), name: trimmed(_cash_name) },
    bank: { code: trimmed(_bank_code), name: trimmed(_bank_name), erpGroup: _bank_group ?? null },
  };
}

export interface PostedCollection {
  webId: string;
  evrakTip: number;
  series: string;
  number: number;
  headerRecno: number;
  refno: string | undefined;
}

/**
 * After the ERP commit: the map row, the final number written back to the web row, and the web
 * app's provisional movement rows removed, and the record's outbox events read with it settled. One
 * web round trip, marked as the sync's own so the number write-back does not come back as a new job.
 * Idempotent: a retry rebuilds the same state.
 */
export async function recordPostedCollection(pool: WebPool, p: PostedCollection, outbox?: OutboxSettlement): Promise<void> {
  const cols = await tableColumns(pool, 'tahsilatlar');
  const belgeNo = cols.has('belge_no');
  // One statement (three data-modifying parts) in the marked batch: the capture trigger's WHEN
  // clause sees the sync's mark.
  await syncWriteSettling(
    pool,
    [
      inlineParams(
        `WITH map AS (
         INSERT INTO int_tahsilat_mapping (web_tahsilat_id, erp_evrak_tip, erp_evrak_seri, erp_evrak_no, erp_recno, erp_refno)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (web_tahsilat_id) DO UPDATE SET erp_evrak_tip = EXCLUDED.erp_evrak_tip, erp_evrak_seri = EXCLUDED.erp_evrak_seri,
           erp_evrak_no = EXCLUDED.erp_evrak_no, erp_recno = EXCLUDED.erp_recno, erp_refno = EXCLUDED.erp_refno
         RETURNING 1
       ), num AS (
         UPDATE tahsilatlar SET tahsilat_seri_no = $3, tahsilat_sira_no = $4${belgeNo ? ', belge_no = $3 || $4::text' : ''}
          WHERE id = $1 AND (tahsilat_seri_no IS DISTINCT FROM $3 OR tahsilat_sira_no IS DISTINCT FROM $4${belgeNo ? ' OR belge_no IS DISTINCT FROM $3 || $4::text' : ''})
         RETURNING 1
       ), provisional AS (
         -- The web app's provisional account movements of this collection (open question Q42): the
         -- ERP -> Web movement sync brings the real row with its ERP record number.
         DELETE FROM cari_hesap_hareketleri WHERE erp_recno IS NULL AND (referans_id = $1::uuid OR belge_no = $1::text)
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM map) AS mapped, (SELECT count(*) FROM num) AS renumbered, (SELECT count(*) FROM provisional) AS removed`,
        [p.webId, p.evrakTip, p.series, p.number, p.headerRecno, p.refno ?? null],
      ),
    ],
    outbox,
  );
}
