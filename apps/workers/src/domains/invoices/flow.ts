/**
 * Sales, returns and purchases -> Mikro, exactly once (spec 3.1–3.4, 3.7, 3.8; rules 2–12), as a
 * posting flow: what an invoice is made of, its checks and its rows. The protocol (ledger, one
 * read batch, one write batch with the number under its lock, edits, deletions) is the posting
 * kernel's (posting/document.ts).
 */
import { randomUUID, createHash } from 'node:crypto';
import { NotReadyError } from '@mikrosync/core';
import { accountQuery, assignNumberBatch, depotLockQuery, stockCodesQuery, writeInvoiceBatch } from '@mikrosync/connectors/erp';
import { loadInvoice, recordPostedInvoice, removeInvoiceMapping, type InvoiceTable } from '@mikrosync/connectors/web';
import { invoiceKindOf, normalizeInvoice, parseVatTable, planInvoice, vatPointerOf, type InvoiceDoc } from '@mikrosync/mappers';
import { postDocument, type DocumentFlow } from '../../posting/document.js';
import { requireAccount, requireDepotOpen, requireStockCodes } from '../../posting/checks.js';

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

export function invoiceFlow(table: InvoiceTable): DocumentFlow<InvoiceDoc, { accountTitle: string }> {
  return {
    table,
    noun: 'invoice',
    async load(ctx, id) {
      const { config, log } = ctx;
      const web = await loadInvoice(ctx.web, table, id, ctx.outbox);
      if (!web) return { gone: 'deleted on the web before posting: nothing to do' };
      if (!isPostable(table, web.row, config.invoices.salesPostStatuses)) return { gone: 'not ready to post (status)' };
      if (web.lines.length === 0) throw new NotReadyError(`${table} ${id} has no lines yet. Fix: add the lines on the web (or delete the empty header), then re-enqueue`);
      const vat = parseVatTable(config.invoices.vatPointers);
      const doc = normalizeInvoice(web, { timeZone: config.erp.timeZone, vatPointer: (rate: number) => vatPointerOf(rate, vat) });
      for (const warning of doc.warnings) log.warn({ table, id }, warning);
      return { doc };
    },
    fingerprint,
    series: (doc) => doc.series,
    onEdit: (ctx) => (ctx.config.invoices.editPolicy === 'reject' ? 'conflict' : 'repost'),
    onWebDelete: 'delete-rows',
    reads: (doc, ctx) => [accountQuery(doc.accountCode), stockCodesQuery([...new Set(doc.lines.map((l) => l.stockCode))]), depotLockQuery(ctx.config.invoices.depotNo)],
    check(doc, [account = [], stocks = [], depot = []], ctx) {
      const found = requireAccount(doc.record, doc.accountCode, account as { cari_unvan1?: string }[]);
      requireStockCodes(doc.record, doc.lines, stocks as { sto_kod: unknown }[]);
      const depotNo = ctx.config.invoices.depotNo;
      requireDepotOpen(doc.record, depotNo, depot[0]?.lock, doc.date, {
        what: 'document date',
        fix: 'date the document after the depot lock date, or have the lock date moved in Mikro',
        key: 'err.depotLocked',
      });
      return { accountTitle: found.cari_unvan1 ?? '' };
    },
    write(batch, doc, refs, numbered, { header }, stamp, ctx) {
      const vat = parseVatTable(ctx.config.invoices.vatPointers);
      const plan = planInvoice(
        doc,
        { ...numbered, accountTitle: refs.accountTitle, depotNo: ctx.config.invoices.depotNo, uuid: randomUUID().toUpperCase(), vatPointer: (r) => vatPointerOf(r, vat) ?? 0 },
        stamp,
      );
      const kind = invoiceKindOf(doc);
      return {
        rows: writeInvoiceBatch(batch, plan, header),
        docKind: kind.name,
        evrakTip: kind.chaEvrakTip,
        numbering: { range: { ...kind.numberRange, series: doc.series }, requested: doc.requestedNumber, assign: assignNumberBatch },
      };
    },
    recordPosted: (ctx, id, posted) => recordPostedInvoice(ctx.web, { table, webId: id, series: posted.series, number: posted.number }, ctx.outbox),
    removePosted: (ctx, id) => removeInvoiceMapping(ctx.web, table, id),
  };
}

export const invoiceProcessor = (table: InvoiceTable) => postDocument(invoiceFlow(table));
