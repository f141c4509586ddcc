/**
 * The bitrix `cycle` task (scheduled by SCHEDULE_BITRIX): one pass of the Bitrix24 -> PostgreSQL
 * sync. Order: incremental entities (one probe request when nothing changed), task comments,
 * users and departments (first and every Nth cycle), ID reconciliation (when due). One cycle at
 * a time across all processes: the manifest makes the task exclusive. An entity that fails is
 * logged with the entity and the others go on; a webhook the portal refuses stops the cycle as a
 * PermanentError (dead-letter = alert); transient failures fail the job after everything else
 * ran, so BullMQ retries it.
 */
import type { TaskResult } from '@mikrosync/core';
import { BitrixPortalError } from '@mikrosync/connectors/bitrix';
import type { WorkerContext } from '../../context.js';
import type { TaskRun } from '../../jobs/types.js';
import { bitrixRuntime } from './runtime.js';
import { CycleReport } from './report.js';
import { syncIncremental } from './incremental.js';
import { syncTaskComments } from './comments.js';
import { directoryDue, syncDirectory } from './directory.js';
import { reconcileDeletions } from './reconcile.js';

export async function runBitrixCycle(ctx: WorkerContext, run: TaskRun): Promise<TaskResult> {
  const cfg = ctx.config.bitrix;
  const rt = await bitrixRuntime(ctx);
  const cycle = await rt.store.nextCycle();
  const log = ctx.log.child({ portal: rt.client.portal, cycle });
  const report = new CycleReport(cycle, log);
  const states = await rt.store.readStates();
  const guard = { share: cfg.deleteGuardShare, min: cfg.deleteGuardMin };
  try {
    const clock = await syncIncremental(rt, run, states, { overlapSeconds: cfg.overlapSeconds, batchCalls: cfg.batchCalls }, report);
    const map = { portalOffset: clock?.offset ?? states.get('leads')?.details.portalOffset };
    if (!run.signal.aborted) await syncTaskComments(rt, run, cfg.batchCalls, map, report);
    if (!run.signal.aborted && directoryDue(cycle, cfg.directoryEvery, states)) await syncDirectory(rt, run, states, { batchCalls: cfg.batchCalls, guard }, map, report);
    if (!run.signal.aborted) await reconcileDeletions(rt, run, states, { intervalMinutes: cfg.reconcileIntervalMinutes, batchCalls: cfg.batchCalls, guard }, report);
  } catch (err) {
    if (err instanceof BitrixPortalError) {
      log.error({ alert: true, code: err.code, method: err.method, reason: err.message }, 'Bitrix24 refused the webhook: the sync of this portal stops until it is fixed');
      await rt.store.markCycle(false, err.message).catch(() => undefined);
    }
    throw err;
  }
  if (run.signal.aborted) report.stopped = true;
  const summary = report.summary();
  const transient = report.failures.filter((f) => f.transient);
  await rt.store.markCycle(report.failures.length === 0 && report.refused.length === 0, report.failures.map((f) => `${f.entity}: ${f.message}`).join('\n') || null);
  const stats = rt.client.stats;
  log.info({ requests: stats.requests, retries: stats.retries, rateLimited: stats.rateLimited, waitedMs: Math.round(stats.waitedMs) }, summary);
  if (transient.length) throw new Error(`${summary}. Transient failures (retried): ${transient.map((f) => `${f.entity}: ${f.message}`).join('; ')}`);
  return { summary, rows: { ...report.rows, deleted: report.deleted } };
}
