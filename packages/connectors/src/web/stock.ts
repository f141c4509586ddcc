/**
 * Web reads and writes of the stock domain (web -> Mikro): stock cards, barcodes, prices, stock
 * movements and web-made accounts. Stock codes resolve map table first, then the card's own code
 * (spec rule 17). Writes back into captured tables are marked as the sync's own (no echo).
 */
import { inlineParams, withSyncTransaction, type WebPool } from './pool.js';
import { readWithOutbox, syncWriteSettling, type OutboxSettlement } from './outbox.js';

/** A web stock as the other flows see it: its ERP code and whether it is an assortment variant. */
export interface WebStockRef {
  code: string | null;
  isAsorti: boolean;
  /** The main stock's code, for an assortment variant. */
  mainCode: string | null;
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

const stockSelect = (idParam: string) => `
  SELECT coalesce(ms.erp_stok_kod, st.stok_kodu) AS code, coalesce(st.is_asorti, false) AS is_asorti,
         coalesce(mm.erp_stok_kod, main.stok_kodu) AS main_code
    FROM stoklar st
    LEFT JOIN int_kodmap_stok ms ON ms.web_stok_id = st.id
    LEFT JOIN stoklar main ON main.id = st.ana_stok_id
    LEFT JOIN int_kodmap_stok mm ON mm.web_stok_id = st.ana_stok_id
   WHERE st.id = ${idParam}`;

function stockRef(r: Record<string, unknown> | undefined): WebStockRef | undefined {
  if (!r) return undefined;
  return { code: text(r.code), isAsorti: r.is_asorti === true, mainCode: text(r.main_code) };
}

/** The web stock by id (undefined when it no longer exists). */
export async function loadStockRef(pool: WebPool, stokId: string): Promise<WebStockRef | undefined> {
  const res = await pool.query(stockSelect('$1::uuid'), [stokId]);
  return stockRef(res.rows[0]);
}

export interface LoadedStockCard {
  row: Record<string, unknown>;
  /** int_kodmap_stok.erp_stok_kod, else stok_kodu. */
  code: string | null;
}

export async function loadStockCard(pool: WebPool, id: string): Promise<LoadedStockCard | undefined> {
  const res = await pool.query(
    `SELECT st.*, coalesce(ms.erp_stok_kod, st.stok_kodu) AS _code
       FROM stoklar st LEFT JOIN int_kodmap_stok ms ON ms.web_stok_id = st.id
      WHERE st.id = $1::uuid`,
    [id],
  );
  const r = res.rows[0] as Record<string, unknown> | undefined;
  if (!r) return undefined;
  const { _code, ...row } = r;
  return { row, code: text(_code) };
}

/**
 * Whether a web stock card still has an open outbox event: its own job has not finished, so a
 * barcode, price or movement of it waits ("not ready") instead of failing.
 */
export async function stockCardPending(pool: WebPool, stokId: string): Promise<boolean> {
  const res = await pool.query(
    `SELECT 1 FROM sync_outbox WHERE table_name = 'stoklar' AND record_id = $1 AND status IN ('pending', 'enqueued') LIMIT 1`,
    [stokId],
  );
  return (res.rowCount ?? 0) > 0;
}

/** After a new card reached Mikro: the stock map (spec 4.1), pointing the code at this web card. */
export async function recordStockMap(pool: WebPool, webStokId: string, code: string): Promise<void> {
  await withSyncTransaction(pool, async (client) => {
    // web stoklar.stok_kodu is unique: a stale map row of the code belongs to a card that is gone.
    await client.query('DELETE FROM int_kodmap_stok WHERE erp_stok_kod = $2 AND web_stok_id <> $1::uuid', [webStokId, code]);
    await client.query(
      `INSERT INTO int_kodmap_stok (web_stok_id, erp_stok_kod, sync_date) VALUES ($1::uuid, $2, now())
       ON CONFLICT (web_stok_id) DO UPDATE SET erp_stok_kod = EXCLUDED.erp_stok_kod, sync_date = now()
       WHERE int_kodmap_stok.erp_stok_kod IS DISTINCT FROM EXCLUDED.erp_stok_kod`,
      [webStokId, code],
    );
  });
}

export interface LoadedWithStock {
  row: Record<string, unknown>;
  stock: WebStockRef | undefined;
}

export async function loadBarcode(pool: WebPool, id: string): Promise<LoadedWithStock | undefined> {
  const res = await pool.query('SELECT * FROM urun_barkodlari WHERE id = $1::uuid', [id]);
  const row = res.rows[0] as Record<string, unknown> | undefined;
  if (!row) return undefined;
  return { row, stock: row.stok_id ? await loadStockRef(pool, String(row.stok_id)) : undefined };
}

export interface LoadedPrice extends LoadedWithStock {
  /** int_kodmap_fiyat_liste.erp_liste_no of the row's price definition; null when unmapped. */
  listNo: number | null;
  listName: string | null;
}

export async function loadPrice(pool: WebPool, id: string): Promise<LoadedPrice | undefined> {
  const res = await pool.query(
    `SELECT p.*, m.erp_liste_no AS _list_no, d.fiyat_adi AS _list_name
       FROM urun_fiyat_listeleri p
       LEFT JOIN int_kodmap_fiyat_liste m ON m.web_fiyat_tanimi_id = p.fiyat_tanimi_id
       LEFT JOIN fiyat_tanimlari d ON d.id = p.fiyat_tanimi_id
      WHERE p.id = $1::uuid`,
    [id],
  );
  const r = res.rows[0] as Record<string, unknown> | undefined;
  if (!r) return undefined;
  const { _list_no, _list_name, ...row } = r;
  return {
    row,
    stock: row.stok_id ? await loadStockRef(pool, String(row.stok_id)) : undefined,
    listNo: _list_no === null || _list_no === undefined ? null : Number(_list_no),
    listName: text(_list_name),
  };
}

/** The movement and its stock in one round trip, with its newest open outbox event when asked. */
export async function loadMovement(pool: WebPool, id: string, outbox?: OutboxSettlement): Promise<LoadedWithStock | undefined> {
  const [res, stock] = await readWithOutbox(
    pool,
    [
      inlineParams('SELECT * FROM stok_hareketleri WHERE id = $1::uuid', [id]),
      inlineParams(stockSelect('(SELECT stok_id FROM stok_hareketleri WHERE id = $1::uuid)'), [id]),
    ],
    outbox,
  );
  const row = res!.rows[0] as Record<string, unknown> | undefined;
  if (!row) return undefined;
  return { row, stock: row.stok_id ? stockRef(stock!.rows[0]) : undefined };
}

/**
 * After the slip's ERP commit: its record number (and final number) on the web row, as the sync's
 * own write, with the record's outbox events read with it settled, in one round trip. Only a row
 * still without erp_recno is touched; idempotent for a retry.
 */
export async function recordMovementPosted(pool: WebPool, p: { webId: string; recno: number; series: string; number: number }, outbox?: OutboxSettlement): Promise<void> {
  await syncWriteSettling(
    pool,
    [
      inlineParams(
        `UPDATE stok_hareketleri SET erp_recno = $2, fatura_seri_no = $3, fatura_sira_no = $4::text
          WHERE id = $1::uuid AND (erp_recno IS NULL OR erp_recno = 0)`,
        [p.webId, p.recno, p.series, p.number],
      ),
    ],
    outbox,
  );
}

export async function loadCustomer(pool: WebPool, id: string): Promise<Record<string, unknown> | undefined> {
  const res = await pool.query('SELECT * FROM cari_hesaplar WHERE id = $1::uuid', [id]);
  return res.rows[0] as Record<string, unknown> | undefined;
}
