/**
 * One incremental table step (spec 2.2, rule 14): rows after the watermark in (lastup_date, key)
 * pages; each page is mapped (pure), written in ONE sync-marked web transaction together with the
 * new watermark, so the watermark only ever names committed rows. Rows whose parent is missing are
 * kept in a retry set (sync_state.details.retry) and read again first thing next run (trap 23).
 * The next page is read from the ERP while the current one is written.
 */
import { PermanentError, says } from '@mikrosync/core';
import { countAfter, readByKeys, readPage, type ErpSource, type KeysetCursor } from '@mikrosync/connectors/erp';
import { saveCatalogState, catalogTransaction, type CatalogStateDetails } from '@mikrosync/connectors/web';
import { erpTimestampText, type Mapped } from '@mikrosync/mappers';
import type pg from 'pg';
import { progress, reportRows, stopped, type CatalogRun } from './run.js';

export interface WriteResult {
  written: number;
  /** Keys (the source's key column) of rows whose parent is not on the web yet. */
  missing: { key: number | string; reason: string }[];
}

/** A step reading `R` rows from its source and writing the `W` rows its mapper makes of them. */
export interface KeysetStep<R, W> {
  /** Progress step and summary row: the web table. */
  step: string;
  /** sync_state.tablo_adi: the ERP table. */
  state: string;
  source: ErpSource<R>;
  /** Loads what the mapping needs; called only when there is something to read. */
  prepare?(run: CatalogRun): Promise<void>;
  map(run: CatalogRun, rows: R[]): Mapped<W>;
  write(run: CatalogRun, client: pg.PoolClient, rows: W[]): Promise<WriteResult>;
}

function keyOf<R>(source: ErpSource<R>, row: R): number | string {
  const v: unknown = row[source.key];
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) && source.key.endsWith('RECno') ? Number(v) : String(v ?? '');
}

function cursorOfRow<R>(source: ErpSource<R>, row: R): KeysetCursor {
  return { time: source.lastup ? erpTimestampText(row[source.lastup]) : null, key: keyOf(source, row) };
}

function startCursor(run: CatalogRun, s: Pick<KeysetStep<never, unknown>, 'state' | 'source'>): KeysetCursor | null {
  const st = run.states.get(s.state);
  if (run.full || !st || st.watermarkTime === null) return null;
  const key = s.source.key.endsWith('RECno') ? st.watermarkRecno : st.details.key;
  return key === null || key === undefined ? null : { time: st.watermarkTime, key };
}

export async function runKeysetStep<R, W>(run: CatalogRun, s: KeysetStep<R, W>): Promise<void> {
  const { erp, web, config } = run.ctx;
  const st = run.states.get(s.state);
  let cursor = startCursor(run, s);
  const details: CatalogStateDetails = { ...(st?.details ?? {}) };
  // A full read re-reads every waiting row anyway.
  const waiting = new Set<number | string>(run.full ? [] : (st?.details.retry ?? []));
  const retryKeys = [...waiting];
  const total = (await countAfter(erp, s.source, cursor)) + retryKeys.length;
  run.rows[s.step] = run.rows[s.step] ?? 0;
  if (total === 0) {
    await progress(run, s.step, 0, 0);
    return;
  }
  await s.prepare?.(run);
  let done = 0;
  let written = 0;
  let rejected = 0;

  const commit = async (page: R[], next: KeysetCursor | null) => {
    const mapped = s.map(run, page);
    rejected += mapped.rejected.length;
    reportRows(run, s.step, 'not written', mapped.rejected);
    if (mapped.duplicates) run.log.info({ step: s.step, duplicates: mapped.duplicates }, `${s.step}: ${mapped.duplicates} row(s) share a web key with a later row of the batch; the later one wins`);
    await catalogTransaction(web, async (client) => {
      const res = await s.write(run, client, mapped.rows);
      for (const r of page) waiting.delete(keyOf(s.source, r));
      for (const m of res.missing) waiting.add(m.key);
      reportRows(run, s.step, 'wait for their parent (retried next run)', res.missing);
      if (waiting.size > config.catalog.retryMax) {
        throw new PermanentError(`${s.state}: ${waiting.size} rows wait for a parent that is not on the web (more than CATALOG_RETRY_MAX ${config.catalog.retryMax}); the run stops here.`, {
          says: says('err.catalogParents', { table: s.state, count: waiting.size, max: config.catalog.retryMax }),
          fix: `see the log lines of step ${s.step} for the keys; sync or create their parents (stocks, accounts, price list definitions), then run again`,
        });
      }
      written += res.written;
      if (next) cursor = next;
      details.retry = [...waiting];
      if (s.source.key.endsWith('RECno')) delete details.key;
      else if (cursor) details.key = String(cursor.key);
      await saveCatalogState(
        client,
        {
          table: s.state,
          watermarkTime: cursor?.time ?? null,
          watermarkRecno: cursor && typeof cursor.key === 'number' ? cursor.key : null,
          details,
          rows: written,
          ok: true,
        },
        run.write.timeZone,
      );
    });
    done += page.length;
    run.rows[s.step] = written;
    await progress(run, s.step, done, Math.max(total, done));
  };

  if (retryKeys.length) {
    const rows = await readByKeys(erp, s.source, retryKeys);
    // Rows gone from the ERP no longer wait.
    for (const k of retryKeys) waiting.delete(k);
    await commit(rows, null);
    done += retryKeys.length - rows.length;
  }

  const read = (c: KeysetCursor | null) => {
    const p = readPage(erp, s.source, c, run.batchSize);
    p.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    return p;
  };
  let pending: Promise<R[]> | undefined = read(cursor);
  while (pending) {
    const page: R[] = await pending;
    if (!page.length) break;
    const next = cursorOfRow(s.source, page[page.length - 1]!);
    // A short page is the end for this run; rows that arrive meanwhile are next run's.
    pending = page.length === run.batchSize && !stopped(run) ? read(next) : undefined;
    await commit(page, next);
    if (stopped(run)) {
      run.notes.push(`${s.step}: stopped after a batch (shutdown); continues from the watermark next run`);
      break;
    }
  }
  if (waiting.size) run.notes.push(`${s.step}: ${waiting.size} row(s) wait for a parent (retried next run)`);
  if (rejected) run.notes.push(`${s.step}: ${rejected} row(s) rejected (see log)`);
  await progress(run, s.step, Math.max(done, total), Math.max(done, total));
}
