/**
 * The wrapper around every record job: outbox bookkeeping, error classification (permanent: the
 * dead-letter queue at once; transient: waited out; unexpected: MAX_RETRY_COUNT attempts), the
 * dead-letter copy, its removal once the record is posted, and duration metrics.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import {
  errorMessage,
  faultPoint,
  isPermanent,
  NotReadyError,
  PermanentError,
  recordJobSchema,
  says,
  sourceFor,
  tablesOfJob,
  type DeadLetter,
} from '@mikrosync/core';
import { findLedger, latestOpenEvent, outboxSettlement, recordDeadLetterHour, recordJobDuration, settleOutbox } from '@mikrosync/connectors';
import type { Liveness } from './breaker.js';
import type { WorkerContext } from './context.js';
import { processorOptions, recordProcessorFor } from './processors.js';
import { waitOutTransient, withoutTransientMarks } from './transient.js';

/** Copies a finally failed job to the dead-letter queue and marks its outbox events failed. */
export async function deadLetter(ctx: WorkerContext, job: Job, err: unknown, permanent: boolean, uptoOutboxId?: number): Promise<void> {
  const parsed = recordJobSchema.safeParse(job.data);
  const record = parsed.success ? { table: parsed.data.table, id: parsed.data.recordId } : undefined;
  const reason = errorMessage(err);
  const task = (job.data as { kind?: string; task?: string }).kind === 'task' ? (job.data as { task?: string }).task : undefined;
  const said = saidBy(err);
  const entry: DeadLetter = {
    queue: job.queueName,
    jobId: String(job.id),
    jobName: job.name,
    data: withoutTransientMarks(job.data),
    reason,
    stack: err instanceof Error ? err.stack : undefined,
    attempts: job.attemptsMade + 1,
    permanent,
    failedAt: new Date().toISOString(),
    record,
    ...said,
  };
  await ctx.dlq.add(entry);
  await recordDeadLetterHour(ctx.redis, ctx.config.redis.prefix, job.queueName).catch(() => undefined);
  if (record) {
    const tables = tablesOfJob(record.table);
    const upto = uptoOutboxId ?? (await latestOpenEvent(ctx.web, tables, record.id))?.id ?? Number.MAX_SAFE_INTEGER;
    await settleOutbox(ctx.web, tables, record.id, upto, { status: 'failed', error: reason, attempts: job.attemptsMade + 1 });
  }
  ctx.log.error({ table: record?.table, id: record?.id, task, queue: job.queueName, jobId: job.id, permanent, reason }, 'job moved to the dead-letter queue');
}

/** The message key and missing mapping of the error (or of an error it wraps), for the page. */
function saidBy(err: unknown): Pick<DeadLetter, 'says' | 'mapping'> {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PermanentError && (e.says || e.mapping)) return { ...(e.says ? { says: e.says } : {}), ...(e.mapping ? { mapping: e.mapping } : {}) };
  }
  return {};
}

/** True when the ERP ledger has the record: it is in Mikro, whatever the web shows. */
async function postedInErp(ctx: WorkerContext, table: string, id: string): Promise<boolean> {
  return Boolean(await findLedger(ctx.erp, table, id).catch(() => undefined));
}

export async function runRecordJob(ctx: WorkerContext, job: Job, token: string | undefined, liveness?: Liveness): Promise<string> {
  const started = performance.now();
  const parsed = recordJobSchema.safeParse(job.data);
  if (!parsed.success) {
    const err = new PermanentError(`job ${job.id} has an invalid payload: ${parsed.error.issues.map((i) => i.message).join('; ')}`, {
      says: says('err.invalidPayload', { job: String(job.id) }),
    });
    await deadLetter(ctx, job, err, true);
    throw new UnrecoverableError(err.message);
  }
  const data = parsed.data;
  const domain = sourceFor(data.table)?.domain;
  // Events of this record up to now are settled by this run; later ones stay open for a new job.
  const tables = tablesOfJob(data.table);
  const outbox = outboxSettlement(tables, data.recordId);
  let upto: number | undefined;
  const log = ctx.log.child({ table: data.table, id: data.recordId, jobId: job.id, attempt: job.attemptsMade + 1 });
  try {
    // A flow that reads its outbox with the document learns the newest open event in that read;
    // for the others it is read here, before the document.
    const withDocument = processorOptions(data.table).outboxWithDocument === true;
    if (!withDocument) upto = (await latestOpenEvent(ctx.web, tables, data.recordId))?.id ?? data.outboxId ?? Number.MAX_SAFE_INTEGER;
    // Crash tests: MIKROSYNC_FAULT=record:<id> makes this one record kill its process each time.
    faultPoint(`record:${data.recordId}`);
    const processor = recordProcessorFor(data.table);
    const result = await processor(data, { ...ctx, log, ...(withDocument ? { outbox } : {}) });
    // Settled with the flow's mapping write on the normal path; otherwise (nothing to write) here.
    if (withDocument) upto = outbox.upto ?? data.outboxId ?? Number.MAX_SAFE_INTEGER;
    if (!outbox.settled) await settleOutbox(ctx.web, tables, data.recordId, upto!, { status: 'done' });
    if (domain) liveness?.success(domain);
    // Posted by whatever path: its dead letter, if any, is history now (the flow turns green).
    if (await ctx.dlq.resolve(job.queueName, String(job.id)).catch(() => false)) log.info('record posted: its dead letter was removed');
    const lagSeconds = data.capturedAt ? (Date.now() - data.capturedAt) / 1000 : undefined;
    await recordJobDuration(ctx.redis, ctx.config.redis.prefix, job.queueName, (performance.now() - started) / 1000, 'completed', { lagSeconds }).catch(() => undefined);
    return result;
  } catch (err) {
    await recordJobDuration(ctx.redis, ctx.config.redis.prefix, job.queueName, (performance.now() - started) / 1000, 'failed').catch(() => undefined);
    // The events the flow saw with the document are the ones a failure settles.
    upto ??= outbox.upto;
    if (err instanceof NotReadyError) {
      const firstSeen = Number((job.data as { notReadySince?: number }).notReadySince ?? Date.now());
      if (Date.now() - firstSeen < ctx.config.worker.notReadyMaxWaitMs && token) {
        log.info({ reason: err.message }, 'record not ready yet; retrying later');
        await job.updateData({ ...job.data, notReadySince: firstSeen });
        await job.moveToDelayed(Date.now() + ctx.config.worker.notReadyRetryMs, token);
        throw new DelayedError();
      }
      const seconds = Math.round((Date.now() - firstSeen) / 1000);
      const late = new PermanentError(`${err.message} (still not ready after ${seconds} s)`, { says: says('err.notReadyTooLong', { seconds }) });
      await deadLetter(ctx, job, late, true, upto);
      throw new UnrecoverableError(late.message);
    }
    const permanent = isPermanent(err);
    if (!permanent && domain) {
      const outcome = await waitOutTransient(ctx, liveness, domain, job, token, err, `${data.table} ${data.recordId}`);
      if (outcome.kind === 'delayed') throw new DelayedError();
      if (outcome.kind === 'spent') {
        await finalFailure(ctx, job, token, new Error(outcome.reason, { cause: err }), data, upto);
        throw new UnrecoverableError(outcome.reason);
      }
    }
    const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final && !permanent) {
      await finalFailure(ctx, job, token, err, data, upto);
    } else if (final) await deadLetter(ctx, job, err, permanent, upto);
    else log.warn({ err, willRetry: true }, 'job failed; retrying with backoff');
    if (permanent) throw new UnrecoverableError(errorMessage(err));
    throw err;
  }
}

/**
 * The last word on a job that is not permanently wrong: a record already in Mikro is run once more
 * (its processor completes it from the ledger), never shown as failed; anything else is dead-lettered.
 */
async function finalFailure(ctx: WorkerContext, job: Job, token: string | undefined, err: unknown, data: { table: string; recordId: string }, upto: number | undefined): Promise<void> {
  if (token && (await postedInErp(ctx, data.table, data.recordId))) {
    ctx.log.warn({ table: data.table, id: data.recordId, jobId: job.id, reason: errorMessage(err) }, 'record is in Mikro (ledger row): run again to complete it instead of dead-lettering');
    await job.updateData(withoutTransientMarks(job.data));
    await job.moveToDelayed(Date.now() + ctx.config.worker.backoffMs, token);
    throw new DelayedError();
  }
  await deadLetter(ctx, job, err, false, upto);
}
