/**
 * Stock on hand (spec 2.11, rule 25). Incremental: only stocks with stock movements after this
 * step's own watermark (plus stocks created this run and stocks whose movements were deleted) are
 * read from the view; only changed values are written. A periodic full
 * pass (CATALOG_ONHAND_FULL_PASS_MINUTES, and every `--full`) reads the whole view by code and
 * zeroes ERP stocks it no longer lists, catching any drift.
 */
import { CATALOG_SOURCES, latestCursorRow, readOnHandByCodes, readOnHandPage, readPage, type KeysetCursor } from '@mikrosync/connectors/erp';
import { saveCatalogState, catalogTransaction, writeOnHand, zeroOnHandExcept } from '@mikrosync/connectors/web';
import type { ErpOnHand } from '@mikrosync/core';
import { erpTimestampText, mapOnHand } from '@mikrosync/mappers';
import { progress, stopped, type CatalogRun } from './run.js';

const STATE = 'STOK_HAREKETTEN_ELDEKI_MIKTAR_VIEW';
const STEP = 'eldeki_miktar';
const src = CATALOG_SOURCES.stockMovementCodes;

const toCursor = (row: Record<string, unknown> | undefined): KeysetCursor | null =>
  row ? { time: erpTimestampText(row.sth_lastup_date), key: Number(row.sth_RECno) } : null;

async function save(run: CatalogRun, cursor: KeysetCursor | null, details: Record<string, unknown>, rows: number, client: Parameters<typeof saveCatalogState>[0]) {
  await saveCatalogState(
    client,
    { table: STATE, watermarkTime: cursor?.time ?? null, watermarkRecno: cursor ? Number(cursor.key) : null, details, rows, ok: true },
    run.write.timeZone,
  );
}

export async function syncOnHand(run: CatalogRun): Promise<void> {
  const st = run.states.get(STATE);
  const details = { ...(st?.details ?? {}) };
  const minutes = run.ctx.config.catalog.onHandFullPassMinutes;
  const last = details.fullPassAt ? Date.parse(details.fullPassAt) : NaN;
  const due = run.full || Number.isNaN(last) || Date.now() - last >= minutes * 60_000;
  run.rows[STEP] = 0;
  if (due) await fullPass(run, details);
  else await incremental(run, st && st.watermarkTime !== null ? { time: st.watermarkTime, key: Number(st.watermarkRecno ?? 0) } : null, details);
}

async function fullPass(run: CatalogRun, details: Record<string, unknown>): Promise<void> {
  const { erp, web } = run.ctx;
  // Movements after this point are the next incremental run's: the pass may not see all of them.
  const start = toCursor(await latestCursorRow(erp, src));
  const seen: string[] = [];
  let after: string | null = null;
  let written = 0;
  for (;;) {
    const page: ErpOnHand[] = await readOnHandPage<ErpOnHand>(erp, after, run.batchSize);
    if (!page.length) break;
    const rows = mapOnHand(page);
    seen.push(...rows.map((r) => r.stok_kodu));
    written += await catalogTransaction(web, (client) => writeOnHand(client, rows, run.write));
    await progress(run, STEP, seen.length);
    if (page.length < run.batchSize) break;
    after = String(page[page.length - 1]!.sth_stok_kod);
    if (stopped(run)) return; // no watermark saved: the next run repeats the pass
  }
  await catalogTransaction(web, async (client) => {
    written += await zeroOnHandExcept(client, seen);
    await save(run, start, { ...details, fullPassAt: new Date().toISOString() }, written, client);
  });
  run.rows[STEP] = written;
  await progress(run, STEP, seen.length, seen.length);
}

async function incremental(run: CatalogRun, cursor: KeysetCursor | null, details: Record<string, unknown>): Promise<void> {
  const { erp, web } = run.ctx;
  const codes = new Set(run.onHandCodes);
  let next = cursor;
  for (;;) {
    const page = await readPage(erp, src, next, run.batchSize);
    for (const r of page) {
      const code = String(r.sth_stok_kod ?? '').trim();
      if (code) codes.add(code);
    }
    if (page.length) next = toCursor(page[page.length - 1]);
    if (page.length < run.batchSize) break;
  }
  if (!codes.size && next === cursor) {
    await progress(run, STEP, 0, 0);
    return;
  }
  const all = [...codes];
  let written = 0;
  for (let i = 0; i < all.length; i += run.batchSize) {
    const part = all.slice(i, i + run.batchSize);
    const rows = mapOnHand(await readOnHandByCodes<ErpOnHand>(erp, part), part);
    written += await catalogTransaction(web, (client) => writeOnHand(client, rows, run.write));
    await progress(run, STEP, i + part.length, all.length);
  }
  await catalogTransaction(web, (client) => save(run, next, details, written, client));
  run.rows[STEP] = written;
}
