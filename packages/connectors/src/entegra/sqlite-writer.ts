/**
 * The only write mikrosync makes into Entegra's file: order.invoice_print = 1 for an order the web
 * marked as printed (spec entegra.md 7.1). One short IMMEDIATE transaction with the conditional
 * update the spec recommends; a locked file is retried (withLockRetry), then fails transiently.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { classifySqliteError, missingFileError, withLockRetry, type EntegraFileOptions } from './sqlite-errors.js';

export type InvoicePrintOutcome = 'written' | 'already' | 'missing';

export async function writeInvoicePrinted(
  opts: EntegraFileOptions,
  orderId: number,
  hooks: { signal?: AbortSignal; onLocked?: (waitedMs: number) => void } = {},
): Promise<InvoicePrintOutcome> {
  if (!existsSync(opts.path)) throw missingFileError(opts.path);
  let db: Database.Database;
  try {
    db = new Database(opts.path, { fileMustExist: true, timeout: opts.busyTimeoutMs });
  } catch (err) {
    throw classifySqliteError(err, opts.path);
  }
  try {
    return await withLockRetry(
      opts,
      () => {
        const update = db.prepare(`UPDATE "order" SET "invoice_print" = 1 WHERE "id" = ? AND ("invoice_print" IS NULL OR "invoice_print" <> 1)`);
        const exists = db.prepare(`SELECT 1 FROM "order" WHERE "id" = ?`).pluck();
        const tx = db.transaction((id: number): InvoicePrintOutcome => {
          if (update.run(id).changes) return 'written';
          return exists.get(id) === undefined ? 'missing' : 'already';
        });
        return tx.immediate(orderId);
      },
      hooks,
    );
  } finally {
    db.close();
  }
}
