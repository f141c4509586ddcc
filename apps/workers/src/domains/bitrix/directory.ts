/**
 * Users and departments (spec §2.8, §2.9): small tables without a usable change field, read in
 * full on the first cycle and every Nth cycle after (the counter lives in sync_state, so it
 * survives restarts), all pages, dismissed users included. The first page says how many rows
 * exist; the remaining pages come in one `batch`. Rows no longer listed are soft-deleted, under
 * the same guard as the ID reconciliation.
 */
import { mapDepartment, mapUser, BITRIX_PAGE_SIZE, type BitrixMapContext, type BitrixRow } from '@mikrosync/mappers';
import { bitrixBatchCommand, bitrixSubCallError, type BitrixEntityState, type BitrixRowValues, type BitrixTableName } from '@mikrosync/connectors/bitrix';
import type { TaskRun } from '../../jobs/types.js';
import type { BitrixRuntime } from './runtime.js';
import type { CycleReport } from './report.js';
import { emptyState, recordFailure } from './incremental.js';

type Rec = Record<string, unknown>;

interface DirectoryEntity {
  table: Extract<BitrixTableName, 'users' | 'departments'>;
  method: string;
  /** Ordering parameters (user.get and department.get take `sort` + `order`). */
  params: Rec;
  map(rec: Rec, ctx: BitrixMapContext): BitrixRow;
}

const DIRECTORY: DirectoryEntity[] = [
  // No ACTIVE filter: dismissed users are needed to resolve ASSIGNED_BY_ID on old records.
  { table: 'users', method: 'user.get', params: { sort: 'ID', order: 'ASC', ADMIN_MODE: 'True' }, map: mapUser },
  { table: 'departments', method: 'department.get', params: { sort: 'ID', order: 'ASC' }, map: mapDepartment },
];

/** Every row of a paged method: the first page, then all other offsets in batches of `batchCalls`. */
async function readAll(rt: BitrixRuntime, d: DirectoryEntity, batchCalls: number, signal: AbortSignal): Promise<Rec[]> {
  const first = await rt.client.call<Rec[]>(d.method, { ...d.params, start: 0 }, { signal });
  const rows = Array.isArray(first.result) ? [...first.result] : [];
  const total = Number(first.total ?? rows.length);
  const starts: number[] = [];
  for (let s = BITRIX_PAGE_SIZE; s < total; s += BITRIX_PAGE_SIZE) starts.push(s);
  for (let i = 0; i < starts.length; i += batchCalls) {
    const chunk = starts.slice(i, i + batchCalls);
    const answer = await rt.client.batch(Object.fromEntries(chunk.map((s) => [`s${s}`, bitrixBatchCommand(d.method, { ...d.params, start: s })])), { signal });
    for (const s of chunk) {
      const err = answer.errors[`s${s}`];
      if (err) throw bitrixSubCallError(rt.client.portal, d.method, err);
      const page = answer.result[`s${s}`];
      if (Array.isArray(page)) rows.push(...(page as Rec[]));
    }
  }
  return rows;
}

export function directoryDue(cycle: number, every: number, states: Map<string, BitrixEntityState>): boolean {
  return cycle % every === 0 || DIRECTORY.some((d) => states.get(d.table)?.lastSyncedMs == null);
}

export async function syncDirectory(
  rt: BitrixRuntime,
  run: TaskRun,
  states: Map<string, BitrixEntityState>,
  settings: { batchCalls: number; guard: { share: number; min: number } },
  map: BitrixMapContext,
  report: CycleReport,
): Promise<void> {
  for (const d of DIRECTORY) {
    if (run.signal.aborted) {
      report.stopped = true;
      return;
    }
    const state = states.get(d.table) ?? emptyState(d.table);
    try {
      const recs = await readAll(rt, d, settings.batchCalls, run.signal);
      const rows: BitrixRowValues[] = [];
      for (const rec of recs) {
        const mapped = d.map(rec, map);
        report.recordIssues(d.table, mapped.id, mapped.issues);
        if (mapped.id !== null) rows.push(mapped.row as BitrixRowValues);
      }
      const changed = await rt.store.writePage(d.table, rows, (n) => ({ ...state, rows: n, ok: true, error: null, lastSyncedMs: Date.now() }));
      Object.assign(state, { rows: changed, ok: true, error: null, lastSyncedMs: Date.now() });
      states.set(d.table, state);
      report.add(d.table, changed, rows.length);
      const outcome = await rt.store.reconcile(d.table, rows.map((r) => r.id), settings.guard);
      report.deleted += outcome.deleted;
      if (outcome.refused) {
        report.refused.push({ entity: d.table, reason: outcome.refused });
        report.log.error({ entity: d.table, ...outcome }, `Bitrix24 ${d.table}: deletions refused by the guard`);
      }
      await run.progress({ step: d.table, done: rows.length, total: rows.length });
    } catch (err) {
      report.entityFailed(d.table, err, run.signal);
      if (!run.signal.aborted) await recordFailure(rt, state, err);
    }
  }
}
