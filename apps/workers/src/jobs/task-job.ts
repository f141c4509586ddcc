/**
 * The wrapper around every task job: the task's processor from the registry, its run in
 * `sync_runs`, the run lock of an exclusive task (manifest), progress, error classification
 * (failure.ts) and duration metrics.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { errorMessage, manifestOf, PermanentError, says, taskJobSchema, type Domain, type TaskResult } from '@mikrosync/core';
import { finishRun, startRun } from '@mikrosync/connectors/web';
import { recordJobDuration, runLockKey, skippedWhileRunning, tryRunLock } from '@mikrosync/connectors/queue';
import type { Liveness } from '../breaker.js';
import type { WorkerContext } from '../context.js';
import { deadLetter } from './dead-letter.js';
import { failJob } from './failure.js';
import { DOMAIN_TASKS } from './registry.js';
import type { TaskProcessor, TaskRun } from './types.js';

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
  const log = ctx.log.child({ domain, task, jobId: job.id, attempt: job.attemptsMade + 1 });
  let runId: number | undefined;
  try {
    runId = await startRun(ctx.web, domain, task, String(job.id), requestedBy);
    const run: TaskRun = { job, args, signal, progress: (p) => job.updateProgress({ ...p }) };
    const result = await runExclusively(ctx, domain, task, () => processor({ ...ctx, log }, run));
    await finishRun(ctx.web, runId, { ok: true, result });
    waiting?.liveness.success(domain);
    await recordJobDuration(ctx.redis, ctx.config.redis.prefix, job.queueName, (performance.now() - started) / 1000, 'completed', {}).catch(() => undefined);
    log.info({ rows: result.rows, durationMs: Math.round(performance.now() - started) }, result.summary);
    return result;
  } catch (err) {
    if (runId !== undefined) await finishRun(ctx.web, runId, { ok: false, error: errorMessage(err) }).catch(() => undefined);
    await recordJobDuration(ctx.redis, ctx.config.redis.prefix, job.queueName, (performance.now() - started) / 1000, 'failed').catch(() => undefined);
    return failJob(
      {
        ctx,
        job,
        log,
        token: waiting?.token,
        liveness: waiting?.liveness,
        // Without the worker's liveness (a direct call) a transient failure is not waited out.
        domain: waiting ? domain : undefined,
        what: `task ${task} of flow ${domain}`,
        noun: 'task',
        giveUp: (e, permanent) => deadLetter(ctx, job, e, permanent),
      },
      err,
    );
  }
}

/** Runs an exclusive task (manifest) under its run lock; a run that finds it taken is skipped. */
async function runExclusively(ctx: WorkerContext, domain: Domain, task: string, body: () => ReturnType<TaskProcessor>): Promise<TaskResult> {
  if (!manifestOf(domain).tasks.some((t) => t.name === task && t.exclusive)) return body();
  const lock = await tryRunLock(ctx.redis, runLockKey(ctx.config.redis.prefix, domain, task));
  if (!lock) return { summary: skippedWhileRunning(`${domain} ${task}`), rows: {} };
  try {
    return await body();
  } finally {
    await lock.release();
  }
}
