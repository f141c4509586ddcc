/**
 * Deletions (spec §4): list methods never return deleted rows, and an inbound webhook cannot
 * receive delete events, so every BITRIX_RECONCILE_INTERVAL_MINUTES each entity's IDs are walked
 * (`select: [ID]`, keyset, chained batches: 2,500 IDs per request) and compared with ours. Rows
 * missing in Bitrix24 are soft-deleted, rows listed again are restored. Skipped when the walk did
 * not finish; refused by the guard when too many rows would go at once.
 */
import { BITRIX_INCREMENTAL_ENTITIES } from '@mikrosync/mappers';
import type { BitrixEntityState } from '@mikrosync/connectors/bitrix';
import type { TaskRun } from '../../jobs/types.js';
import type { BitrixRuntime } from './runtime.js';
import type { CycleReport } from './report.js';
import { walkKeyset } from './keyset.js';
import { emptyState } from './incremental.js';

export interface ReconcileSettings {
  intervalMinutes: number;
  batchCalls: number;
  guard: { share: number; min: number };
}

export async function reconcileDeletions(rt: BitrixRuntime, run: TaskRun, states: Map<string, BitrixEntityState>, settings: ReconcileSettings, report: CycleReport): Promise<void> {
  const now = Date.now();
  for (const e of BITRIX_INCREMENTAL_ENTITIES) {
    // One sweep per table (task_activity is a second walk over tasks).
    if (e.table !== e.name) continue;
    const state = states.get(e.name) ?? emptyState(e.name);
    // Only after a completed first load, and when due.
    if (state.watermarkMs === null || state.cursor !== 0) continue;
    if (now - Number(state.details.reconciledMs ?? 0) < settings.intervalMinutes * 60_000) continue;
    if (report.paused.some((p) => p.method === e.method) || report.failures.some((f) => f.entity === e.name)) continue;
    if (run.signal.aborted) {
      report.stopped = true;
      return;
    }
    try {
      const ids: number[] = [];
      const outcome = await walkKeyset({
        client: rt.client,
        entity: e,
        filter: {},
        select: [e.idFilter],
        cursor: 0,
        batchCalls: settings.batchCalls,
        signal: run.signal,
        firstChain: Math.min(8, settings.batchCalls),
        onPages: async (pages) => {
          for (const row of pages.flat()) {
            const id = Number(row[e.idKey]);
            if (Number.isSafeInteger(id)) ids.push(id);
          }
          await run.progress({ step: `${e.name} (ID sweep)`, done: ids.length });
        },
      });
      if (outcome !== 'complete') {
        report.stopped = true;
        return;
      }
      const result = await rt.store.reconcile(e.table, ids, settings.guard);
      report.deleted += result.deleted + (result.cascaded ?? 0);
      report.add(e.name, result.restored);
      if (result.refused) {
        report.refused.push({ entity: e.name, reason: result.refused });
        report.log.error({ entity: e.name, ...result, alert: true }, `Bitrix24 ${e.name}: deletions refused by the guard (BITRIX_DELETE_GUARD_SHARE)`);
      } else if (result.deleted || result.restored) {
        report.log.info({ entity: e.name, deleted: result.deleted, restored: result.restored }, `Bitrix24 ${e.name}: ID reconciliation applied`);
      }
      state.details = { ...state.details, reconciledMs: now };
      if (result.refused) {
        state.ok = false;
        state.error = result.refused;
      }
      await rt.store.saveState(rt.store.pool, state);
    } catch (err) {
      report.entityFailed(e.name, err, run.signal);
    }
  }
}
