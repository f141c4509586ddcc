/**
 * Entegra SQLite -> web mirror, one run (spec entegra.md 2-5, 7.2, 7.3, made correct):
 *   0. open the file read-only; check every table's layout before touching the web;
 *   1. in ONE web transaction (withSyncTransaction: no capture echo, all or nothing): pick each
 *      table's rows (empty mirror: all; first run of the local day: changed in the last month;
 *      later runs: the last 3 days; always new ids and orders cancelled in Entegra), read and stage
 *      them (COPY), find products deleted in Entegra;
 *   2. merge each table with one statement (only differing rows are written; whole-table tables
 *      also delete what Entegra no longer has, so product_quantity is replaced atomically: readers
 *      see the old set until the commit, then the new one);
 *   3. advance the state in sync_state and commit.
 * A bad value or layout fails the run with a PermanentError before anything is visible on the web.
 */
import { PermanentError, says, type Config, type Logger, type TaskProgress, type TaskResult } from '@mikrosync/core';
import { withSyncTransaction, type WebPool } from '@mikrosync/connectors/web';
import {
  addMirrorColumns,
  deleteMissing,
  deleteMissingInScope,
  deleteProducts,
  EntegraReader,
  mergeUpsert,
  mirrorColumns,
  mirrorStats,
  ordersToCancel,
  pgClock,
  pruneUnchanged,
  readEntegraState,
  replaceAll,
  tryLockEntegraSync,
  withRowids,
  writeEntegraState,
  type EntegraSelection,
  type EntegraState,
  type MirrorStat,
  type ProductDeletion,
  type ReadPlan,
  type SqliteColumn,
  type WebClient,
} from '@mikrosync/connectors/entegra';
import { CANCELLED_ORDER_STATUS, MIRROR_TABLES, planColumns, runWindow, type ColumnPlan, type MirrorTable, type RunWindow } from '@mikrosync/mappers';
import { findDeletedProducts } from './deleted-products.js';
import { entegraFile } from './file.js';
import { RunInterrupted, stageTable, type StagedTable } from './stage-table.js';

export interface EntegraSyncDeps {
  config: Config;
  log: Logger;
  web: WebPool;
}

export interface EntegraSyncOptions {
  /** Read every table whole (mikrosync run entegra sync --full). */
  full?: boolean;
  now?: Date;
  signal?: AbortSignal;
  progress?: (p: TaskProgress) => unknown;
  /** Test seam: runs after every table is staged, before the first merge. */
  beforeMerge?: () => Promise<void>;
}

const journalLogged = new Set<string>();

interface Selector {
  full: boolean;
  window: RunWindow;
  state: EntegraState;
  stats: Map<string, MirrorStat>;
  layouts: Map<string, SqliteColumn[] | null>;
  staged: Map<string, StagedTable>;
}

function selectionFor(t: MirrorTable, s: Selector): EntegraSelection {
  const stat = s.stats.get(t.pg)!;
  if (s.full || stat.empty || !t.key) return { kind: 'all' };
  const afterKey = s.state.tables.get(t.pg)?.watermark ?? stat.maxKey;
  const st = t.strategy;
  if (st.kind === 'window') {
    const present = new Set((s.layouts.get(t.sqlite) ?? []).map((c) => c.name));
    const changeColumns = [...st.changeColumns, ...(st.optionalChangeColumns ?? []).filter((c) => present.has(c))];
    return { kind: 'rows', key: t.key, changeColumns, since: s.window.since, afterKey };
  }
  if (st.kind === 'order-lines') {
    // The lines of exactly the orders this run read (their keys), plus new lines.
    const orders = s.staged.get('order');
    if (!orders?.keys || orders.selection.kind !== 'rows') return { kind: 'all' };
    return { kind: 'lines', key: t.key, orderKey: st.orderKey, orderKeys: orders.keys, afterKey };
  }
  return { kind: 'all' };
}

function throttled(progress: EntegraSyncOptions['progress']): (step: string, done: number, total: number) => void {
  let last = 0;
  return (step, done, total) => {
    const now = Date.now();
    if (!progress || (done < total && now - last < 250)) return;
    last = now;
    void Promise.resolve(progress({ step, done, total })).catch(() => undefined);
  };
}

/** Phase 2: one merge per staged table; returns rows written (inserted, updated, deleted). */
async function mergeTable(c: WebClient, s: StagedTable, readStartedAt: Date): Promise<number> {
  if (s.mode !== 'staged') return s.copied;
  const t = s.table;
  const columns = s.plan.columns.map((col) => col.name);
  if (t.strategy.kind === 'replace' || !t.key) return replaceAll(c, t.pg, s.stage!, columns);
  const guard = t.sqlite === 'order' && columns.includes('invoice_print') ? { column: 'invoice_print', readStartedAt } : undefined;
  let n = 0;
  if (t.strategy.kind === 'full' || (t.strategy.kind === 'order-lines' && s.selection.kind === 'all')) {
    n += await deleteMissing(c, t.pg, s.stage!, t.key);
  } else if (t.strategy.kind === 'order-lines') {
    // Lines of the orders read this run that Entegra no longer has (the selection named them).
    const orderKeys = s.selection.kind === 'lines' ? s.selection.orderKeys : [];
    n += await deleteMissingInScope(c, { table: t.pg, stage: s.stage!, key: t.key, scopeColumn: t.strategy.orderKey, scopeKeys: orderKeys });
  }
  await pruneUnchanged(c, { table: t.pg, stage: s.stage!, key: t.key, columns });
  n += await mergeUpsert(c, { table: t.pg, stage: s.stage!, key: t.key, columns, guard });
  return n;
}

/**
 * PostgreSQL refusing a value or a row (SQLSTATE classes 22 and 23: a constraint or a type the
 * mirror table has and the catalogue does not know) will refuse it again: no retry.
 */
function asPermanentIfDataError(err: unknown, source: string): unknown {
  const e = err as { code?: unknown; message?: string; where?: string; table?: string; column?: string };
  if (typeof e?.code !== 'string' || !/^2[23]/.test(e.code)) return err;
  const at = [e.table && `table ${e.table}`, e.column && `column ${e.column}`, e.where].filter(Boolean).join(', ');
  return new PermanentError(`the web database refused Entegra data from ${source}: ${e.message} (${e.code}${at ? `; ${at}` : ''}); nothing was written.`, {
    cause: err,
    says: says('err.entegraValue', { detail: `${e.message ?? ''}${at ? ` (${at})` : ''}` }),
    fix: 'correct the value in Entegra, or align the mirror table with db/migrations/1763802000000_entegra-mirror-tables.sql (a type or constraint differs)',
  });
}

export async function runEntegraSync(deps: EntegraSyncDeps, opts: EntegraSyncOptions = {}): Promise<TaskResult> {
  const { config, log } = deps;
  const started = performance.now();
  // Milliseconds since the start at each phase, kept in the run's state row (where does a run spend).
  const phases: Record<string, number> = {};
  const mark = (phase: string): void => void (phases[phase] = Math.round(performance.now() - started));
  const file = entegraFile(config);
  const reader = await EntegraReader.open(file, opts.signal);
  const report = throttled(opts.progress);
  try {
    const journal = await reader.journalMode();
    if (!journalLogged.has(file.path)) {
      journalLogged.add(file.path);
      log.info({ path: file.path, journalMode: journal }, 'Entegra database opened read-only');
    }
    const layouts = new Map<string, SqliteColumn[] | null>();
    for (const t of MIRROR_TABLES) layouts.set(t.sqlite, await reader.columns(t.sqlite));

    mark('opened');
    return await withSyncTransaction(deps.web, async (c) => {
      if (!(await tryLockEntegraSync(c))) return { summary: 'skipped: another Entegra sync is running', rows: {} };
      const pgColumns = await mirrorColumns(c, MIRROR_TABLES.map((t) => t.pg));
      const plans = new Map<string, ColumnPlan>();
      for (const t of MIRROR_TABLES) plans.set(t.sqlite, planColumns(t, layouts.get(t.sqlite) ?? null, pgColumns.get(t.pg)!, file.path));
      for (const t of MIRROR_TABLES) {
        const add = plans.get(t.sqlite)!.add;
        if (!add.length) continue;
        log.warn({ table: t.pg, columns: add }, 'Entegra has new columns: adding them to the mirror table');
        await addMirrorColumns(c, t.pg, add);
      }

      const state = await readEntegraState(c);
      const window = runWindow(opts.now ?? new Date(), config.entegra.timeZone, state.run.localDate);
      const stats = await mirrorStats(c, MIRROR_TABLES.map((t) => ({ pg: t.pg, key: t.key, counted: t.skipWhenUnchanged })));
      const full = opts.full === true;
      const selector: Selector = { full, window, state, stats, layouts, staged: new Map() };
      mark('prepared');
      // Write-backs settled after this instant may not be in what is read next (see InvoicePrintGuard).
      const readStartedAt = await pgClock(c);

      const staged: StagedTable[] = [];
      let deletions: ProductDeletion[] = [];
      for (const t of MIRROR_TABLES) {
        if (opts.signal?.aborted) throw new RunInterrupted('stopped by shutdown before the commit');
        const selection = selectionFor(t, selector);
        let readPlan: ReadPlan | undefined;
        if (t.sqlite === 'order' && selection.kind === 'rows') {
          // Orders cancelled in Entegra (status '9') that the mirror does not show as cancelled are
          // read too, whatever their dates: found in the same scan as the window.
          const { plan, flagged } = await reader.planWithFlagged('order', selection, { where: '"status" = ?', params: [CANCELLED_ORDER_STATUS] });
          const toCancel = new Set(await ordersToCancel(c, flagged.map((f) => f.key), CANCELLED_ORDER_STATUS));
          readPlan = withRowids(plan, flagged.filter((f) => toCancel.has(f.key)).map((f) => f.rowid));
        }
        const done = await stageTable({
          readPlan,
          client: c,
          reader,
          source: file.path,
          table: t,
          plan: plans.get(t.sqlite)!,
          selection,
          stat: stats.get(t.pg)!,
          maySkip: t.skipWhenUnchanged && !full,
          previousDigest: state.tables.get(t.pg)?.digest ?? null,
          collectKeys: t.sqlite === 'order' && selection.kind === 'rows',
          progress: (n, total) => report(t.sqlite, n, total),
          signal: opts.signal,
        });
        staged.push(done);
        selector.staged.set(t.sqlite, done);
        if (t.sqlite === 'product') deletions = await findDeletedProducts(c, reader, file.path);
      }
      mark('staged');
      await opts.beforeMerge?.();

      const rows: Record<string, number> = {};
      const mergeMs = new Map<string, number>();
      for (const s of staged) {
        const t0 = performance.now();
        rows[s.table.sqlite] = await mergeTable(c, s, readStartedAt);
        mergeMs.set(s.table.sqlite, Math.round(performance.now() - t0));
      }
      const productsDeleted = await deleteProducts(c, deletions);
      rows['product (deleted in Entegra)'] = productsDeleted;
      if (deletions.length) log.info({ products: deletions.map((d) => d.id) }, 'products deleted in Entegra removed from the mirror');

      mark('merged');
      await writeEntegraState(
        c,
        { localDate: window.localDate, details: { window: window.kind, since: window.since, full, journalMode: journal, readStartedAt: readStartedAt.toISOString(), phases } },
        staged.map((s) => {
          const previous = state.tables.get(s.table.pg)?.watermark ?? null;
          const watermark = s.maxKey === null ? previous : Math.max(previous ?? s.maxKey, s.maxKey);
          return {
            table: s.table.pg,
            watermark,
            digest: s.digest,
            written: rows[s.table.sqlite] ?? 0,
            details: { mode: s.mode, selection: s.selection.kind, read: s.read, stageMs: Math.round(s.ms), mergeMs: mergeMs.get(s.table.sqlite) ?? 0 },
          };
        }),
      );

      const read = staged.reduce((n, s) => n + s.read, 0);
      const written = Object.values(rows).reduce((n, v) => n + v, 0);
      const copied = staged.filter((s) => s.mode === 'copied').map((s) => s.table.sqlite);
      const label = full ? 'full run' : window.kind === 'month' ? `first run of ${window.localDate}: changes since ${window.since}` : `changes since ${window.since}`;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const summary = `Entegra -> web (${label}${copied.length ? `; copied in full: ${copied.join(', ')}` : ''}): ${read} rows read, ${written} written in ${seconds} s`;
      return { summary, rows };
    });
  } catch (err) {
    if (err instanceof RunInterrupted) return { summary: `Entegra sync interrupted (${err.message}); nothing committed, the next run repeats it`, rows: {} };
    throw asPermanentIfDataError(err, file.path);
  } finally {
    reader.close();
  }
}
