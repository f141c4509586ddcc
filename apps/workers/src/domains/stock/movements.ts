/**
 * Stock movements made on the web (stok_hareketleri with erp_recno NULL) -> Mikro STOK_HAREKETLERI
 * slips, exactly once (spec 3.9): counts as the `sayim` trace shows (this overrides open question
 * Q8), depot transfers as inter-depot slips (untraced; codes from configuration). The slip, its
 * number and our ledger row commit in one ERP transaction; then the web row gets erp_recno as the
 * sync's own write (no echo). Movements of sales, purchases and returns travel with their
 * documents; any other kind fails with its reason.
 */
import { ConflictError, PermanentError, says, type Config, type RecordRef } from '@mikrosync/core';
import {
  allocateSlipNumberBatch,
  depotsQuery,
  insertWithRecidBatch,
  lowestMainDepotQuery,
  PLANNED_NUMBER,
  stockCardQuery,
  type LedgerEntry,
} from '@mikrosync/connectors/erp';
import { loadMovement, recordMovementPosted } from '@mikrosync/connectors/web';
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
import { postDocument, type DocumentFlow } from '../../posting/document.js';
import { requireDepotOpen } from '../../posting/checks.js';
import { ASORTI_SKIPPED, requireStockCard } from '../../posting/card.js';

const TABLE = 'stok_hareketleri';

export function movementOptions(config: Config): MovementOptions {
  return { timeZone: config.erp.timeZone, documentKinds: config.stock.documentMovementKinds, count: config.stock.count, transfer: config.stock.transfer };
}

const describe = (l: Pick<LedgerEntry, 'series' | 'number' | 'headerRecno' | 'docKind'>) => `${l.docKind} slip ${l.series}${l.number} (sth_RECno ${l.headerRecno})`;

/** Depots exist in Mikro and are open on the slip's date (the client reads dep_KilitTarihi first). */
function checkDepots(line: SlipLine, depots: Map<number, { no: number; lockDate: unknown }>): void {
  const record = line.record;
  const wanted = [line.fromDepot, ...(line.toDepot !== undefined ? [line.toDepot] : [])];
  for (const no of wanted) {
    const depot = depots.get(no);
    if (!depot) {
      throw new PermanentError(`${record.table} ${record.id}: depot ${no} does not exist in Mikro (DEPOLAR).`, {
        record,
        fix: line.kind === 'count' ? 'name an existing depot in cikis_depo_no, or set STOCK_COUNT_DEPOT_NO' : 'use Mikro depot numbers in cikis_depo_no / giris_depo_no',
        says: says('err.depotNotInErp', { depot: no }),
      });
    }
    requireDepotOpen(record, no, depot.lockDate, line.date, {
      what: 'date',
      fix: 'date the movement after the depot lock date, or have the lock date moved in Mikro',
      key: 'err.movementDepotLocked',
    });
  }
}

interface MovementDoc {
  row: WebMovementRow;
  line: SlipLine;
  code: string;
  print: string;
}

/** The card, depots and entry depot the read batch brought, in `reads` order. */
interface MovementRefs {
  unitCost: number;
  countEntryDepot: number;
}

export const movementFlow: DocumentFlow<MovementDoc, MovementRefs> = {
  table: TABLE,
  noun: 'stock movement',
  async load(ctx, id) {
    const record: RecordRef = { table: TABLE, id };
    const loaded = await loadMovement(ctx.web, id, ctx.outbox);
    if (!loaded) return { gone: 'gone from the web before it was posted: nothing to do' };
    const row = loaded.row as WebMovementRow;
    const erpRecno = Number(row.erp_recno ?? 0);
    const skipIfNew = erpRecno !== 0 ? `already in Mikro (erp_recno ${erpRecno}): nothing to post` : undefined;
    const opts = movementOptions(ctx.config);
    const cls = classifyMovement(row, opts, record);
    if (cls.kind === 'document') return { done: `belge_tipi "${cls.belgeTipi}": posted with its document by its own flow; nothing to write here` };
    if (!row.stok_id || !loaded.stock) {
      throw new PermanentError(`${TABLE} ${id}: the movement belongs to no stock card (stok_id ${row.stok_id ?? 'NULL'}).`, {
        record,
        fix: 'choose the stock on the web',
        says: says('err.noStockCard', { stockId: String(row.stok_id ?? 'NULL') }),
      });
    }
    const stock = loaded.stock;
    if (stock.isAsorti && !stock.mainCode) return { done: ASORTI_SKIPPED };
    // An assortment variant is booked on its main stock (rule 9, trap 28).
    const code = stockCode(stock.isAsorti ? stock.mainCode : stock.code, record);
    const line = normalizeMovement(row, cls, opts, record);
    return { doc: { row, line, code, print: movementFingerprint(line, code) }, ...(skipIfNew ? { skipIfNew } : {}) };
  },
  fingerprint: (doc) => doc.print,
  series: (doc) => doc.line.series,
  describe,
  onEdit: () => 'conflict',
  editRefused: (posted) =>
    new ConflictError(`${TABLE} ${posted.webId} was edited on the web after it was posted to Mikro as ${describe(posted)}; edits of posted movements are not applied.`, {
      record: { table: TABLE, id: posted.webId },
      fix: 'correct the slip in Mikro by hand, or undo the edit on the web',
      says: says('err.editedAfterPosting', { document: describe(posted) }),
    }),
  onWebDelete: (posted) =>
    new ConflictError(`${TABLE} ${posted.webId} was deleted on the web after it was posted to Mikro as ${describe(posted)}; the slip stays.`, {
      record: { table: TABLE, id: posted.webId },
      fix: 'delete or reverse the slip in Mikro by hand if the deletion was intended',
      says: says('err.deletedAfterPosting', { document: describe(posted) }),
    }),
  reads: (doc) => [
    stockCardQuery(doc.code),
    depotsQuery([doc.line.fromDepot, ...(doc.line.toDepot !== undefined ? [doc.line.toDepot] : [])]),
    ...(doc.line.kind === 'count' ? [lowestMainDepotQuery()] : []),
  ],
  async check(doc, [cards = [], depots = [], lowest = []], ctx) {
    const { line, row, code } = doc;
    const card = await requireStockCard(cards[0], ctx.web, String(row.stok_id), code, line.record, line.kind === 'count' ? 'a stock count is' : 'a depot transfer is');
    checkDepots(line, new Map(depots.map((d) => [Number(d.dep_no), { no: Number(d.dep_no), lockDate: d.lock }])));
    const unitCost = line.unitCost ?? webNumber(card.sto_standartmaliyet) ?? 0;
    const m = lowest[0]?.m;
    const countEntryDepot = line.kind === 'count' ? (m === null || m === undefined ? line.fromDepot : Number(m)) : 0;
    return { unitCost, countEntryDepot };
  },
  write(batch, doc, refs, _numbered, { header, number }, stamp, ctx) {
    const { line, code } = doc;
    const opts = movementOptions(ctx.config);
    const evrakTip = slipEvrakTip(line.kind, opts);
    // The slip's number is in its own row: allocated first, in the batch, under its lock.
    allocateSlipNumberBatch(batch, number, { evrakTip, series: line.series }, line.requestedNumber);
    const noVatPointer = vatPointerOf(0, parseVatTable(ctx.config.invoices.vatPointers)) ?? 1;
    const plan = planSlip(line, { stockCode: code, series: line.series, number: PLANNED_NUMBER, unitCost: refs.unitCost, countEntryDepot: refs.countEntryDepot, noVatPointer }, opts, stamp);
    const rows = [insertWithRecidBatch(batch, header, 'STOK_HAREKETLERI', 'sth', plan.insert, plan.afterInsert, number)];
    return { rows, docKind: line.kind === 'count' ? 'stock_count' : 'depot_transfer', evrakTip, numberedByFlow: true };
  },
  recordPosted: (ctx, id, l) => recordMovementPosted(ctx.web, { webId: id, recno: l.headerRecno, series: l.series, number: l.number }, ctx.outbox),
  removePosted: async () => undefined,
};

export const processMovement = postDocument(movementFlow);
