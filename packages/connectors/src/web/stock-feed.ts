/**
 * Web reads and writes of the stock XML feed: pictures from the Entegra mirror (spec stock-xml.md
 * §1.2) for one page of products at a time, and the set-based `xmlurunler` upsert (§2).
 */
import { PermanentError, says, type XmlurunlerRow } from '@mikrosync/core';
import type { WebPool } from './pool.js';
import { withSyncTransaction } from './pool.js';

export interface FeedPicture {
  url: string | null;
  path: string | null;
}

/** True when both mirror tables exist (the Entegra sync creates them; a fresh install may not have them yet). */
export async function picturesMirrorExists(pool: WebPool): Promise<boolean> {
  const res = await pool.query<{ ok: boolean }>(
    "SELECT to_regclass('entegra_product') IS NOT NULL AND to_regclass('entegra_pictures') IS NOT NULL AS ok",
  );
  return res.rows[0]?.ok === true;
}

/**
 * Pictures of the given product codes, grouped by code, in the order of the spec (sort_order) with
 * the picture id as tie-breaker. Matching is exact on the code, as in the original.
 */
export async function readFeedPictures(pool: WebPool, codes: readonly string[]): Promise<Map<string, FeedPicture[]>> {
  const byCode = new Map<string, FeedPicture[]>();
  if (codes.length === 0) return byCode;
  const res = await pool.query<{ code: string; url: string | null; path: string | null }>(
    `SELECT p."productCode" AS code, pic.url, pic.path
       FROM entegra_product p
       JOIN entegra_pictures pic ON pic.product_id = p.id
      WHERE p."productCode" = ANY($1::text[])
      ORDER BY p."productCode", pic.sort_order, pic.id`,
    [codes],
  );
  for (const r of res.rows) {
    let list = byCode.get(r.code);
    if (!list) byCode.set(r.code, (list = []));
    list.push({ url: r.url, path: r.path });
  }
  return byCode;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

const RECORD = `r(product_id integer, product_code text, name text, brand text, alt_baslik text, alt_baslik2 text,
  barcode text, raf_numarasi text, mensei text, grup_kod text, ana_grup_kod text, stock integer,
  price numeric, "Price2" numeric, "Pricebayi" numeric, images text[])`;

// Columns compared to skip no-op updates (rows that did not change keep their updated_at).
const COMPARED = [
  'name',
  'brand',
  'alt_baslik',
  'alt_baslik2',
  'barcode',
  'raf_numarasi',
  'mensei',
  'grup_kod',
  'ana_grup_kod',
  'stock',
  'price',
  '"Price2"',
  '"Pricebayi"',
  'images',
];

const IMAGE_SLOTS = Array.from({ length: 9 }, (_, i) => i + 1);

const UPSERT = `
INSERT INTO xmlurunler AS x (product_id, product_code, ${COMPARED.join(', ')}, ${IMAGE_SLOTS.map((i) => `images${i}`).join(', ')}, updated_at)
SELECT r.product_id, r.product_code, ${COMPARED.map((c) => `r.${c}`).join(', ')}, ${IMAGE_SLOTS.map((i) => `r.images[${i}]`).join(', ')}, now()
  FROM jsonb_to_recordset($1::jsonb) AS ${RECORD}
ON CONFLICT (product_code) DO UPDATE SET
  -- A record number still held by another code's row stays where it is (UNIQUE (product_id)).
  product_id = CASE WHEN EXISTS (SELECT 1 FROM xmlurunler z WHERE z.product_id = EXCLUDED.product_id AND z.product_code <> EXCLUDED.product_code)
                    THEN x.product_id ELSE EXCLUDED.product_id END,
  ${COMPARED.map((c) => `${c} = EXCLUDED.${c}`).join(',\n  ')},
  ${IMAGE_SLOTS.map((i) => `images${i} = EXCLUDED.images${i}`).join(', ')},
  updated_at = now()
WHERE (x.product_id, ${COMPARED.map((c) => `x.${c}`).join(', ')})
      IS DISTINCT FROM (EXCLUDED.product_id, ${COMPARED.map((c) => `EXCLUDED.${c}`).join(', ')})
RETURNING (x.xmax = 0) AS inserted`;

// A stock card whose code changed in Mikro keeps its web row (satis_kalemleri refers to it): the
// row of its record number takes the new code, unless a row with that code exists already.
const RENAME = `
UPDATE xmlurunler x SET product_code = r.product_code, updated_at = now()
  FROM unnest($1::integer[], $2::text[]) AS r(product_id, product_code)
 WHERE x.product_id = r.product_id AND x.product_code <> r.product_code
   AND NOT EXISTS (SELECT 1 FROM xmlurunler y WHERE y.product_code = r.product_code)`;

const DATA_ERRORS = new Set(['23505', '23502', '23514', '22P02', '22003', '42P10', '42P01', '42703']);

/**
 * Upserts one batch in one transaction (two statements: renames, then INSERT ... ON CONFLICT).
 * Errors that a retry cannot fix (constraint, missing table or column) become PermanentErrors.
 */
export async function upsertXmlurunler(pool: WebPool, rows: readonly XmlurunlerRow[]): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const json = JSON.stringify(rows);
  try {
    return await withSyncTransaction(pool, async (client) => {
      await client.query(RENAME, [rows.map((r) => r.product_id), rows.map((r) => r.product_code)]);
      const res = await client.query<{ inserted: boolean }>(UPSERT, [json]);
      const inserted = res.rows.filter((r) => r.inserted).length;
      return { inserted, updated: res.rows.length - inserted, unchanged: rows.length - res.rows.length };
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code && DATA_ERRORS.has(code)) {
      const first = rows[0]?.product_code;
      const last = rows[rows.length - 1]?.product_code;
      const detail = (err as { detail?: string }).detail;
      throw new PermanentError(
        `xmlurunler upsert of ${rows.length} products ("${first}" .. "${last}") failed: ${(err as Error).message}${detail ? ` (${detail})` : ''}.`,
        {
          record: { table: 'xmlurunler', id: String(first) },
          says: says('err.feedUpsert', { count: rows.length, detail: `${(err as Error).message}${detail ? ` (${detail})` : ''}` }),
          fix:
            code === '42P10'
              ? 'xmlurunler needs UNIQUE (product_code): remove duplicate product_code rows, then run mikrosync migrate.'
              : 'correct the named rows (or the xmlurunler table), then run the feed again (npm run stock-xml).',
          cause: err,
        },
      );
    }
    throw err;
  }
}
