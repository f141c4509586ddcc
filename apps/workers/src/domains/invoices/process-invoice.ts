/**
 * Sales, returns and purchases -> Mikro, exactly once (spec 3.1–3.4, 3.7, 3.8; rules 2–12).
 * One ERP transaction per web document: number under lock, header, lines, ledger row. Edits of a
 * posted document re-post it in place (same number) unless Mikro changed it since; deletions remove
 * its ERP rows.
 */
import { randomUUID, createHash } from 'node:crypto';
import {
  ConflictError,
  faultPoint,
  mikroDateFromDb,
  mikroTimestamp,
  NotReadyError,
  PermanentError,
  type RecordJob,
} from '@mikrosync/core';
import {
  allocateDocumentNumber,
  assignDocumentNumber,
  changedSince,
  deleteRows,
  depotLockDate,
  existingStockCodes,
  findAccount,
  describeLedger as describe,
  findLedger,
  insertLedger,
  loadInvoice,
  readLastups,
  recordPostedInvoice,
  removeInvoiceMapping,
  updateLedger,
  writeInvoiceRows,
  type ErpTx,
  type InvoiceTable,
  type LedgerEntry,
} from '@mikrosync/connectors';
import { normalizeInvoice, parseVatTable, planInvoice, vatPointerOf, type InvoiceDoc, type WebInvoice, type WebInvoiceLine } from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';


/** What the posted document is made of; a change to it after posting is an edit. */
function fingerprint(doc: InvoiceDoc): string {
  const { record: _r, requestedNumber: _n, series: _s, warnings: _w, ...content } = doc;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

function isPostable(table: InvoiceTable, row: Record<string, unknown>, statuses: string[]): boolean {
  if (table !== 'satislar') return true;
  const status = (row.durum ?? row.satis_durumu) as string | null | undefined;
  return status === null || status === undefined || statuses.includes(status);
}

/** Validations that need the ERP: account and stocks exist, date after the depot lock. */
async function checkAgainstErp(tx: ErpTx, doc: InvoiceDoc, depotNo: number): Promise<{ accountTitle: string }> {
  const record = doc.record;
  const account = await findAccount(tx, doc.accountCode);
  if (!account) {
    throw new PermanentError(`${record.table} ${record.id}: account code "${doc.accountCode}" does not exist in Mikro (CARI_HESAPLAR).`, {
      record,
      fix: 'create the account in Mikro or correct the mapping (int_kodmap_cari / cari_hesaplar.cari_kodu)',
    });
  }
  const known = await existingStockCodes(tx, [...new Set(doc.lines.map((l) => l.stockCode))]);
  const unknown = doc.lines.find((l) => !known.has(l.stockCode));
  if (unknown) {
    throw new PermanentError(
      `${record.table} ${record.id}: line ${unknown.lineNo} (${unknown.lineId}): stock code "${unknown.stockCode}" does not exist in Mikro (STOKLAR); no stock card is created silently.`,
      { record, fix: 'create the stock card in Mikro (or through the stock flow) or correct the mapping in int_kodmap_stok, then re-enqueue' },
    );
  }
  const lock = mikroDateFromDb(await depotLockDate(tx, depotNo));
  if (lock !== '18991230' && doc.date <= lock) {
    throw new PermanentError(`${record.table} ${record.id}: document date ${doc.date} is on or before the lock date ${lock} of depot ${depotNo}.`, {
      record,
      fix: 'date the document after the depot lock date, or have the lock date moved in Mikro',
    });
  }
  return { accountTitle: account.cari_unvan1 ?? '' };
}

/** A person's correction in Mikro wins: any row we posted that changed since is a conflict. */
async function refuseIfChangedInMikro(tx: ErpTx, posted: LedgerEntry, what: string, outcome: string, detail: { record: { table: string; id: string }; fix: string }): Promise<void> {
  const changed = await changedSince(tx, posted.rows);
  if (changed.length === 0) return;
  const rows = changed.map((c) => `${c.table} ${c.recno}`).join(', ');
  throw new ConflictError(`${what}, but its ERP document ${describe(posted)} was changed in Mikro since it was posted (${rows}); ${outcome}.`, detail);
}

export function invoiceProcessor(table: InvoiceTable) {
  return async function processInvoice(job: RecordJob, ctx: WorkerContext): Promise<string> {
    const { erp, web, config, log } = ctx;
    const id = job.recordId;
    const record = { table, id };
    const vat = parseVatTable(config.invoices.vatPointers);
    const vatPointer = (rate: number) => vatPointerOf(rate, vat);
    const loaded = await loadInvoice(web, table, id, ctx.outbox);
    const ledger = await findLedger(erp, table, id);
    const posted = ledger && ledger.status === 'posted' ? ledger : undefined;
    const stamp = () => ({ userNo: config.erp.userNo, now: mikroTimestamp(new Date(), config.erp.timeZone) });

    // Gone from the web (or no longer to be posted): remove what we posted, if Mikro did not change it.
    if (!loaded || !isPostable(table, loaded.row, config.invoices.salesPostStatuses)) {
      if (!posted) return loaded ? 'not ready to post (status)' : 'deleted on the web before posting: nothing to do';
      await erp.transaction(async (tx) => {
        await refuseIfChangedInMikro(tx, posted, `${table} ${id} was deleted on the web`, 'nothing was deleted', { record, fix: 'delete or correct the document in Mikro by hand' });
        await deleteRows(tx, posted.rows);
        await updateLedger(tx, table, id, { rows: [], fingerprint: posted.fingerprint, status: 'deleted', headerRecno: posted.headerRecno }, stamp().now);
      });
      await removeInvoiceMapping(web, table, id);
      log.info({ evrak: `${posted.series}${posted.number}` }, 'invoice deleted in Mikro after its web deletion');
      return `deleted ERP document ${describe(posted)}`;
    }

    if (loaded.lines.length === 0) throw new NotReadyError(`${table} ${id} has no lines yet. Fix: add the lines on the web (or delete the empty header), then re-enqueue`);
    const web_: WebInvoice = { source: table, ...loaded, lines: loaded.lines as unknown as WebInvoiceLine[] };
    const doc = normalizeInvoice(web_, { timeZone: config.erp.timeZone, vatPointer });
    for (const warning of doc.warnings) log.warn({ table, id }, warning);
    const print = fingerprint(doc);

    if (posted && posted.fingerprint === print) {
      await recordPostedInvoice(web, { table, webId: id, series: posted.series, number: posted.number }, ctx.outbox);
      return `already posted as ${describe(posted)}: web side rebuilt`;
    }
    if (posted && config.invoices.editPolicy === 'reject') {
      throw new ConflictError(`${table} ${id} was edited on the web after it was posted to Mikro as ${describe(posted)}; this installation rejects edits.`, {
        record,
        fix: 'correct the document in Mikro by hand, or undo the edit on the web',
      });
    }

    const result = await erp.transaction(async (tx) => {
      const current = await findLedger(tx, table, id);
      const repost = current && current.status === 'posted' ? current : undefined;
      if (repost?.fingerprint === print) return { ledger: repost, action: 'already posted' as const };
      const { accountTitle } = await checkAgainstErp(tx, doc, config.invoices.depotNo);
      const range = doc.kind === 'sales' ? { headerType: 63, lineType: 4, series: doc.series } : { headerType: 0, lineType: 3, series: doc.series };
      let series = doc.series;
      let number = 0;
      if (repost) {
        await refuseIfChangedInMikro(tx, repost, `${table} ${id} was edited on the web`, 'nothing was written', {
          record,
          fix: 'bring the web document and the Mikro document in line by hand, then re-enqueue',
        });
        await deleteRows(tx, repost.rows);
        series = repost.series;
        number = repost.number;
      }
      const s = stamp();
      const plan = planInvoice(
        doc,
        { series, number, accountTitle, depotNo: config.invoices.depotNo, uuid: randomUUID().toUpperCase(), vatPointer: (r) => vatPointer(r) ?? 0 },
        s,
      );
      const written = await writeInvoiceRows(tx, plan);
      if (!repost) {
        // Numbered last, under the lock of its range (a re-post keeps its number).
        number = await allocateDocumentNumber(tx, range, doc.requestedNumber, config.erp.lockTimeoutMs);
        await assignDocumentNumber(tx, written.headerRecno, number);
      }
      const rows = await readLastups(tx, written.rows);
      const entry = {
        webTable: table,
        webId: id,
        docKind: `${doc.kind}${doc.isReturn ? '_return' : ''}`,
        evrakTip: range.headerType,
        series,
        number,
        headerRecno: written.headerRecno,
        fingerprint: print,
        rows,
      };
      if (repost) await updateLedger(tx, table, id, { rows, fingerprint: print, status: 'posted', headerRecno: written.headerRecno }, s.now);
      else await insertLedger(tx, entry, s.now);
      return { ledger: { ...entry, version: (repost?.version ?? 0) + 1, status: 'posted', createdAt: s.now }, action: repost ? ('re-posted' as const) : ('posted' as const) };
    });

    faultPoint('crash-after-erp-commit');
    await recordPostedInvoice(web, { table, webId: id, series: result.ledger.series, number: result.ledger.number }, ctx.outbox);
    log.info(
      { evrak: `${result.ledger.series}${result.ledger.number}`, chaRecno: result.ledger.headerRecno, lines: doc.lines.length, action: result.action },
      `invoice ${result.action} to Mikro`,
    );
    return `${result.action} as ${describe(result.ledger)}`;
  };
}
