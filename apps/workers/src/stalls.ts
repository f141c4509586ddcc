/**
 * Crash loops. A job whose process died (SIGKILL, out of memory) is "stalled" and BullMQ puts it
 * back: it is retried, however often processes die around it. Only a job that is itself what kills
 * the process goes to the dead-letter queue: the same job stalled JOB_MAX_STALLED times in a row
 * while other jobs of its queue completed. A record already in Mikro (ledger row) is never
 * dead-lettered: its processor completes it and rebuilds the web mapping.
 */
import type { Job } from 'bullmq';
import { recordJobSchema } from '@mikrosync/core';
import { findLedger, readLastOutcomes } from '@mikrosync/connectors';
import type { WorkerContext } from './context.js';

function key(ctx: WorkerContext, queue: string): string {
  return `${ctx.config.redis.prefix}:stalls:${queue}`;
}

/** Called by the worker that found the job stalled (its process died while running it). */
export async function noteStall(ctx: WorkerContext, queue: string, jobId: string): Promise<void> {
  const k = key(ctx, queue);
  await ctx.redis.multi().hincrby(k, `${jobId}:n`, 1).hsetnx(k, `${jobId}:first`, String(Date.now())).exec();
}

/** The job ended in its process (any outcome): its stalls are no longer "in a row". */
export async function clearStalls(ctx: WorkerContext, queue: string, jobId: string): Promise<void> {
  await ctx.redis.hdel(key(ctx, queue), `${jobId}:n`, `${jobId}:first`);
}

export interface CrashLoop {
  stalls: number;
  reason: string;
}

/**
 * Decides, when a job starts, whether it is a crash loop: stalled JOB_MAX_STALLED times in a row
 * while jobs of its queue completed since its first stall, and (for a record) not in the ERP ledger.
 */
export async function stallsOf(ctx: WorkerContext, job: Job): Promise<{ stalls: number; first: number }> {
  const jobId = String(job.id);
  const [n, first] = await ctx.redis.hmget(key(ctx, job.queueName), `${jobId}:n`, `${jobId}:first`);
  return { stalls: Number(n ?? 0), first: Number(first ?? 0) };
}

export async function crashLoopOf(ctx: WorkerContext, job: Job, { stalls, first }: { stalls: number; first: number }): Promise<CrashLoop | undefined> {
  const jobId = String(job.id);
  if (stalls < ctx.config.worker.maxStalled) return undefined;
  // The whole fleet dying (a bad deployment, the machine) is not this job's fault.
  const { completedAt } = await readLastOutcomes(ctx.redis, ctx.config.redis.prefix, job.queueName);
  if (completedAt <= first) return undefined;
  const record = recordJobSchema.safeParse(job.data);
  if (record.success) {
    // Already posted: the processor's ledger path completes it and rebuilds the web mapping.
    if (await findLedger(ctx.erp, record.data.table, record.data.recordId)) return undefined;
    return {
      stalls,
      reason:
        `${record.data.table} ${record.data.recordId}: this job stopped the worker process ${stalls} times in a row (queue ${job.queueName}, job ${jobId}) ` +
        'while other jobs completed; it is not in Mikro (no MIKROSYNC_LEDGER row). Fix: look at the worker log lines of this record before each restart, ' +
        'correct the record on the web (or the cause in the log), then re-enqueue it',
    };
  }
  return {
    stalls,
    reason: `task job ${jobId} of queue ${job.queueName}: this job stopped the worker process ${stalls} times in a row while other jobs completed. Fix: look at the worker log lines of this job before each restart, then re-enqueue it`,
  };
}

/**
 * Runs a suspect (a job that was running when its process died) alone in this process: other jobs
 * wait for it and it waits for those already running. A crash while it runs is then its own, so
 * jobs that merely shared a process with a crashing job are not counted as crash loops.
 */
export class SuspectGate {
  private active = 0;
  private suspect: Promise<void> | undefined;

  async run<T>(isSuspect: boolean, fn: () => Promise<T>): Promise<T> {
    while (this.suspect) await this.suspect;
    if (!isSuspect) {
      this.active++;
      try {
        return await fn();
      } finally {
        this.active--;
      }
    }
    let release!: () => void;
    this.suspect = new Promise<void>((r) => (release = r));
    try {
      while (this.active > 0) await new Promise((r) => setTimeout(r, 50));
      return await fn();
    } finally {
      this.suspect = undefined;
      release();
    }
  }
}
