/**
 * The incremental read of leads, contacts, companies, deals, activities and tasks (spec §5):
 *
 * 1. One probe `batch` fetches the first page of every entity (an idle cycle is one request).
 *    Its `time.date_start` is the portal's "now" at the start of the walk.
 * 2. Filter `>=CHANGE_FIELD: watermark - overlap` (never `>`, never OR), keyset by ID: a row
 *    changed after the walk began has a change time >= that "now" and is read next cycle even if
 *    the walk already passed its ID; equal timestamps are never skipped.
 * 3. Each group of pages commits with the entity's cursor (last id) in one transaction; when the
 *    walk completes, the watermark becomes the walk's start and the cursor 0. A stopped walk
 *    resumes at its cursor with the same filter and keeps its original start.
 */
import { BITRIX_INCREMENTAL_ENTITIES, bitrixPortalClock, changeFilterValue, BITRIX_PAGE_SIZE, type BitrixIncrementalEntity, type BitrixPortalClock } from '@mikrosync/mappers';
import { bitrixBatchCommand, BitrixMethodPausedError, bitrixSubCallError, type BitrixEntityState, type BitrixRowValues } from '@mikrosync/connectors/bitrix';
import type { TaskRun } from '../../jobs/types.js';
import type { BitrixRuntime } from './runtime.js';
import type { CycleReport } from './report.js';
import { lastIdOf, pageParams, rowsOf, walkKeyset, type Rec } from './keyset.js';

export interface IncrementalSettings {
  overlapSeconds: number;
  batchCalls: number;
}

export function emptyState(entity: string): BitrixEntityState {
  return { entity, watermarkMs: null, cursor: 0, details: {}, ok: true, error: null, rows: 0, lastSyncedMs: null };
}

function changeFilter(e: BitrixIncrementalEntity, state: BitrixEntityState, overlapSeconds: number): Rec {
  if (state.watermarkMs === null) return {};
  return { [`>=${e.changeField}`]: changeFilterValue(state.watermarkMs, overlapSeconds, state.details.portalOffset) };
}

/** Maps and commits one group of pages; completes the walk when the group ends it. */
async function commitPages(rt: BitrixRuntime, e: BitrixIncrementalEntity, state: BitrixEntityState, pages: Rec[][], complete: boolean, report: CycleReport): Promise<void> {
  const rows: BitrixRowValues[] = [];
  const ctx = { portalOffset: state.details.portalOffset };
  for (const rec of pages.flat()) {
    const mapped = e.map(rec, ctx);
    report.recordIssues(e.name, mapped.id, mapped.issues);
    if (mapped.id !== null) rows.push(mapped.row as BitrixRowValues);
  }
  const cursor = complete ? 0 : lastIdOf(e, pages);
  // The state in memory changes only once the transaction that carries it has committed.
  let next = state;
  const changed = await rt.store.writePage(e.table, rows, (n) => {
    next = { ...state, details: { ...state.details } };
    const walkChanged = Number(state.details.walkChanged ?? 0) + n;
    if (complete) {
      next.watermarkMs = state.details.walkStartedMs ?? state.watermarkMs;
      next.cursor = 0;
      next.rows = walkChanged;
      next.lastSyncedMs = Date.now();
      next.ok = true;
      next.error = null;
      delete next.details.walkStartedMs;
      delete next.details.walkChanged;
      // A first load has just listed every id: the next ID sweep is due an interval from now.
      if (state.watermarkMs === null) next.details.reconciledMs = Date.now();
    } else {
      next.cursor = cursor;
      next.details.walkChanged = walkChanged;
    }
    return next;
  });
  Object.assign(state, next);
  report.add(e.table, changed, rows.length);
}

export async function syncIncremental(rt: BitrixRuntime, run: TaskRun, states: Map<string, BitrixEntityState>, settings: IncrementalSettings, report: CycleReport): Promise<BitrixPortalClock | undefined> {
  const entities = BITRIX_INCREMENTAL_ENTITIES.map((e) => ({ e, state: states.get(e.name) ?? emptyState(e.name) }));
  for (const x of entities) states.set(x.e.name, x.state);
  const params = (x: (typeof entities)[number]) => pageParams(x.e, changeFilter(x.e, x.state, settings.overlapSeconds), x.state.cursor, x.e.select);

  // A second walk over a table (task_activity) has nothing to add to that table's first load:
  // it starts where the first load started.
  const secondaryFirstLoad = (x: (typeof entities)[number]) => x.e.name !== x.e.table && x.state.watermarkMs === null && x.state.cursor === 0;

  // 1. The probe: first page of every entity whose method is not paused, in one request.
  let probe = entities.filter((x) => !secondaryFirstLoad(x));
  let answer: Awaited<ReturnType<typeof rt.client.batch>> | undefined;
  while (probe.length && !answer) {
    try {
      answer = await rt.client.batch(Object.fromEntries(probe.map((x) => [x.e.name, bitrixBatchCommand(x.e.method, params(x))])), { signal: run.signal });
    } catch (err) {
      const paused = err instanceof BitrixMethodPausedError ? probe.find((x) => x.e.method === err.method) : undefined;
      if (!paused) {
        for (const x of probe) report.entityFailed(x.e.name, err, run.signal);
        return undefined;
      }
      report.entityFailed(paused.e.name, err, run.signal);
      probe = probe.filter((x) => x !== paused);
    }
  }
  if (!answer) return undefined;
  const clock = bitrixPortalClock(answer.time) ?? { epochMs: Date.now(), offset: undefined };

  // 2. Each entity: commit the probe page, then walk on with chained batches.
  for (const x of probe) {
    if (run.signal.aborted) {
      report.stopped = true;
      break;
    }
    try {
      const err = answer.errors[x.e.name];
      if (err) throw bitrixSubCallError(rt.client.portal, x.e.method, err);
      // A resumed walk keeps the start of the walk it continues: that is its watermark.
      x.state.details.walkStartedMs ??= clock.epochMs;
      if (clock.offset) x.state.details.portalOffset = clock.offset;
      const first = rowsOf(x.e, answer.result[x.e.name]);
      const complete = first.length < BITRIX_PAGE_SIZE;
      await commitPages(rt, x.e, x.state, [first], complete, report);
      await run.progress({ step: x.e.name, done: report.fetched[x.e.table] ?? 0 });
      if (complete) continue;
      const outcome = await walkKeyset({
        client: rt.client,
        entity: x.e,
        filter: changeFilter(x.e, x.state, settings.overlapSeconds),
        select: x.e.select,
        cursor: x.state.cursor,
        batchCalls: settings.batchCalls,
        signal: run.signal,
        // A first load is usually big: its chain starts at 8 pages (incremental walks at 2), so a
        // large table reaches 50-page requests sooner and a small one wastes at most a few sub-calls.
        firstChain: x.state.watermarkMs === null ? 8 : 2,
        onPages: async (pages, done) => {
          await commitPages(rt, x.e, x.state, pages, done, report);
          await run.progress({ step: x.e.name, done: report.fetched[x.e.table] ?? 0 });
        },
      });
      if (outcome === 'stopped') report.stopped = true;
    } catch (err) {
      report.entityFailed(x.e.name, err, run.signal);
      if (!run.signal.aborted) await recordFailure(rt, x.state, err);
    }
  }
  for (const x of entities.filter(secondaryFirstLoad)) {
    const primary = states.get(x.e.table);
    if (!primary || primary.watermarkMs === null || primary.cursor !== 0) continue;
    Object.assign(x.state, { watermarkMs: primary.watermarkMs, lastSyncedMs: Date.now(), details: { ...x.state.details, portalOffset: primary.details.portalOffset } });
    await rt.store.saveState(rt.store.pool, x.state);
  }
  return clock;
}

/** Keeps the failure on the entity's sync_state row (the status page shows it). */
export async function recordFailure(rt: BitrixRuntime, state: BitrixEntityState, err: unknown): Promise<void> {
  if (err instanceof BitrixMethodPausedError) return;
  state.ok = false;
  state.error = err instanceof Error ? err.message : String(err);
  await rt.store.saveState(rt.store.pool, state).catch(() => undefined);
}
