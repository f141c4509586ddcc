/**
 * Web barcodes (urun_barkodlari) -> Mikro BARKOD_TANIMLARI (spec 3.11, rule 22). An insert adds
 * the barcode (or takes over the stock's own row of it), an edit updates the changed columns, a
 * web deletion cancels it (bar_iptal = 1) using the barcode value carried by the outbox DELETE
 * payload: the web row is gone by the time the job runs.
 */
import { ConflictError, PermanentError, says, type RecordJob, type RecordRef } from '@mikrosync/core';
import { findBarcodeByRecno, findBarcodeRows, insertWithRecid, updateRow, type Row } from '@mikrosync/connectors/erp';
import { loadBarcode, loadStockRef } from '@mikrosync/connectors/web';
import { barcodeCancel, barcodeUpdate, knownBarcodeType, newBarcodeRow, normalizeBarcode, stockCode, webText, type WebBarcodeRow } from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';
import { ASORTI_SKIPPED, cardLedger, requireStockCard, sentOf, upsertCard } from '../../posting/card.js';
import { stampOf } from '../../posting/checks.js';

const TABLE = 'urun_barkodlari';

const active = (r: Row) => Number(r.bar_iptal) === 0;
const stockOfRow = (r: Row) => String(r.bar_stokkodu ?? '').trim();

async function cancelDeleted(ctx: WorkerContext, job: RecordJob, record: RecordRef): Promise<string> {
  const { web, config, log } = ctx;
  const ledger = await cardLedger(ctx, TABLE, record.id);
  const posted = ledger?.status === 'posted' ? ledger : undefined;
  const old = job.deleted;
  const code = webText(old?.barkod) || (posted ? String(sentOf(posted)?.code ?? '') : '');
  if (!old && !posted) return 'gone from the web before it was processed: nothing to do';
  if (!code) {
    throw new PermanentError(`${TABLE} ${record.id} was deleted on the web, but the deletion carries no barcode value and mikrosync never sent it.`, {
      record,
      fix: 'cancel the barcode in Mikro by hand (bar_iptal = 1) if it exists there',
      says: says('err.barcodeDeletionWithoutValue'),
    });
  }
  const stockRef = old?.stok_id ? await loadStockRef(web, String(old.stok_id)) : undefined;
  if (old?.stok_id && !stockRef) {
    // Deleted with its stock card (ON DELETE CASCADE): Mikro keeps that card (its deletion is
    // reported as a conflict), so it keeps its barcodes too.
    return `barcode "${code}" was deleted together with its stock card: Mikro keeps the card and its barcodes`;
  }
  if (stockRef?.isAsorti) return ASORTI_SKIPPED;
  const stock = stockRef?.code ?? (posted ? String(sentOf(posted)?.stock ?? '') : '') ?? '';
  const cancelled = await upsertCard(ctx, { table: TABLE, id: record.id, locks: [{ kind: 'barcode', key: code }] }, async (tx, _ledger, writer) => {
    let targets: Row[];
    if (posted) {
      const mine = await findBarcodeByRecno(tx, posted.headerRecno);
      targets = mine && active(mine) ? [mine] : [];
    } else {
      const rows = (await findBarcodeRows(tx, code)).filter(active);
      targets = stock ? rows.filter((r) => stockOfRow(r) === stock) : rows;
      if (!stock && new Set(targets.map(stockOfRow)).size > 1) {
        throw new ConflictError(`${TABLE} ${record.id}: barcode "${code}" was deleted on the web, its stock is gone too, and Mikro has it on several stocks (${[...new Set(targets.map(stockOfRow))].join(', ')}); nothing was cancelled.`, {
          record,
          fix: 'cancel the right barcode row in Mikro by hand',
          says: says('err.barcodeOnSeveralStocks', { code, stocks: [...new Set(targets.map(stockOfRow))].join(', ') }),
        });
      }
    }
    const s = stampOf(config);
    for (const r of targets) await updateRow(tx, 'BARKOD_TANIMLARI', 'bar_RECno', Number(r.bar_RECno), barcodeCancel(s));
    if (posted) await writer.markDeleted(posted);
    return targets.length;
  });
  if (cancelled === 0) return `barcode "${code}" deleted on the web: no active row of it in Mikro, nothing to cancel`;
  log.info({ barcode: code, stockCode: stock || undefined, rows: cancelled }, 'barcode cancelled in Mikro after its web deletion');
  return `cancelled barcode "${code}" in Mikro (bar_iptal = 1)`;
}

export async function processBarcode(job: RecordJob, ctx: WorkerContext): Promise<string> {
  const { web, config, log } = ctx;
  const id = job.recordId;
  const record: RecordRef = { table: TABLE, id };
  const loaded = await loadBarcode(web, id);
  if (!loaded) return cancelDeleted(ctx, job, record);
  const row = loaded.row as WebBarcodeRow;
  if (!row.stok_id || !loaded.stock) {
    throw new PermanentError(`${TABLE} ${id}: barcode "${row.barkod ?? ''}" belongs to no stock card (stok_id ${row.stok_id ?? 'NULL'}).`, {
      record,
      fix: 'attach the barcode to a stock card on the web',
      says: says('err.noStockCard', { stockId: String(row.stok_id ?? 'NULL') }),
    });
  }
  if (loaded.stock.isAsorti) return ASORTI_SKIPPED;
  const stock = stockCode(loaded.stock.code, record);
  const b = normalizeBarcode(row, record);
  if (!knownBarcodeType(row.barkod_tipi)) log.warn({ barcode: b.code, barkodTipi: row.barkod_tipi }, 'unknown barcode type: sent as 0 (main)');

  const result = await upsertCard(ctx, { table: TABLE, id, locks: [{ kind: 'barcode', key: b.code }] }, async (tx, ledger, writer) => {
    const posted = ledger?.status === 'posted' ? ledger : undefined;
    await requireStockCard(tx, web, String(row.stok_id), stock, record, `barcode "${b.code}" is`);
    const rows = await findBarcodeRows(tx, b.code);
    let mine: Row | undefined;
    if (posted) {
      mine = await findBarcodeByRecno(tx, posted.headerRecno);
      if (!mine) {
        throw new ConflictError(`${TABLE} ${id}: barcode "${b.code}" was sent to Mikro (bar_RECno ${posted.headerRecno}) but that row is gone; it is not created again.`, {
          record,
          fix: 'add the barcode again in Mikro, or delete its ledger row (MIKROSYNC_LEDGER) to have it sent anew',
          says: says('err.barcodeGoneFromMikro', { code: b.code, recno: posted.headerRecno }),
        });
      }
    } else {
      // The stock's own row of this barcode (entered in Mikro, or cancelled earlier) is taken over.
      mine = rows.find((r) => stockOfRow(r) === stock && active(r)) ?? rows.find((r) => stockOfRow(r) === stock);
    }
    const clash = rows.find((r) => r !== mine && Number(r.bar_RECno) !== Number(mine?.bar_RECno) && active(r) && stockOfRow(r) !== stock);
    if (clash && b.cancelled === 0) {
      throw new PermanentError(`${TABLE} ${id}: barcode "${b.code}" is already in use in Mikro for stock "${stockOfRow(clash)}" (bar_RECno ${Number(clash.bar_RECno)}); it cannot also be given to stock "${stock}".`, {
        record,
        fix: `remove the barcode from one of the two stocks (cancel it in Mikro or change it on the web)`,
        says: says('err.barcodeInUse', { code: b.code, stock: stockOfRow(clash), recno: Number(clash.bar_RECno), target: stock }),
      });
    }
    const s = stampOf(config);
    let recno: number;
    let action: 'added' | 'updated' | 'unchanged';
    if (mine) {
      recno = Number(mine.bar_RECno);
      const set = barcodeUpdate(b, stock, mine, s);
      if (set) await updateRow(tx, 'BARKOD_TANIMLARI', 'bar_RECno', recno, set);
      action = set ? 'updated' : 'unchanged';
    } else {
      recno = await insertWithRecid(tx, 'BARKOD_TANIMLARI', 'bar', newBarcodeRow(b, stock, s));
      action = 'added';
    }
    const sent = { code: b.code, stock, type: b.type, cancelled: b.cancelled };
    await writer.save({ webTable: TABLE, webId: id, docKind: 'barcode', recno, rows: [{ table: 'BARKOD_TANIMLARI', recno }], sent }, action !== 'unchanged');
    return { action, recno };
  });
  if (result.action === 'unchanged') return `barcode "${b.code}" of stock "${stock}" (bar_RECno ${result.recno}): unchanged`;
  log.info({ barcode: b.code, stockCode: stock, barRecno: result.recno, action: result.action }, `barcode ${result.action} in Mikro`);
  return `${result.action} barcode "${b.code}" of stock "${stock}" (bar_RECno ${result.recno})`;
}
