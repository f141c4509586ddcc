/**
 * Step 0a: document number settings (spec 2.13). Every user's next numbers follow the ERP maximum
 * of the series configured in that row; one ERP query per distinct (kind, series), changed
 * columns only.
 */
import { readNumberMaximum } from '@mikrosync/connectors/erp';
import { readNumberSettings, updateNumberSettings, catalogTransaction } from '@mikrosync/connectors/web';
import { nextNumberPatch, numberNeeds, sourceKey } from '@mikrosync/mappers';
import type { CatalogRun } from './run.js';

const STEP = 'user_fatura_ayarlari';

export async function syncNumberSettings(run: CatalogRun): Promise<void> {
  const { erp, web } = run.ctx;
  let rows: Record<string, unknown>[];
  try {
    rows = await readNumberSettings(web);
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return; // this web app has no number settings table
    throw err;
  }
  const maxima = new Map<string, number>();
  const planned = rows.map((row) => ({ row, needs: numberNeeds(row) }));
  for (const { needs } of planned) {
    for (const n of needs) {
      const key = sourceKey(n.source);
      if (!maxima.has(key)) maxima.set(key, await readNumberMaximum(erp, n.source));
    }
  }
  const patches = planned.map(({ row, needs }) => ({ id: String(row.id), patch: nextNumberPatch(row, needs, maxima) })).filter((p) => Object.keys(p.patch).length);
  if (patches.length) {
    await catalogTransaction(web, async (client) => {
      for (const p of patches) await updateNumberSettings(client, p.id, p.patch);
    });
    run.log.info({ users: patches.length, changes: patches.slice(0, 20) }, 'document number settings moved to the ERP maximum + 1');
  }
  run.rows[STEP] = patches.length;
}
