/**
 * Runs catalog tasks in-process (the worker's own processor and context), with a recorder of the
 * progress reports, and a fingerprint of web tables to prove "nothing was written".
 */
import type { Job } from 'bullmq';
import type pg from 'pg';
import type { TaskProgress, TaskResult } from '@mikrosync/core';
import { createWorkerContext, DOMAIN_TASKS, type WorkerContext } from '@mikrosync/workers';
import type { TestEnv } from './test-env.js';

export interface TaskCall {
  args?: Record<string, unknown>;
  /** Called after each progress report (e.g. to change the ERP in the middle of a run). */
  onProgress?: (p: TaskProgress) => Promise<void> | void;
  signal?: AbortSignal;
  /** Replaces parts of the worker context (e.g. a failing ERP client). */
  override?: Partial<WorkerContext>;
}

export interface CatalogHarness {
  ctx: WorkerContext;
  run(task: string, call?: TaskCall): Promise<TaskResult & { rows: Record<string, number>; progress: TaskProgress[] }>;
  close(): Promise<void>;
}

export function catalogHarness(t: TestEnv): CatalogHarness {
  const ctx = createWorkerContext(t.config, t.log);
  return {
    ctx,
    async run(task, call = {}) {
      const processor = DOMAIN_TASKS.catalog?.[task];
      if (!processor) throw new Error(`catalog task ${task} is not registered`);
      const progress: TaskProgress[] = [];
      const result = await processor(
        { ...ctx, ...call.override },
        {
          job: { id: `test-${task}` } as unknown as Job,
          args: call.args ?? {},
          signal: call.signal ?? new AbortController().signal,
          async progress(p) {
            progress.push(p);
            await call.onProgress?.(p);
          },
        },
      );
      return { ...result, rows: result.rows ?? {}, progress };
    },
    close: () => ctx.close(),
  };
}

export const WEB_CATALOG_TABLES = [
  'kategoriler',
  'stoklar',
  'int_kodmap_stok',
  'urun_barkodlari',
  'fiyat_tanimlari',
  'urun_fiyat_listeleri',
  'kasalar',
  'bankalar',
  'depolar',
  'cari_hesaplar',
  'stok_hareketleri',
  'cari_hesap_hareketleri',
  'user_fatura_ayarlari',
];

/**
 * Every row's (xmin, ctid) per table: any INSERT, UPDATE or DELETE — even one that writes the same
 * values — changes it. Equal fingerprints before and after a run = the run wrote nothing.
 */
export async function webFingerprint(web: pg.Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of WEB_CATALOG_TABLES) {
    const r = await web.query<{ f: string | null; n: string }>(`SELECT md5(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid)) AS f, count(*) AS n FROM ${t}`);
    out[t] = `${r.rows[0]!.n}:${r.rows[0]!.f ?? ''}`;
  }
  return out;
}

/** The xmin of rows of a table keyed by a column (to see exactly which rows a run touched). */
export async function rowVersions(web: pg.Pool, table: string, key: string): Promise<Map<string, string>> {
  const r = await web.query<{ k: string; v: string }>(`SELECT ${key}::text AS k, xmin::text || ctid::text AS v FROM ${table}`);
  return new Map(r.rows.map((x) => [x.k, x.v]));
}
