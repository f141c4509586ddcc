/**
 * Products deleted in Entegra (spec entegra.md 7.3, made safe): a mirror product whose id is no
 * longer in the SQLite product table is deleted from the mirror by id (not every product sharing its
 * code) and logged in entegra_product_delete, described from Entegra's delete_product log when it
 * has a row for it. delete_product is only read: its sync flag is Entegra's own (it drives the
 * removal from the marketplaces), so mikrosync never sets it as the original did.
 */
import { PermanentError, says } from '@mikrosync/core';
import {
  createKeyStage,
  openCopy,
  productsMissingFrom,
  quoteSqlite,
  type EntegraReader,
  type ProductDeletion,
  type WebClient,
} from '@mikrosync/connectors/entegra';
import { entegraTimestampOrNull, PICTURE_DELETE_MARK } from '@mikrosync/mappers';

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function findDeletedProducts(c: WebClient, reader: EntegraReader, source: string): Promise<ProductDeletion[]> {
  const ids = await reader.pluck<number>('product', 'id');
  const stage = await createKeyStage(c, 'product_ids');
  const sink = openCopy(c, stage, ['id']);
  for (let i = 0; i < ids.length; i += 10_000) await sink.write(ids.slice(i, i + 10_000).map((id) => `${Number(id)}\n`).join(''));
  await sink.end();
  const gone = await productsMissingFrom(c, stage);
  if (!gone.length) return [];
  if (!ids.length) {
    throw new PermanentError(`Entegra table product in ${source} is empty while the web mirror has ${gone.length} products: refusing to delete them all.`, {
      says: says('err.entegraFile', { path: source, detail: `product is empty while the web has ${gone.length} products` }),
      fix: 'check that ENTEGRA_DB_PATH points at the live Entegra database',
    });
  }
  const logged = new Map<number, Record<string, unknown>>();
  const cols = new Set((await reader.columns('delete_product'))?.map((col) => col.name) ?? []);
  if (['product_id', 'supplier', 'supplier_id', 'date_add'].every((n) => cols.has(n))) {
    const rows = await reader.all<Record<string, unknown>>(
      `SELECT product_id, supplier, supplier_id, date_add FROM ${quoteSqlite('delete_product')}
        WHERE product_id IN (SELECT value FROM json_each(?)) AND (supplier IS NULL OR supplier <> ?) ORDER BY rowid`,
      [JSON.stringify(gone.map((g) => g.id)), PICTURE_DELETE_MARK],
    );
    for (const r of rows) logged.set(Number(r.product_id), r);
  }
  return gone.map((g) => {
    const r = logged.get(g.id);
    return { id: g.id, supplier: text(r?.supplier), supplierId: text(r?.supplier_id), deletedAt: entegraTimestampOrNull(r?.date_add) };
  });
}
