/**
 * Stock movements made on the web (stok_hareketleri with erp_recno NULL) -> Mikro STOK_HAREKETLERI
 * slips, exactly once (spec 3.9): counts as the `sayim` trace shows (this overrides open question
 * Q8), depot transfers as inter-depot slips (untraced; codes from configuration). The slip, its
 * number and our ledger row commit in one ERP transaction; then the web row gets erp_recno as the
 * sync's own write (no echo). Movements of sales, purchases and returns travel with their
 * documents; any other kind fails with its reason.
 */
import { ConflictError, mikroDateFromDb, PermanentError, type Config, type RecordJob, type RecordRef } from '@mikrosync/core';
import {
  allocateSlipNumber,
  findDepots,
  findLedger,
  insertLedger,
  insertWithRecid,
  loadMovement,
  lowestMainDepot,
  recordMovementPosted,
  type ErpTx,
  type LedgerEntry,
} from '@mikrosync/connectors';
import {
  classifyMovement,
  movementFingerprint,
  normalizeMovement,
  parseVatTable,
  planSlip,
  slipEvrakTip,
  stockCode,
  vatPointerOf,
  webNumber,
  type MovementOptions,
  type SlipLine,
  type WebMovementRow,
} from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';
import { ASORTI_SKIPPED, requireStockCard, stampOf } from './shared.js';

const TABLE = 'stok_hareketleri';

export function movementOptions(config: Config): MovementOptions {
  return { timeZone: config.erp.timeZone, documentKinds: config.stock.documentMovementKinds, count: config.stock.count, transfer: config.stock.transfer };
}

const describe = (l: Pick<LedgerEntry, 'series' | 'number' | 'headerRecno' | 'docKind'>) => `${l.docKind} slip ${l.series}${l.number} (sth_RECno ${l.headerRecno})`;

/** Depots exist in Mikro and are open on the slip's date (the client reads dep_KilitTarihi first). */
async function checkDepots(tx: ErpTx, line: SlipLine): Promise<void> {
  const record = line.record;
  const wanted = [line.fromDepot, ...(line.toDepot !== undefined ? [line.toDepot] : [])];
  const depots = await findDepots(tx, wanted);
  for (const no of wanted) {
    const depot = depots.get(no);
    if (!depot) {
      throw new PermanentError(`${record.table} ${record.id}: depot ${no} does not exist in Mikro (DEPOLAR).`, {
        record,
        fix: line.kind === 'count' ? 'name an existing depot in cikis_depo_no, or set STOCK_COUNT_DEPOT_NO' : 'use Mikro depot numbers in cikis_depo_no / giris_depo_no',
      });
    }
    const lock = mikroDateFromDb(depot.lockDate);
    if (lock !== '18991230' && line.date <= lock) {
      throw new PermanentError(`${record.table} ${record.id}: date ${line.date} is on or before the lock date ${lock} of depot ${no}.`, {
        record,
        fix: 'date the movement after the depot lock date, or have the lock date moved in Mikro',
      });
    }
  }
}

export async function processMovement(job: RecordJob, ctx: WorkerContext): Promise<string> {
  const { erp, web, config, log } = ctx;
  const id = job.recordId;
  const record: RecordRef = { table: TABLE, id };
  const loaded = await loadMovement(web, id, ctx.outbox);
  const ledger = await findLedger(erp, TABLE, id);
  const posted = ledger?.status === 'posted' ? ledger : undefined;
  if (!loaded) {
    if (posted) {
      throw new ConflictError(`${TABLE} ${id} was deleted on the web after it was posted to Mikro as ${describe(posted)}; the slip stays.`, {
        record,
        fix: 'delete or reverse the slip in Mikro by hand if the deletion was intended',
      });
    }
    return 'gone from the web before it was posted: nothing to do';
  }
  const row = loaded.row as WebMovementRow;
  const erpRecno = Number(row.erp_recno ?? 0);
  if (erpRecno !== 0 && !posted) return `already in Mikro (erp_recno ${erpRecno}): nothing to post`;

  const opts = movementOptions(config);
  const cls = classifyMovement(row, opts, record);
  if (cls.kind === 'document') return `belge_tipi "${cls.belgeTipi}": posted with its document by its own flow; nothing to write here`;
  if (!row.stok_id || !loaded.stock) {
    throw new PermanentError(`${TABLE} ${id}: the movement belongs to no stock card (stok_id ${row.stok_id ?? 'NULL'}).`, { record, fix: 'choose the stock on the web' });
  }
  const stock = loaded.stock;
  if (stock.isAsorti && !stock.mainCode) return ASORTI_SKIPPED;
  // An assortment variant is booked on its main stock (rule 9, trap 28).
  const code = stockCode(stock.isAsorti ? stock.mainCode : stock.code, record);
  const line = normalizeMovement(row, cls, opts, record);
  const print = movementFingerprint(line, code);

  if (posted) {
    if (posted.fingerprint !== print) {
      throw new ConflictError(`${TABLE} ${id} was edited on the web after it was posted to Mikro as ${describe(posted)}; edits of posted movements are not applied.`, {
        record,
        fix: 'correct the slip in Mikro by hand, or undo the edit on the web',
      });
    }
    await recordMovementPosted(web, { webId: id, recno: posted.headerRecno, series: posted.series, number: posted.number }, ctx.outbox);
    return `already posted as ${describe(posted)}: web side rebuilt`;
  }

  const noVatPointer = vatPointerOf(0, parseVatTable(config.invoices.vatPointers)) ?? 1;
  const evrakTip = slipEvrakTip(line.kind, opts);
  const docKind = line.kind === 'count' ? 'stock_count' : 'depot_transfer';
  const result = await erp.transaction(async (tx) => {
    // A second worker may have posted it between our first look and this transaction.
    const again = await findLedger(tx, TABLE, id);
    if (again?.status === 'posted') return { ledger: again, fresh: false };
    const card = await requireStockCard(tx, web, String(row.stok_id), code, record, line.kind === 'count' ? 'a stock count is' : 'a depot transfer is');
    await checkDepots(tx, line);
    const unitCost = line.unitCost ?? webNumber(card.sto_standartmaliyet) ?? 0;
    const countEntryDepot = line.kind === 'count' ? ((await lowestMainDepot(tx)) ?? line.fromDepot) : 0;
    const number = await allocateSlipNumber(tx, { evrakTip, series: line.series }, line.requestedNumber, config.erp.lockTimeoutMs);
    const s = stampOf(config);
    const plan = planSlip(line, { stockCode: code, series: line.series, number, unitCost, countEntryDepot, noVatPointer }, opts, s);
    const recno = await insertWithRecid(tx, 'STOK_HAREKETLERI', 'sth', plan.insert, plan.afterInsert);
    const entry = { webTable: TABLE, webId: id, docKind, evrakTip, series: line.series, number, headerRecno: recno, fingerprint: print, rows: [{ table: 'STOK_HAREKETLERI', recno }] };
    await insertLedger(tx, entry, s.now);
    return { ledger: { ...entry, version: 1, status: 'posted', createdAt: s.now } as LedgerEntry, fresh: true };
  });

  await recordMovementPosted(web, { webId: id, recno: result.ledger.headerRecno, series: result.ledger.series, number: result.ledger.number }, ctx.outbox);
  log.info(
    { kind: docKind, stockCode: code, evrak: `${result.ledger.series}${result.ledger.number}`, sthRecno: result.ledger.headerRecno, quantity: line.quantity },
    result.fresh ? 'stock movement posted to Mikro' : 'stock movement was already posted; web side rebuilt',
  );
  return `posted as ${describe(result.ledger)}`;
}
