/**
 * Task jobs: the scheduled or "run now" work of a domain. Each domain registers its tasks here;
 * a task reports progress and returns rows moved, and every run is logged in `sync_runs`.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { errorMessage, isPermanent, PermanentError, says, taskJobSchema, type Domain, type TaskProgress, type TaskResult } from '@mikrosync/core';
import { finishRun, recordJobDuration, startRun } from '@mikrosync/connectors';
import type { WorkerContext } from './context.js';
import type { Liveness } from './breaker.js';
import { deadLetter } from './run-job.js';
import { waitOutTransient } from './transient.js';

export interface TaskRun {
  job: Job;
  args: Record<string, unknown>;
  /** Reports progress of a step (a table, a page); cheap enough to call per batch. */
  progress(p: TaskProgress): Promise<void>;
  /** Set when SIGTERM asks the process to stop: long tasks finish the current batch and return. */
  signal: AbortSignal;
}

export type TaskProcessor = (ctx: WorkerContext, run: TaskRun) => Promise<TaskResult>;

/** Tasks per domain. Each domain adds its own entry (one import and one line). */
export const DOMAIN_TASKS: Partial<Record<Domain, Record<string, TaskProcessor>>> = {};

export function registerTasks(domain: Domain, tasks: Record<string, TaskProcessor>): void {
  DOMAIN_TASKS[domain] = { ...(DOMAIN_TASKS[domain] ?? {}), ...tasks };
}

export async function runTaskJob(
  ctx: WorkerContext,
  domain: Domain,
  job: Job,
  signal: AbortSignal,
  waiting?: { token: string | undefined; liveness: Liveness },
): Promise<TaskResult> {
  const started = performance.now();
  const parsed = taskJobSchema.safeParse(job.data);
  const processor = parsed.success ? DOMAIN_TASKS[domain]?.[parsed.data.task] : undefined;
  if (!parsed.success || !processor) {
    const err = new PermanentError(
      `job ${job.id} on queue ${job.queueName}: ${parsed.success ? `no task "${parsed.data.task}" in domain ${domain}` : 'invalid task payload'}`,
      {
        fix: `known tasks of ${domain}: ${Object.keys(DOMAIN_TASKS[domain] ?? {}).join(', ') || 'none yet'}`,
        says: parsed.success ? says('err.unknownTask', { task: parsed.data.task }) : says('err.invalidPayload', { job: String(job.id) }),
      },
    );
    await deadLetter(ctx, job, err, true);
    throw new UnrecoverableError(err.message);
  }
  const { task, args = {}, requestedBy } = parsed.data;
  const log = ctx.log.child({ flow: domain, task, jobId: job.id, attempt: job.attemptsMade + 1 });
  let runId: number | undefined;
  try {
    runId = await startRun(ctx.web, domain, task, String(job.id), requestedBy);
    const result = await processor({ ...ctx, log }, { job, args, signal, progress: (p) => job.updateProgress({ ...p }) });
    await finishRun(ctx.web, runId, { ok: true, result });
    waiting?.liveness.success(domain);
    await recordJobDuration(ctx.redis, ctx.config.redis.prefix, job.queueName, (performance.now() - started) / 1000, 'completed', {}).catch(() => undefined);
    log.info({ rows: result.rows, durationMs: Math.round(performance.now() - started) }, result.summary);
    return result;
  } catch (err) {
    if (runId !== undefined) await finishRun(ctx.web, runId, { ok: false, error: errorMessage(err) }).catch(() => undefined);
    await recordJobDuration(ctx.redis, ctx.config.redis.prefix, job.queueName, (performance.now() - started) / 1000, 'failed').catch(() => undefined);
    const permanent = isPermanent(err);
    if (!permanent && waiting) {
      const outcome = await waitOutTransient(ctx, waiting.liveness, domain, job, waiting.token, err, `task ${task} of flow ${domain}`);
      if (outcome.kind === 'delayed') throw new DelayedError();
      if (outcome.kind === 'spent') {
        await deadLetter(ctx, job, new Error(outcome.reason, { cause: err }), false);
        throw new UnrecoverableError(outcome.reason);
      }
    }
    const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final) await deadLetter(ctx, job, err, permanent);
    else log.warn({ err, willRetry: true }, 'task failed; retrying with backoff');
    if (permanent) throw new UnrecoverableError(errorMessage(err));
    throw err;
  }
}
