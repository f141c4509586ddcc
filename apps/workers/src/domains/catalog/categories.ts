/**
 * Categories (spec 2.3): both group tables have no lastup column, so they are read in full every
 * run, paged by code; only changed rows are written. Sub groups without a main group (or in a
 * loop) are logged with their codes and simply tried again next run.
 */
import { CATALOG_SOURCES, readPage, type ErpSource } from '@mikrosync/connectors/erp';
import { catalogTransaction, writeCategories } from '@mikrosync/connectors/web';
import { planCategories } from '@mikrosync/mappers';
import { progress, reportRows, type CatalogRun } from './run.js';

async function readAll<R>(run: CatalogRun, src: ErpSource<R>): Promise<R[]> {
  const out: R[] = [];
  let after: string | null = null;
  for (;;) {
    const page: R[] = await readPage(run.ctx.erp, src, after === null ? null : { time: null, key: after }, run.batchSize);
    out.push(...page);
    if (page.length < run.batchSize) return out;
    after = String(page[page.length - 1]![src.key]);
  }
}

export async function syncCategories(run: CatalogRun): Promise<void> {
  const main = await readAll(run, CATALOG_SOURCES.mainGroups);
  const sub = await readAll(run, CATALOG_SOURCES.subGroups);
  const plan = planCategories(main, sub);
  reportRows(run, 'kategoriler', 'not written (tried again next run)', plan.rejected);
  if (plan.rejected.length) run.notes.push(`kategoriler: ${plan.rejected.length} group(s) not written (see log)`);
  const total = plan.main.length + plan.sub.length;
  let written = 0;
  let done = 0;
  // Main groups first: a sub group finds its parent id among rows this run already wrote.
  for (const [level, rows] of [
    [0, plan.main],
    [1, plan.sub],
  ] as const) {
    for (let i = 0; i < rows.length; i += run.batchSize) {
      const part = rows.slice(i, i + run.batchSize);
      written += await catalogTransaction(run.ctx.web, (client) => writeCategories(client, level, part, run.write));
      done += part.length;
      await progress(run, 'kategoriler', done, total);
    }
  }
  run.rows.kategoriler = written;
  await progress(run, 'kategoriler', total, total);
}
