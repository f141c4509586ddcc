/** Web-side look-ups and writes of the Entegra flows that are not plain table merges. */
import type pg from 'pg';
import { quotePg } from './pg-mirror.js';

/** Of these orders cancelled in Entegra, the ones the mirror lacks or does not show as cancelled. */
export async function ordersToCancel(c: pg.ClientBase, ids: readonly number[], status: string): Promise<number[]> {
  if (!ids.length) return [];
  const r = await c.query<{ id: number }>(
    `SELECT x AS id FROM unnest($1::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM entegra_order o WHERE o.id = x AND o.status = $2)`,
    [ids, status],
  );
  return r.rows.map((row) => Number(row.id));
}

/** Mirror products whose id is not in `keyStage` (the ids the SQLite product table has now). */
export async function productsMissingFrom(c: pg.ClientBase, keyStage: string): Promise<{ id: number; productCode: string | null }[]> {
  const r = await c.query<{ id: number; productCode: string | null }>(
    `SELECT p.id, p."productCode" FROM entegra_product p WHERE NOT EXISTS (SELECT 1 FROM ${quotePg(keyStage)} s WHERE s.id = p.id) ORDER BY p.id`,
  );
  return r.rows.map((row) => ({ id: Number(row.id), productCode: row.productCode }));
}

export interface ProductDeletion {
  id: number;
  supplier: string | null;
  supplierId: string | null;
  /** When Entegra logged the deletion (its naive local time), or null for now. */
  deletedAt: string | null;
}

/** Deletes the mirror products by id and logs each in entegra_product_delete; returns rows deleted. */
export async function deleteProducts(c: pg.ClientBase, rows: readonly ProductDeletion[]): Promise<number> {
  if (!rows.length) return 0;
  const r = await c.query(
    `WITH gone AS (DELETE FROM entegra_product WHERE id = ANY($1::bigint[]) RETURNING id, "productCode")
     INSERT INTO entegra_product_delete (product_id, product_code, supplier, supplier_id, deleted_at)
     SELECT g.id, g."productCode", x.supplier, x.supplier_id, coalesce(x.deleted_at, localtimestamp)
       FROM gone g LEFT JOIN unnest($1::bigint[], $2::text[], $3::text[], $4::timestamp[]) AS x(id, supplier, supplier_id, deleted_at) ON x.id = g.id`,
    [rows.map((d) => d.id), rows.map((d) => d.supplier), rows.map((d) => d.supplierId), rows.map((d) => d.deletedAt)],
  );
  return r.rowCount ?? 0;
}

/** The web's invoice_print of an order; undefined when the mirror has no such order. */
export async function webInvoicePrint(pool: pg.Pool | pg.ClientBase, orderId: number): Promise<number | null | undefined> {
  const r = await pool.query<{ invoice_print: number | string | null }>('SELECT invoice_print FROM entegra_order WHERE id = $1', [orderId]);
  if (!r.rowCount) return undefined;
  const v = r.rows[0]!.invoice_print;
  return v === null ? null : Number(v);
}
