/**
 * Web reads and writes of the smaller catalog jobs: document number settings (spec 2.13),
 * create-price-mappings (4.5) and fix-cari (4.6).
 */
import type pg from 'pg';
import type { WebPool } from './pool.js';

export async function readNumberSettings(pool: WebPool): Promise<Record<string, unknown>[]> {
  const res = await pool.query('SELECT * FROM user_fatura_ayarlari ORDER BY id');
  return res.rows as Record<string, unknown>[];
}

const NUMBER_COLUMN = /^[a-z0-9_]+_sira_no$/;

/** Writes the changed next-number columns of one settings row (names checked: they become SQL). */
export async function updateNumberSettings(client: pg.PoolClient, id: string, patch: Record<string, number | string>): Promise<void> {
  const cols = Object.keys(patch);
  if (!cols.length) return;
  for (const c of cols) if (!NUMBER_COLUMN.test(c)) throw new Error(`not a number column of user_fatura_ayarlari: ${c}`);
  const set = cols.map((c, i) => `${c} = $${i + 2}`).join(', ');
  await client.query(`UPDATE user_fatura_ayarlari SET ${set}, updated_at = now() WHERE id = $1`, [id, ...cols.map((c) => patch[c])]);
}

export async function readPriceDefinitions(pool: WebPool): Promise<{ id: string; sira_no: number | null; fiyat_adi: string }[]> {
  const res = await pool.query<{ id: string; sira_no: number | null; fiyat_adi: string }>('SELECT id, sira_no, fiyat_adi FROM fiyat_tanimlari ORDER BY olusturma_tarihi, id');
  return res.rows;
}

export async function readPriceListMappings(pool: WebPool): Promise<Map<number, string>> {
  const res = await pool.query<{ erp_liste_no: number; web_fiyat_tanimi_id: string }>('SELECT erp_liste_no, web_fiyat_tanimi_id FROM int_kodmap_fiyat_liste');
  return new Map(res.rows.map((r) => [Number(r.erp_liste_no), r.web_fiyat_tanimi_id]));
}

/** Creates a price definition for an ERP list that has none (as the original did). */
export async function createPriceDefinition(client: pg.PoolClient, listNo: number, name: string): Promise<string> {
  const res = await client.query<{ id: string }>(
    `INSERT INTO fiyat_tanimlari (fiyat_adi, aciklama, sira_no, aktif) VALUES ($1, $2, $3, true) RETURNING id`,
    [name, `ERP Liste No: ${listNo}`, listNo],
  );
  return res.rows[0]!.id;
}

/** Maps ERP list `listNo` to a definition, replacing whatever either side was mapped to before. */
export async function mapPriceList(client: pg.PoolClient, listNo: number, definitionId: string): Promise<void> {
  await client.query('DELETE FROM int_kodmap_fiyat_liste WHERE (erp_liste_no = $1 AND web_fiyat_tanimi_id <> $2) OR (web_fiyat_tanimi_id = $2 AND erp_liste_no <> $1)', [
    listNo,
    definitionId,
  ]);
  await client.query(
    `INSERT INTO int_kodmap_fiyat_liste (web_fiyat_tanimi_id, erp_liste_no, aciklama, sync_date) VALUES ($1, $2, $3, now())
     ON CONFLICT (web_fiyat_tanimi_id) DO NOTHING`,
    [definitionId, listNo, `sira_no ${listNo}`],
  );
}

/** Which of the codes have a web account (by int_kodmap_cari or cari_kodu). */
export async function readWebAccountCodes(pool: WebPool, codes: readonly string[]): Promise<Set<string>> {
  const res = await pool.query<{ code: string }>(
    `SELECT x.code FROM unnest($1::text[]) x(code)
      WHERE EXISTS (SELECT 1 FROM int_kodmap_cari m JOIN cari_hesaplar c ON c.id = m.web_cari_id WHERE m.erp_cari_kod = x.code)
         OR EXISTS (SELECT 1 FROM cari_hesaplar c WHERE c.cari_kodu = x.code)`,
    [codes],
  );
  return new Set(res.rows.map((r) => r.code));
}

/**
 * Adds the missing int_kodmap_cari rows for web accounts whose code is a Mikro account code
 * (`erpCodes`, checked in CARI_HESAPLAR) — never for any other code.
 */
export async function addAccountMaps(client: pg.PoolClient, erpCodes: readonly string[]): Promise<number> {
  const res = await client.query(
    `INSERT INTO int_kodmap_cari (web_cari_id, erp_cari_kod, aciklama, sync_date)
     SELECT c.id, c.cari_kodu, 'fix-cari', now() FROM cari_hesaplar c
      WHERE c.cari_kodu = ANY ($1::text[])
        AND NOT EXISTS (SELECT 1 FROM int_kodmap_cari m WHERE m.web_cari_id = c.id OR m.erp_cari_kod = c.cari_kodu)`,
    [erpCodes],
  );
  return res.rowCount ?? 0;
}
