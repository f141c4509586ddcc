/**
 * Set-based writes of ERP account movements (spec 2.9) and stock movements (spec 2.10), upserted
 * on erp_recno. Rows whose account (account movements) or stock (stock movements) is not on the
 * web are not written and come back as `missing`, to be retried next run (trap 23).
 */
import type pg from 'pg';
import { mergeBatch, type RowOf, type WriteOptions } from './catalog-batch.js';
import type { ChildWrite } from './catalog-stocks.js';

/** Account code -> web account id, through int_kodmap_cari first (rule 17). */
const RESOLVE_ACCOUNT = (alias: string, codeExpr: string) => `
  LEFT JOIN int_kodmap_cari ${alias}_m ON ${alias}_m.erp_cari_kod = ${codeExpr}
  LEFT JOIN cari_hesaplar ${alias}_cm ON ${alias}_cm.id = ${alias}_m.web_cari_id
  LEFT JOIN cari_hesaplar ${alias}_c ON ${alias}_c.cari_kodu = ${codeExpr}`;
const ACCOUNT_ID = (alias: string) => `coalesce(${alias}_cm.id, ${alias}_c.id)`;

const ISKONTO = ['iskonto1', 'iskonto2', 'iskonto3', 'iskonto4', 'iskonto5', 'iskonto6'] as const;
const iskontoColumns = ISKONTO.map((name) => ({ name, type: 'numeric' }) as const);

export const ACCOUNT_MOVEMENT_SHAPE = {
  name: 'cari_hareket',
  columns: [
    { name: 'erp_recno', type: 'bigint' },
    { name: 'cari_kodu', type: 'text' },
    { name: 'islem_tarihi', type: 'timestamp' },
    { name: 'belge_no', type: 'text' },
    { name: 'fatura_seri_no', type: 'text' },
    { name: 'fatura_sira_no', type: 'text' },
    { name: 'tutar', type: 'numeric' },
    { name: 'aciklama', type: 'text' },
    { name: 'hareket_tipi', type: 'text' },
    { name: 'hareket_turu', type: 'text' },
    { name: 'cha_kasa_hizkod', type: 'text' },
    { name: 'banka_kodu', type: 'text' },
    { name: 'kasa_kodu', type: 'text' },
    { name: 'cha_tpoz', type: 'int' },
    { name: 'cha_cari_cins', type: 'int' },
    { name: 'cha_grupno', type: 'int' },
    { name: 'vade_tarihi', type: 'date' },
    { name: 'cek', type: 'bool' },
    { name: 'senet', type: 'bool' },
    ...iskontoColumns,
  ],
} as const;
export type AccountMovementInput = RowOf<typeof ACCOUNT_MOVEMENT_SHAPE>;

const ACCOUNT_MOVEMENT_DATA = [
  'cari_hesap_id', 'islem_tarihi', 'belge_no', 'fatura_seri_no', 'fatura_sira_no', 'tutar', 'aciklama', 'hareket_tipi', 'hareket_turu',
  'cha_kasa_hizkod', 'banka_kodu', 'kasa_kodu', 'cha_tpoz', 'cha_cari_cins', 'cha_grupno', 'vade_tarihi', 'cek', 'senet', ...ISKONTO,
];

export async function writeAccountMovements(client: pg.PoolClient, rows: readonly AccountMovementInput[], o: WriteOptions): Promise<ChildWrite> {
  if (!rows.length) return { written: 0, missing: [] };
  const set = ACCOUNT_MOVEMENT_DATA.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const r = await mergeBatch<typeof ACCOUNT_MOVEMENT_SHAPE, { written: string; missing: string[] }>(
    client,
    ACCOUNT_MOVEMENT_SHAPE,
    rows,
    o.method,
    [o.timeZone],
    (from) => `
    WITH src AS (SELECT * FROM ${from}),
    r AS (SELECT src.*, ${ACCOUNT_ID('a')} AS cari_hesap_id FROM src ${RESOLVE_ACCOUNT('a', 'src.cari_kodu')}),
    up AS (
      INSERT INTO cari_hesap_hareketleri AS t (erp_recno, cha_recno, ${ACCOUNT_MOVEMENT_DATA.join(', ')}, belge_tipi, onceki_bakiye, sonraki_bakiye, guncelleme_tarihi)
      SELECT erp_recno, erp_recno, cari_hesap_id, islem_tarihi AT TIME ZONE $1, belge_no, fatura_seri_no, fatura_sira_no, tutar, aciklama, hareket_tipi,
             hareket_turu, cha_kasa_hizkod, banka_kodu, kasa_kodu, cha_tpoz, cha_cari_cins, cha_grupno, vade_tarihi, cek, senet, ${ISKONTO.join(', ')},
             'fatura', 0, 0, now()
        FROM r WHERE cari_hesap_id IS NOT NULL
      ON CONFLICT (erp_recno) DO UPDATE SET ${set}, cha_recno = EXCLUDED.cha_recno, guncelleme_tarihi = EXCLUDED.guncelleme_tarihi
      WHERE (${ACCOUNT_MOVEMENT_DATA.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${ACCOUNT_MOVEMENT_DATA.map((c) => `EXCLUDED.${c}`).join(', ')})
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM up) AS written, (SELECT coalesce(array_agg(erp_recno), '{}') FROM r WHERE cari_hesap_id IS NULL) AS missing`,
  );
  return { written: Number(r.written), missing: r.missing.map((k) => ({ key: Number(k), reason: 'account not on the web' })) };
}

export const STOCK_MOVEMENT_SHAPE = {
  name: 'stok_hareket',
  columns: [
    { name: 'erp_recno', type: 'bigint' },
    { name: 'stok_kodu', type: 'text' },
    { name: 'cari_kodu', type: 'text' },
    { name: 'islem_tarihi', type: 'timestamp' },
    { name: 'belge_no', type: 'text' },
    { name: 'fatura_seri_no', type: 'text' },
    { name: 'fatura_sira_no', type: 'text' },
    { name: 'miktar', type: 'int' },
    { name: 'toplam_tutar', type: 'numeric' },
    { name: 'kdv_orani', type: 'numeric' },
    { name: 'kdv_tutari', type: 'numeric' },
    { name: 'fat_recid_recno', type: 'int' },
    { name: 'hareket_tipi', type: 'text' },
    { name: 'belge_tipi', type: 'text' },
    ...iskontoColumns,
    { name: 'sth_isemri_gider_kodu', type: 'text' },
  ],
} as const;
export type StockMovementInput = RowOf<typeof STOCK_MOVEMENT_SHAPE>;

const STOCK_MOVEMENT_DATA = [
  'stok_id', 'cari_hesap_id', 'islem_tarihi', 'belge_no', 'fatura_seri_no', 'fatura_sira_no', 'miktar', 'toplam_tutar', 'kdv_orani', 'kdv_tutari',
  'fat_recid_recno', 'hareket_tipi', 'belge_tipi', ...ISKONTO, 'sth_isemri_gider_kodu',
];

export async function writeStockMovements(client: pg.PoolClient, rows: readonly StockMovementInput[], o: WriteOptions): Promise<ChildWrite> {
  if (!rows.length) return { written: 0, missing: [] };
  const set = STOCK_MOVEMENT_DATA.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
  const r = await mergeBatch<typeof STOCK_MOVEMENT_SHAPE, { written: string; missing: string[] }>(
    client,
    STOCK_MOVEMENT_SHAPE,
    rows,
    o.method,
    [o.timeZone],
    (from) => `
    WITH src AS (SELECT * FROM ${from}),
    r AS (
      SELECT src.*, p_s.id AS stok_id, ${ACCOUNT_ID('a')} AS cari_hesap_id
        FROM src
        LEFT JOIN stoklar p_s ON p_s.stok_kodu = src.stok_kodu
        ${RESOLVE_ACCOUNT('a', 'src.cari_kodu')}
    ),
    up AS (
      INSERT INTO stok_hareketleri AS t (erp_recno, ${STOCK_MOVEMENT_DATA.join(', ')}, onceki_miktar, sonraki_miktar, guncelleme_tarihi)
      SELECT erp_recno, stok_id, cari_hesap_id, islem_tarihi AT TIME ZONE $1, belge_no, fatura_seri_no, fatura_sira_no, miktar, toplam_tutar, kdv_orani,
             kdv_tutari, fat_recid_recno, hareket_tipi, belge_tipi, ${ISKONTO.join(', ')}, sth_isemri_gider_kodu, 0, 0, now()
        FROM r WHERE stok_id IS NOT NULL
      ON CONFLICT (erp_recno) DO UPDATE SET ${set}, guncelleme_tarihi = EXCLUDED.guncelleme_tarihi
      WHERE (${STOCK_MOVEMENT_DATA.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${STOCK_MOVEMENT_DATA.map((c) => `EXCLUDED.${c}`).join(', ')})
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM up) AS written, (SELECT coalesce(array_agg(erp_recno), '{}') FROM r WHERE stok_id IS NULL) AS missing`,
  );
  return { written: Number(r.written), missing: r.missing.map((k) => ({ key: Number(k), reason: 'stock not on the web' })) };
}
