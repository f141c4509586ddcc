/**
 * The catalog sync task (`npm run sync`, every SCHEDULE_CATALOG): ERP -> Web in the dependency
 * order of spec 2.1, each table its own step with its own watermark:
 *   0a number settings, 0b delete log, 1 categories, 2 stocks, 3 barcodes, 4 price definitions,
 *   5 prices, 6-8 cash boxes / banks / depots, 9 accounts, 10-11 stock and account movements,
 *   key reconciliation (tables without a delete trigger), stock on hand.
 * Args: full (read everything; `mikrosync run catalog sync --full`), reconcile (reconcile keys now),
 * allowMassDelete (let the operator apply a deletion the guard refused).
 */
import { PermanentError, says } from '@mikrosync/core';
import { assertCatalogKeys, readCatalogStates, tryCatalogLock } from '@mikrosync/connectors/web';
import type { TaskProcessor } from '../../jobs/types.js';
import { syncCategories } from './categories.js';
import { applyDeleteLog, installedTriggers, reconcileDeletions } from './deletions.js';
import { syncNumberSettings } from './numbers.js';
import { syncOnHand } from './on-hand.js';
import { flagArg, stopped, type CatalogRun } from './run.js';
import { TABLE_GROUPS, type TableStep } from './tables.js';

export const syncCatalog: TaskProcessor = async (ctx, task) => {
  const started = performance.now();
  const release = await tryCatalogLock(ctx.web);
  if (!release) return { summary: 'another catalog sync is running; this run was skipped', rows: {} };
  try {
    await assertCatalogKeys(ctx.web);
    const run: CatalogRun = {
      ctx,
      log: ctx.log,
      task,
      full: flagArg(task.args, 'full'),
      states: await readCatalogStates(ctx.web),
      write: { method: ctx.config.catalog.writeMethod, timeZone: ctx.config.erp.timeZone },
      batchSize: ctx.config.catalog.batchSize,
      rows: {},
      notes: [],
      alerts: [],
      onHandCodes: new Set(),
    };
    await syncNumberSettings(run);
    const triggers = await installedTriggers(run);
    await applyDeleteLog(run, triggers);
    if (!stopped(run)) await syncCategories(run);
    for (const group of TABLE_GROUPS) {
      if (stopped(run)) break;
      await inParallel(run, group);
    }
    if (!stopped(run)) await reconcileDeletions(run, triggers);
    if (!stopped(run)) await syncOnHand(run);

    const written = Object.values(run.rows).reduce((a, b) => a + b, 0);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const summary = [
      `catalog sync (${run.full ? 'full' : 'incremental'}): ${written} row(s) written in ${seconds} s`,
      ...run.notes,
      ...(stopped(run) ? ['stopped early for a shutdown; the next run continues from the watermarks'] : []),
    ].join('; ');
    if (run.alerts.length) {
      throw new PermanentError(`catalog sync: ERP deletions refused, nothing of them was applied: ${run.alerts.join('; ')}. Everything else was synced (${written} row(s)).`, {
        says: says('err.catalogMassDelete', { written }),
        fix: 'check the ERP (wrong database? a restore?); if the deletions are real, run `mikrosync run catalog sync --wait --arg allowMassDelete=true`, or raise CATALOG_DELETE_GUARD_SHARE',
      });
    }
    return { summary, rows: run.rows };
  } finally {
    await release();
  }
};

/** Runs the chains of a group at the same time; waits for all of them before failing with the first error. */
async function inParallel(run: CatalogRun, chains: readonly (readonly TableStep[])[]): Promise<void> {
  const results = await Promise.allSettled(
    chains.map(async (chain) => {
      for (const step of chain) {
        if (stopped(run)) return;
        await step.run(run);
      }
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
