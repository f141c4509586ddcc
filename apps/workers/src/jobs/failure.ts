/**
 * The one way a record job and a task job fail: a permanent error goes to the dead-letter queue
 * at once; a known transient one (a dependency down) is waited out within its budget; anything
 * else is retried with backoff until its last attempt (MAX_RETRY_COUNT), then dead-lettered.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { errorMessage, isPermanent, type Domain, type Logger } from '@mikrosync/core';
import type { Liveness } from '../breaker.js';
import type { WorkerContext } from '../context.js';
import { waitOutTransient } from '../transient.js';

export interface FailingJob {
  ctx: WorkerContext;
  job: Job;
  log: Logger;
  token: string | undefined;
  liveness: Liveness | undefined;
  /** The domain whose dependencies a transient failure waits for; none: no waiting. */
  domain: Domain | undefined;
  /** The record or task, in the log of a wait ("satislar 12", "task sync of flow catalog"). */
  what: string;
  /** The job's noun in the retry log line ("job failed; retrying with backoff"). */
  noun: 'job' | 'task';
  /** The last word on a job that failed for good: its dead letter (or, for a record, one more run). */
  giveUp(err: unknown, permanent: boolean): Promise<void>;
}

/** Classifies `err`, dead-letters the job when it is final, and throws what BullMQ expects. */
export async function failJob(f: FailingJob, err: unknown): Promise<never> {
  const permanent = isPermanent(err);
  if (!permanent && f.domain) {
    const outcome = await waitOutTransient(f.ctx, f.liveness, f.domain, f.job, f.token, err, f.what);
    if (outcome.kind === 'delayed') throw new DelayedError();
    if (outcome.kind === 'spent') {
      await f.giveUp(new Error(outcome.reason, { cause: err }), false);
      throw new UnrecoverableError(outcome.reason);
    }
  }
  const final = permanent || f.job.attemptsMade + 1 >= (f.job.opts.attempts ?? 1);
  if (final) await f.giveUp(err, permanent);
  else f.log.warn({ err, willRetry: true }, `${f.noun} failed; retrying with backoff`);
  if (permanent) throw new UnrecoverableError(errorMessage(err));
  throw err;
}
