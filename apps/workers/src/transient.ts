/**
 * Transient failures are waited out. A known transient failure (a dependency down, a lock
 * timeout, a deadlock victim, a server fault of an HTTP API) delays the job with a doubling
 * backoff capped at TRANSIENT_BACKOFF_MAX, without using up its attempts, for TRANSIENT_RETRY_FOR
 * since its first such failure; only then is it dead-lettered, with a reason naming the record and
 * the dependency. Connection failures also feed the dependency's circuit breaker.
 */
import type { Job } from 'bullmq';
import { errorMessage, isConnectionError, isKnownTransient, type Domain } from '@mikrosync/core';
import type { Dependency } from '@mikrosync/connectors/queue';
import { DEPENDENCY_NAMES, type Liveness, type TransientMarks } from './breaker.js';
import type { WorkerContext } from './context.js';

export type TransientOutcome =
  /** Not a known transient failure: the job's attempts (MAX_RETRY_COUNT) decide. */
  | { kind: 'unknown' }
  /** Delayed: the caller throws BullMQ's DelayedError. */
  | { kind: 'delayed'; delayMs: number; dependency: Dependency | undefined }
  /** The budget is spent: dead-letter with this reason. */
  | { kind: 'spent'; reason: string };

export function transientDelayMs(ctx: WorkerContext, failures: number): number {
  const { backoffMs, transientBackoffMaxMs } = ctx.config.worker;
  const base = Math.min(transientBackoffMaxMs, backoffMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  // Jitter spreads a backlog that failed together.
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

function clock(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(ms);
}

/**
 * Waits out a transient failure of `job` (of `domain`; `what` names the record or task for the
 * reason) or says why not. `token` is the job's lock token.
 */
export async function waitOutTransient(
  ctx: WorkerContext,
  liveness: Liveness | undefined,
  domain: Domain,
  job: Job,
  token: string | undefined,
  err: unknown,
  what: string,
): Promise<TransientOutcome> {
  if (!token || !isKnownTransient(err)) return { kind: 'unknown' };
  const now = Date.now();
  const marks = job.data as TransientMarks;
  const since = marks.transientSince ?? now;
  const down = isConnectionError(err) && liveness ? await liveness.attribute(domain, err) : [];
  const dependency = down[0];
  // The first failure after the outage it waited for has ended (a pooled connection that died with
  // the server, say) starts the backoff again: it must not wait the capped delay of a long outage.
  const outageOver = Boolean(marks.waitingFor) && !down.includes(marks.waitingFor!);
  const failures = outageOver ? 1 : (marks.transientFailures ?? 0) + 1;
  const cause = dependency ? `${DEPENDENCY_NAMES[dependency]} could not be reached` : 'a transient failure repeated';
  if (now - since >= ctx.config.worker.transientRetryForMs) {
    const hours = ((now - since) / 3_600_000).toFixed(1);
    return {
      kind: 'spent',
      reason:
        `${what}: ${cause} for ${hours} h (since ${clock(since, ctx.config.erp.timeZone)}, ${failures} tries); last error: ${errorMessage(err)}. ` +
        `Fix: make ${dependency ? DEPENDENCY_NAMES[dependency] : 'the failing system'} reachable, then re-enqueue`,
    };
  }
  const delayMs = transientDelayMs(ctx, failures);
  await job.updateData({ ...job.data, transientSince: since, transientFailures: failures, waitingFor: dependency ?? null } satisfies TransientMarks);
  await job.moveToDelayed(now + delayMs, token);
  ctx.log.warn(
    { dependency, failures, delayMs, reason: errorMessage(err), waitingSince: new Date(since).toISOString() },
    `${what}: ${cause}; retrying in ${Math.round(delayMs / 1000)} s`,
  );
  return { kind: 'delayed', delayMs, dependency };
}

/** Job data without the transient bookkeeping: a re-enqueued dead letter starts a fresh budget. */
export function withoutTransientMarks(data: unknown): unknown {
  if (!data || typeof data !== 'object') return data;
  const { transientSince: _s, transientFailures: _f, waitingFor: _w, ...rest } = data as TransientMarks & Record<string, unknown>;
  return rest;
}
