/**
 * ERP deletions reaching the web (spec 2.12, open question Q34), two ways:
 * - the delete log: where our AFTER DELETE triggers are installed, the log entries after the last
 *   applied one are applied in order (step 0b of the run);
 * - key reconciliation: for tables without a trigger, every CATALOG_RECONCILE_INTERVAL_MINUTES the
 *   ERP keys are compared with the web's ERP-origin rows (at the end of the run).
 * Either way a table that would lose more than CATALOG_DELETE_GUARD_SHARE of its rows is left
 * untouched and the run fails with the reason (dead-letter queue), unless the operator passes
 * `--arg allowMassDelete=true`.
 */
import { mikroTimestamp } from '@mikrosync/core';
import {
  CATALOG_SOURCES,
  countDeleteLog,
  purgeDeleteLog,
  readDeleteLog,
  readInstalledDeleteTriggers,
  readKeyPage,
  type AnyErpSource,
  type Row,
} from '@mikrosync/connectors/erp';
import {
  applyDeletions,
  countErpOriginRows,
  saveCatalogState,
  webCodesMissingFrom,
  webRecnosMissingFrom,
  catalogTransaction,
  type DeletionCounts,
} from '@mikrosync/connectors/web';
import { DELETION_TABLES, deletionCounts, deletionRefusal, emptyDeletionPlan, planDeletions, type DeleteLogRow, type DeletionPlan, type DeletionTable } from '@mikrosync/mappers';
import { flagArg, progress, stopped, type CatalogRun } from './run.js';

const LOG_STATE = 'MIKROSYNC_DELETE_LOG';
const STEP = 'silinenler';

/** Tables whose delete trigger is installed; an ERP that refuses the catalog query has none. */
export async function installedTriggers(run: CatalogRun): Promise<Set<string>> {
  try {
    return await readInstalledDeleteTriggers(run.ctx.erp);
  } catch (err) {
    run.log.warn({ err }, 'could not list our delete triggers in the ERP; deletions are found by key reconciliation');
    return new Set();
  }
}

function refusals(run: CatalogRun, removing: Partial<Record<DeletionTable, number>>, totals: DeletionCounts): string[] {
  if (flagArg(run.task.args, 'allowMassDelete')) return [];
  const g = { maxShare: run.ctx.config.catalog.deleteGuardShare, minRows: run.ctx.config.catalog.deleteGuardMin };
  return Object.entries(removing)
    .filter(([t]) => (DELETION_TABLES as readonly string[]).includes(t))
    .map(([t, n]) => deletionRefusal(t, n ?? 0, totals[t as DeletionTable], g))
    .filter((r): r is string => r !== undefined);
}

const addCounts = (a: DeletionCounts, b: DeletionCounts) => {
  for (const k of Object.keys(a) as (keyof DeletionCounts)[]) a[k] += b[k];
};
const sum = (c: DeletionCounts) => c.STOKLAR + c.CARI_HESAPLAR + c.BARKOD_TANIMLARI + c.STOK_SATIS_FIYAT_LISTELERI + c.STOK_HAREKETLERI + c.CARI_HESAP_HAREKETLERI;

/** Step 0b: the delete log after the last applied entry, page by page. */
export async function applyDeleteLog(run: CatalogRun, installed: ReadonlySet<string>): Promise<void> {
  if (!installed.size) return;
  const { erp, web } = run.ctx;
  const st = run.states.get(LOG_STATE);
  let lastId = st?.watermarkRecno ?? 0;
  const applied: DeletionCounts = { STOKLAR: 0, CARI_HESAPLAR: 0, BARKOD_TANIMLARI: 0, STOK_SATIS_FIYAT_LISTELERI: 0, STOK_HAREKETLERI: 0, CARI_HESAP_HAREKETLERI: 0 };
  // The guard judges everything pending before anything is applied.
  const pending = await countDeleteLog(erp, lastId);
  if (!Object.keys(pending).length) return;
  const refused = refusals(run, pending, await countErpOriginRows(web));
  if (refused.length) {
    run.alerts.push(...refused.map((r) => `delete log: ${r}`));
    run.log.error({ refused, afterLogId: lastId }, 'ERP deletions refused by the mass-deletion guard; the delete log is not applied');
    return;
  }
  let entries = 0;
  for (;;) {
    const page = await readDeleteLog<DeleteLogRow>(erp, lastId, run.batchSize);
    if (!page.length) break;
    const plan = planDeletions(page);
    const pageLast = Number(page[page.length - 1]!.dl_id);
    await catalogTransaction(web, async (client) => {
      const done = await applyDeletions(client, plan);
      addCounts(applied, done);
      for (const c of done.movedStocks) run.onHandCodes.add(c);
      await saveCatalogState(client, { table: LOG_STATE, watermarkTime: null, watermarkRecno: pageLast, details: {}, rows: entries + page.length, ok: true }, run.write.timeZone);
    });
    for (const c of plan.onHandCodes) run.onHandCodes.add(c);
    lastId = pageLast;
    entries += page.length;
    await progress(run, STEP, entries);
    if (page.length < run.batchSize || stopped(run)) break;
  }
  if (!entries) return;
  run.rows[STEP] = (run.rows[STEP] ?? 0) + sum(applied);
  run.log.info({ entries, applied }, 'ERP delete log applied');
  const days = run.ctx.config.catalog.deleteLogRetentionDays;
  await purgeDeleteLog(erp, lastId, erpStamp(Date.now() - days * 86_400_000, run.write.timeZone)).catch((err) =>
    run.log.warn({ err }, 'could not purge applied entries of the ERP delete log (they are simply kept)'),
  );
}

/** 'YYYY-MM-DD hh:mm:ss.mmm' Mikro local time of an instant. */
function erpStamp(ms: number, timeZone: string): string {
  const t = mikroTimestamp(new Date(ms), timeZone); // 'YYYYMMDD hh:mm:ss.mmm'
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}${t.slice(8)}`;
}

const RECNO_SOURCES: Partial<Record<DeletionTable, AnyErpSource>> = {
  STOK_HAREKETLERI: CATALOG_SOURCES.stockMovements,
  CARI_HESAP_HAREKETLERI: CATALOG_SOURCES.accountMovements,
  BARKOD_TANIMLARI: CATALOG_SOURCES.barcodes,
  STOK_SATIS_FIYAT_LISTELERI: CATALOG_SOURCES.prices,
};
const CODE_SOURCES: Partial<Record<DeletionTable, { src: AnyErpSource; column: string }>> = {
  STOKLAR: { src: CATALOG_SOURCES.stocks, column: 'sto_kod' },
  CARI_HESAPLAR: { src: CATALOG_SOURCES.accounts, column: 'cari_kod' },
};

/** Web rows of one table whose ERP key vanished, as a deletion plan. */
async function vanished(run: CatalogRun, table: DeletionTable): Promise<DeletionPlan> {
  const { erp, web } = run.ctx;
  const plan = emptyDeletionPlan();
  const recnoSrc = RECNO_SOURCES[table];
  if (recnoSrc) {
    // ERP keys page by page; web keys of the same range that the page lacks are gone.
    const web_table = table as 'STOK_HAREKETLERI' | 'CARI_HESAP_HAREKETLERI' | 'BARKOD_TANIMLARI' | 'STOK_SATIS_FIYAT_LISTELERI';
    let lo = 0;
    const gone: { erp_recno: number; barkod?: string }[] = [];
    for (;;) {
      const keys = (await readKeyPage(erp, recnoSrc, lo, run.batchSize * 4)).map((r) => Number(r.k));
      const hi = keys.length < run.batchSize * 4 ? null : keys[keys.length - 1]!;
      gone.push(...(await webRecnosMissingFrom(web, web_table, lo, hi, keys)));
      if (hi === null) break;
      lo = hi;
    }
    if (table === 'STOK_HAREKETLERI') plan.stockMovements = gone.map((g) => g.erp_recno);
    if (table === 'CARI_HESAP_HAREKETLERI') plan.accountMovements = gone.map((g) => g.erp_recno);
    if (table === 'BARKOD_TANIMLARI') plan.barcodes = gone.map((g) => ({ erp_recno: g.erp_recno, barkod: g.barkod ?? '' }));
    if (table === 'STOK_SATIS_FIYAT_LISTELERI') plan.prices = gone.map((g) => ({ erp_recno: g.erp_recno, stok_kodu: '', liste_no: 0 }));
    return plan;
  }
  const c = CODE_SOURCES[table]!;
  const codes = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const page: Row[] = await readKeyPage(erp, c.src, after, run.batchSize * 4, c.column);
    for (const r of page) codes.add(String(r.k ?? '').trim());
    if (page.length < run.batchSize * 4) break;
    after = String(page[page.length - 1]!.k);
  }
  const missing = await webCodesMissingFrom(web, table as 'STOKLAR' | 'CARI_HESAPLAR', [...codes]);
  if (table === 'STOKLAR') plan.stocks = missing;
  else plan.accounts = missing;
  return plan;
}

/** Key reconciliation of every table without an installed delete trigger, when it is due. */
export async function reconcileDeletions(run: CatalogRun, installed: ReadonlySet<string>): Promise<void> {
  const minutes = run.ctx.config.catalog.reconcileIntervalMinutes;
  const forced = flagArg(run.task.args, 'reconcile');
  let totals: DeletionCounts | undefined;
  for (const table of DELETION_TABLES) {
    if (installed.has(table) || stopped(run)) continue;
    const stateName = `${table}#reconcile`;
    const st = run.states.get(stateName);
    const last = st?.details.reconciledAt ? Date.parse(st.details.reconciledAt) : NaN;
    if (!forced && !Number.isNaN(last) && Date.now() - last < minutes * 60_000) continue;
    const plan = await vanished(run, table);
    const n = deletionCounts(plan)[table];
    totals ??= await countErpOriginRows(run.ctx.web);
    const refused = refusals(run, { [table]: n }, totals);
    if (refused.length) {
      run.alerts.push(...refused.map((r) => `key reconciliation: ${r}`));
      run.log.error({ table, vanished: n }, 'vanished ERP rows not applied: mass-deletion guard');
      continue;
    }
    await catalogTransaction(run.ctx.web, async (client) => {
      const applied = n ? await applyDeletions(client, plan, new Set([table])) : undefined;
      if (applied) {
        run.rows[STEP] = (run.rows[STEP] ?? 0) + applied[table];
        for (const c of applied.movedStocks) run.onHandCodes.add(c);
      }
      await saveCatalogState(
        client,
        { table: stateName, watermarkTime: null, watermarkRecno: null, details: { reconciledAt: new Date().toISOString() }, rows: applied?.[table] ?? 0, ok: true },
        run.write.timeZone,
      );
    });
    if (n) run.log.info({ table, removed: n }, 'rows deleted in the ERP removed from the web (key reconciliation)');
  }
}
