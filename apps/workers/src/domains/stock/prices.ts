/**
 * Web price edits (urun_fiyat_listeleri) -> Mikro STOK_SATIS_FIYAT_LISTELERI, for the list mapped in
 * int_kodmap_fiyat_liste, depot 0 and payment plan 0 (spec 2.6, rule 24): the row the client
 * itself inserts for a stock (`yeni-urun-ekleme`) and updates (`urun-guncelle`).
 */
import { PermanentError, says, type RecordJob, type RecordRef } from '@mikrosync/core';
import { findPriceRow, insertWithRecid, updateRow } from '@mikrosync/connectors/erp';
import { loadPrice } from '@mikrosync/connectors/web';
import { checkedPrice, newPriceRow, priceUpdate, stockCode, webNumber } from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';
import { ASORTI_SKIPPED, requireStockCard, upsertCard } from '../../posting/card.js';
import { stampOf } from '../../posting/checks.js';

const TABLE = 'urun_fiyat_listeleri';

export async function processPrice(job: RecordJob, ctx: WorkerContext): Promise<string> {
  const { web, config, log } = ctx;
  const id = job.recordId;
  const record: RecordRef = { table: TABLE, id };
  const loaded = await loadPrice(web, id);
  if (!loaded) {
    if (!job.deleted) return 'gone from the web before it was processed: nothing to do';
    log.warn({ stokId: job.deleted.stok_id, fiyatTanimiId: job.deleted.fiyat_tanimi_id }, 'price deleted on the web: Mikro keeps its price row');
    return 'price deleted on the web: Mikro keeps its price row (prices are never deleted by mikrosync)';
  }
  const row = loaded.row;
  if (!row.stok_id || !loaded.stock) {
    throw new PermanentError(`${TABLE} ${id}: the price belongs to no stock card (stok_id ${String(row.stok_id ?? 'NULL')}).`, {
      record,
      fix: 'attach the price to a stock card on the web',
      says: says('err.noStockCard', { stockId: String(row.stok_id ?? 'NULL') }),
    });
  }
  if (loaded.stock.isAsorti) return ASORTI_SKIPPED;
  const code = stockCode(loaded.stock.code, record);
  const list = loaded.listNo;
  if (list === null) {
    throw new PermanentError(
      `${TABLE} ${id}: price list ${String(row.fiyat_tanimi_id)}${loaded.listName ? ` (${loaded.listName})` : ''} has no Mikro list number in int_kodmap_fiyat_liste.`,
      { record, fix: `add a row to int_kodmap_fiyat_liste (web_fiyat_tanimi_id = ${String(row.fiyat_tanimi_id)}, erp_liste_no = <Mikro sfl_sirano>), then re-enqueue`, mapping: { kind: 'priceList', webCode: String(row.fiyat_tanimi_id) } },
    );
  }
  const price = checkedPrice(webNumber(row.fiyat) ?? 0, 'price (fiyat)', record);

  const result = await upsertCard(ctx, { table: TABLE, id, locks: [{ kind: 'price', key: `${code}|${list}` }] }, async (tx, _ledger, writer) => {
    await requireStockCard(tx, web, String(row.stok_id), code, record, `a list ${list} price is`);
    const current = await findPriceRow(tx, code, list);
    const s = stampOf(config);
    let recno: number;
    let action: 'added' | 'updated' | 'unchanged' = 'unchanged';
    if (current) {
      recno = Number(current.sfiyat_RECno);
      if (Math.abs(Number(current.sfiyat_fiyati) - price) >= 0.00005) {
        await updateRow(tx, 'STOK_SATIS_FIYAT_LISTELERI', 'sfiyat_RECno', recno, priceUpdate(price, s));
        action = 'updated';
      }
    } else {
      recno = await insertWithRecid(tx, 'STOK_SATIS_FIYAT_LISTELERI', 'sfiyat', newPriceRow(code, list, price, s));
      action = 'added';
    }
    const sent = { stock: code, list, price };
    await writer.save({ webTable: TABLE, webId: id, docKind: 'price', recno, rows: [{ table: 'STOK_SATIS_FIYAT_LISTELERI', recno }], sent }, action !== 'unchanged');
    return { action, recno };
  });
  if (result.action === 'unchanged') return `list ${list} price of "${code}" is already ${price} in Mikro`;
  log.info({ stockCode: code, list, price, sfiyatRecno: result.recno, action: result.action }, `price ${result.action} in Mikro`);
  return `${result.action} list ${list} price ${price} of "${code}" (sfiyat_RECno ${result.recno})`;
}
