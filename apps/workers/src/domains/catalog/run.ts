/**
 * The state one catalog sync run carries from step to step: options, the watermarks read at the
 * start, what later steps need from earlier ones, and what the summary reports.
 */
import type { Logger } from '@mikrosync/core';
import type { CatalogState, WriteOptions } from '@mikrosync/connectors/web';
import type { StockLookups, VatTable } from '@mikrosync/mappers';
import type { WorkerContext } from '../../context.js';
import type { TaskRun } from '../../jobs/types.js';

export interface CatalogRun {
  ctx: WorkerContext;
  log: Logger;
  task: TaskRun;
  /** `--full`: every table read from the start, on-hand full pass. */
  full: boolean;
  /** Watermarks of every catalog table, read once at the start. */
  states: Map<string, CatalogState>;
  write: WriteOptions;
  batchSize: number;
  /** Rows written per step (the summary table). */
  rows: Record<string, number>;
  /** Lines for the summary: rows waiting for a parent, rejected rows, skipped work. */
  notes: string[];
  /** Refused mass deletions: the run fails with these after the other steps are done. */
  alerts: string[];
  /** Stocks created by this run and stocks whose movements were deleted: on-hand recomputed. */
  onHandCodes: Set<string>;
  /** Loaded by the steps that need them, once per run. */
  lookups?: StockLookups;
  vat?: VatTable;
  specialCodes?: Set<string>;
}

export function flagArg(args: Record<string, unknown>, name: string): boolean {
  const v = args[name];
  return v === true || v === 'true' || v === '1' || v === 'yes';
}

export const stopped = (run: CatalogRun): boolean => run.task.signal.aborted;

export async function progress(run: CatalogRun, step: string, done: number, total?: number): Promise<void> {
  await run.task.progress({ step, done, total: total ?? done }).catch(() => undefined);
}

/** Logs rows that were not written, naming their keys (at most 50 per line). */
export function reportRows(run: CatalogRun, step: string, what: string, items: readonly { key: string | number; reason: string }[], level: 'warn' | 'info' = 'warn'): void {
  if (!items.length) return;
  const byReason = new Map<string, (string | number)[]>();
  for (const i of items) byReason.set(i.reason, [...(byReason.get(i.reason) ?? []), i.key]);
  for (const [reason, keys] of byReason) {
    run.log[level]({ step, count: keys.length, keys: keys.slice(0, 50), reason }, `${step}: ${keys.length} row(s) ${what}: ${reason}`);
  }
}
