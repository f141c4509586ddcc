/**
 * Web stock cards (stoklar) -> Mikro STOKLAR + list-1 price, exactly once (spec 3.10, rule 21).
 * A new card: the price row, then the card (the client's order, `yeni-urun-ekleme`), then our ledger
 * row, in one ERP transaction. An edit: only the edited columns and the last-update stamp
 * (`urun-guncelle`), judged against the values last sent (ledger) or the Mikro row itself.
 */
import { ConflictError, says, type RecordJob, type RecordRef } from '@mikrosync/core';
import { findPriceRow, findStockCard, insertWithRecid, updateRow, type ErpTx, type LedgerEntry } from '@mikrosync/connectors/erp';
import { loadStockCard, recordStockMap } from '@mikrosync/connectors/web';
import {
  MAIN_PRICE_LIST,
  newCardValues,
  newPriceRow,
  newStockCardRow,
  planFieldUpdate,
  PRICE_FIELD,
  priceUpdate,
  stockCardFields,
  stockCardUpdate,
  stockCode,
  webText,
  type WebStockCard,
} from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';
import { ASORTI_SKIPPED, sentOf, upsertCard } from '../../posting/card.js';
import { stampOf } from '../../posting/checks.js';

const TABLE = 'stoklar';

/** A card deleted on the web: Mikro keeps it (and the next ERP -> Web sync brings it back). */
async function deletedCard(ctx: WorkerContext, job: RecordJob, record: RecordRef): Promise<string> {
  const old = job.deleted;
  if (!old) return 'gone from the web before it was processed: nothing to do';
  if (old.is_asorti === true) return 'assortment variant deleted on the web: nothing in Mikro';
  const code = webText(old.stok_kodu);
  if (!code || !(await findStockCard(ctx.erp, code))) return 'deleted on the web and not in Mikro: nothing to do';
  throw new ConflictError(`${TABLE} ${record.id} (stock code "${code}") was deleted on the web; mikrosync never deletes Mikro stock cards, and the next ERP -> Web sync brings the card back.`, {
    record,
    fix: 'make the card passive (sto_pasif_fl) or delete it in Mikro if it should go',
    says: says('err.stockCardNotDeleted', { code }),
  });
}

function checkSameCode(ledger: LedgerEntry | undefined, code: string, record: RecordRef): void {
  const before = ledger ? sentOf(ledger)?._code : undefined;
  if (before !== undefined && before !== code) {
    throw new ConflictError(`${TABLE} ${record.id}: the stock code changed on the web from "${String(before)}" to "${code}" after the card was sent to Mikro; mikrosync does not rename Mikro cards.`, {
      record,
      fix: 'change the code back on the web, or rename the card in Mikro by hand and then in int_kodmap_stok',
      says: says('err.stockCodeRenamed', { before: String(before), code }),
    });
  }
}

export async function processStockCard(job: RecordJob, ctx: WorkerContext): Promise<string> {
  const { web, config, log } = ctx;
  const id = job.recordId;
  const record: RecordRef = { table: TABLE, id };
  const loaded = await loadStockCard(web, id);
  if (!loaded) return deletedCard(ctx, job, record);
  const row = loaded.row as WebStockCard;
  if (row.is_asorti === true) return ASORTI_SKIPPED;
  const code = stockCode(loaded.code, record);
  const opts = { units: config.stock.units, defaults: config.stock.cardDefaults };
  const fields = stockCardFields(opts);

  // The list-1 price row is also written by price jobs: the same lock as theirs.
  const locks = [{ kind: 'stock', key: code }, { kind: 'price', key: `${code}|${MAIN_PRICE_LIST}` }];
  const result = await upsertCard(ctx, { table: TABLE, id, locks }, async (tx: ErpTx, ledger, writer) => {
    checkSameCode(ledger, code, record);
    const posted = ledger?.status === 'posted' ? ledger : undefined;
    const card = await findStockCard(tx, code);
    const price = await findPriceRow(tx, code, MAIN_PRICE_LIST);
    const s = stampOf(config);

    if (!card) {
      if (posted) {
        throw new ConflictError(`${TABLE} ${id}: stock card "${code}" was sent to Mikro (sto_RECno ${posted.headerRecno}) but is no longer there; it is not created again.`, {
          record,
          fix: 'create the card again in Mikro, or delete the ledger row of this card (MIKROSYNC_LEDGER) to have it sent anew',
          says: says('err.stockCardGoneFromMikro', { code, recno: posted.headerRecno }),
        });
      }
      const { values, sent } = newCardValues(fields, row);
      const priceValue = Number(PRICE_FIELD.toErp(PRICE_FIELD.web(row) ?? 0, row).sfiyat_fiyati);
      // Price row first, as the client does; a row already there (entered in Mikro) is reused.
      let priceRecno: number;
      if (price) {
        priceRecno = Number(price.sfiyat_RECno);
        if (Math.abs(Number(price.sfiyat_fiyati) - priceValue) >= 0.005) {
          await updateRow(tx, 'STOK_SATIS_FIYAT_LISTELERI', 'sfiyat_RECno', priceRecno, priceUpdate(priceValue, s));
        }
      } else {
        priceRecno = await insertWithRecid(tx, 'STOK_SATIS_FIYAT_LISTELERI', 'sfiyat', newPriceRow(code, MAIN_PRICE_LIST, priceValue, s));
      }
      const recno = await insertWithRecid(tx, 'STOKLAR', 'sto', newStockCardRow(code, values, opts, s));
      const rows = [
        { table: 'STOKLAR', recno },
        { table: 'STOK_SATIS_FIYAT_LISTELERI', recno: priceRecno },
      ];
      await writer.save({ webTable: TABLE, webId: id, docKind: 'stock_card', recno, rows, sent: { ...sent, price1: priceValue, _code: code } }, true);
      return { action: 'created' as const, recno, edited: [] as string[] };
    }

    const recno = Number(card.sto_RECno);
    const baseline = sentOf(posted);
    const plan = planFieldUpdate(fields, row, card, baseline);
    const pricePlan = planFieldUpdate([PRICE_FIELD], row, price ?? { sfiyat_fiyati: 0 }, baseline);
    let priceRecno = price ? Number(price.sfiyat_RECno) : undefined;
    if (pricePlan.edited.length) {
      const value = Number(pricePlan.set.sfiyat_fiyati);
      if (priceRecno !== undefined) await updateRow(tx, 'STOK_SATIS_FIYAT_LISTELERI', 'sfiyat_RECno', priceRecno, priceUpdate(value, s));
      else priceRecno = await insertWithRecid(tx, 'STOK_SATIS_FIYAT_LISTELERI', 'sfiyat', newPriceRow(code, MAIN_PRICE_LIST, value, s));
    }
    if (plan.edited.length) await updateRow(tx, 'STOKLAR', 'sto_RECno', recno, stockCardUpdate(plan.set, s));
    const edited = [...pricePlan.edited, ...plan.edited];
    const rows = [{ table: 'STOKLAR', recno }, ...(priceRecno !== undefined ? [{ table: 'STOK_SATIS_FIYAT_LISTELERI', recno: priceRecno }] : [])];
    const sent = { ...plan.sent, ...pricePlan.sent, _code: code };
    await writer.save({ webTable: TABLE, webId: id, docKind: 'stock_card', recno, rows, sent }, edited.length > 0);
    return { action: edited.length ? ('updated' as const) : ('unchanged' as const), recno, edited };
  });

  if (result.action !== 'unchanged') await recordStockMap(web, id, code);
  if (result.action === 'unchanged') return `stock card "${code}" (sto_RECno ${result.recno}): nothing the web owns changed`;
  log.info({ stockCode: code, stoRecno: result.recno, action: result.action, edited: result.edited }, `stock card ${result.action} in Mikro`);
  return result.action === 'created' ? `created stock card "${code}" (sto_RECno ${result.recno})` : `updated stock card "${code}" (${result.edited.join(', ')})`;
}

