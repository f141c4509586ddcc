/**
 * Crash loops. A job whose process died (SIGKILL, out of memory) is "stalled" and BullMQ puts it
 * back: it is retried, however often processes die around it. Only a job that is itself what kills
 * the process goes to the dead-letter queue: the same job stalled JOB_MAX_STALLED times in a row
 * while other jobs of its queue completed. A record already in Mikro (ledger row) is never
 * dead-lettered: its processor completes it and rebuilds the web mapping.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Job } from 'bullmq';
import { recordJobSchema } from '@mikrosync/core';
import { findLedger } from '@mikrosync/connectors/erp';
import { readLastOutcomes } from '@mikrosync/connectors/queue';
import type { WorkerContext } from './context.js';

function key(ctx: WorkerContext, queue: string): string {
  return `${ctx.config.redis.prefix}:stalls:${queue}`;
}

function runningKey(ctx: WorkerContext, queue: string): string {
  return `${ctx.config.redis.prefix}:running:${queue}`;
}

/** This process, in the running marks: a mark of another process is one that died. */
const THIS_PROCESS = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * The job's processor starts now in this process. BullMQ also holds jobs that wait at a
 * SuspectGate as active; a crash while they wait is not theirs, so only jobs marked here count a
 * stall. The mark names the process, so the stall of a dead process is never confused with the
 * job's new run here (the stalled check and the new run race).
 */
export async function markRunning(ctx: WorkerContext, queue: string, jobId: string): Promise<void> {
  await ctx.redis.hset(runningKey(ctx, queue), `${jobId}@${THIS_PROCESS}`, String(Date.now()));
}

/**
 * Counts a stall when the job was running in another process that is gone: called by the worker
 * that found the job stalled, and when the job starts again (BullMQ may hand it out before the
 * stalled event is handled). Not counted when it only waited at the gate behind a suspect.
 */
export async function noteStall(ctx: WorkerContext, queue: string, jobId: string): Promise<boolean> {
  const marks = (await ctx.redis.hkeys(runningKey(ctx, queue))).filter((f) => f.startsWith(`${jobId}@`) && f !== `${jobId}@${THIS_PROCESS}`);
  // HDEL answers how many it removed: of two callers racing (the stalled check, the job's next
  // start), only one counts the stall.
  if (marks.length === 0 || (await ctx.redis.hdel(runningKey(ctx, queue), ...marks)) === 0) return false;
  const k = key(ctx, queue);
  await ctx.redis.multi().hincrby(k, `${jobId}:n`, 1).hsetnx(k, `${jobId}:first`, String(Date.now())).exec();
  return true;
}

/** The job ended in its process (any outcome): its stalls are no longer "in a row". */
export async function clearStalls(ctx: WorkerContext, queue: string, jobId: string): Promise<void> {
  await ctx.redis.multi().hdel(key(ctx, queue), `${jobId}:n`, `${jobId}:first`).hdel(runningKey(ctx, queue), `${jobId}@${THIS_PROCESS}`).exec();
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

/** How long a suspect lets the jobs fetched with it go first before it claims the process. */
const SUSPECT_SETTLE_MS = 250;
const SUSPECT_MAX_WAIT_MS = 30_000;
const tick = () => new Promise((r) => setTimeout(r, 50));

/**
 * Runs a suspect (a job that was running when its process died) alone in this process, so that a
 * crash while it runs is its own and jobs that merely shared a process with a crashing job are not
 * counted as crash loops. The jobs fetched with it go first (up to SUSPECT_MAX_WAIT_MS): a job
 * that kills its process then cannot hold the others back, and they complete in between. Then
 * the suspect claims the process: new jobs wait until it is done.
 */
export class SuspectGate {
  private active = 0;
  /** Set while a suspect runs alone. */
  private claimed: Promise<void> | undefined;
  /** Suspects take their turn one at a time. */
  private turn: Promise<void> = Promise.resolve();

  async run<T>(isSuspect: boolean, fn: () => Promise<T>): Promise<T> {
    if (!isSuspect) {
      while (this.claimed) await this.claimed;
      this.active++;
      try {
        return await fn();
      } finally {
        this.active--;
      }
    }
    const previous = this.turn;
    let endTurn!: () => void;
    this.turn = new Promise<void>((r) => (endTurn = r));
    await previous;
    let release!: () => void;
    try {
      await new Promise((r) => setTimeout(r, SUSPECT_SETTLE_MS));
      const deadline = Date.now() + SUSPECT_MAX_WAIT_MS;
      while (this.active > 0 && Date.now() < deadline) await tick();
      this.claimed = new Promise<void>((r) => (release = r));
      while (this.active > 0) await tick();
      return await fn();
    } finally {
      this.claimed = undefined;
      release?.();
      endTurn();
    }
  }
}
