/**
 * invoice_print write-back (spec entegra.md 7.1): the capture trigger on entegra_order turns every
 * web change of an order into a job; when the web has invoice_print = 1, the flag is written into
 * Entegra's order row. A 0 on the web is never written back (the flag only goes 0 -> 1 there).
 * Until this job has settled, the forward sync keeps the web's 1 (InvoicePrintGuard).
 */
import { PermanentError, says, type RecordJob } from '@mikrosync/core';
import { webInvoicePrint, writeInvoicePrinted } from '@mikrosync/connectors/entegra';
import type { WorkerContext } from '../../context.js';
import { entegraFile } from './file.js';

const TABLE = 'entegra_order';

export async function processInvoicePrint(job: RecordJob, ctx: WorkerContext): Promise<string> {
  const id = job.recordId;
  const record = { table: TABLE, id };
  if (!/^\d{1,15}$/.test(id)) {
    throw new PermanentError(`${TABLE} ${id}: not an Entegra order id (a whole number is expected).`, {
      record,
      fix: 'orders in entegra_order come from Entegra; check the row the web app wrote',
      says: says('err.entegraOrderId', { id }),
    });
  }
  if (job.deleted) return 'order deleted on the web: nothing to write back';
  const web = await webInvoicePrint(ctx.web, Number(id));
  if (web === undefined) return 'order no longer in the web mirror: nothing to write back';
  if (web !== 1) return `invoice_print is ${web} on the web: nothing to write back (only 1 is written back)`;

  const file = entegraFile(ctx.config);
  const outcome = await writeInvoicePrinted(file, Number(id), {
    onLocked: (waitedMs) => ctx.log.info({ table: TABLE, id, waitedMs, path: file.path }, 'Entegra database locked by another process; waiting'),
  });
  if (outcome === 'missing') {
    throw new PermanentError(`${TABLE} ${id}: Entegra (${file.path}) has no order ${id}; invoice_print = 1 was not written back.`, {
      record,
      says: says('err.entegraOrderMissing', { id }),
      fix: 'check that ENTEGRA_DB_PATH points at the live Entegra database; if the order was deleted in Entegra, nothing needs to be done',
    });
  }
  ctx.log.info({ table: TABLE, id, outcome }, outcome === 'written' ? 'invoice_print = 1 written to Entegra' : 'Entegra already had invoice_print = 1');
  return outcome === 'written' ? 'invoice_print = 1 written to Entegra' : 'Entegra already had invoice_print = 1';
}
