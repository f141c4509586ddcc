/**
 * A bitrix test environment: the fake portal, fresh databases and Redis prefix, a worker context
 * whose log lines are captured, and the `cycle` processor called directly (or through a real
 * BullMQ worker when a test needs job attempts).
 */
import type { Job } from 'bullmq';
import { createLogger, type TaskResult } from '@mikrosync/core';
import { createWorkerContext, DOMAIN_TASKS, type TaskRun, type WorkerContext } from '@mikrosync/workers';
import { createTestEnv, type TestEnv } from './test-env.js';
import { startFakeBitrix, type FakeBitrix, type FakeBitrixOptions } from './fake-bitrix/index.js';
import { closeBitrixTargets } from '../../apps/workers/src/domains/bitrix/runtime.js';

/** Fast defaults: a generous bucket, short retry delays, reconciliation every cycle. */
export const BITRIX_FAST: Record<string, string> = {
  BITRIX_RATE_PER_SECOND: '1000',
  BITRIX_RATE_BURST: '1000',
  BITRIX_RETRY_BASE_MS: '20',
  BITRIX_RECONCILE_INTERVAL_MINUTES: '0',
  BITRIX_TIMEOUT_MS: '5000',
};

export interface BitrixEnv {
  fake: FakeBitrix;
  t: TestEnv;
  ctx: WorkerContext;
  /** Captured log lines (JSON objects) and the raw text. */
  logs(): Record<string, unknown>[];
  logText(): string;
  cycle(opts?: { signal?: AbortSignal; progress?: TaskRun['progress'] }): Promise<TaskResult>;
  count(table: string, where?: string): Promise<number>;
  state(entity: string): Promise<Record<string, unknown> | undefined>;
  cleanup(): Promise<void>;
}

export async function createBitrixEnv(env: Record<string, string> = {}, fakeOpts: FakeBitrixOptions = {}): Promise<BitrixEnv> {
  const fake = await startFakeBitrix({ burst: 100_000, rate: 100_000, ...fakeOpts });
  const t = await createTestEnv({ BITRIX_WEBHOOK_URL: fake.url, ...BITRIX_FAST, ...env });
  const written: string[] = [];
  const log = createLogger({ level: env.LOG_LEVEL ?? 'info', name: t.name }, { write: (line: string) => void written.push(line) });
  const ctx = createWorkerContext(t.config, log);
  return {
    fake,
    t,
    ctx,
    logs: () => written.map((l) => JSON.parse(l) as Record<string, unknown>),
    logText: () => written.join(''),
    async cycle(opts = {}) {
      const processor = DOMAIN_TASKS.bitrix?.cycle;
      if (!processor) throw new Error('bitrix cycle not registered');
      const run: TaskRun = { job: { id: 'test' } as unknown as Job, args: {}, signal: opts.signal ?? new AbortController().signal, progress: opts.progress ?? (async () => undefined) };
      return processor(ctx, run);
    },
    async count(table, where = 'TRUE') {
      return Number((await t.web.query(`SELECT count(*) AS n FROM bitrix.${table} WHERE ${where}`)).rows[0].n);
    },
    async state(entity) {
      return (await t.web.query(`SELECT * FROM sync_state WHERE tablo_adi = $1 AND yon = 'bitrix_to_web'`, [`bitrix.${entity}`])).rows[0];
    },
    async cleanup() {
      await ctx.close();
      await closeBitrixTargets();
      await fake.close();
      await t.cleanup();
    },
  };
}

/** Seeds n records of an entity with consecutive ids from `firstId`. */
export function seedMany<T>(n: number, firstId: number, make: (id: number, i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(firstId + i, i));
}
