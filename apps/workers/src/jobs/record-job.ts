/**
 * The wrapper around every record job: outbox bookkeeping, error classification (failure.ts), the
 * dead-letter copy, its removal once the record is posted, and duration metrics.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { errorMessage, faultPoint, NotReadyError, PermanentError, recordJobSchema, says, sourceFor, tablesOfJob } from '@mikrosync/core';
import { findLedger } from '@mikrosync/connectors/erp';
import { latestOpenEvent, outboxSettlement, settleOutbox } from '@mikrosync/connectors/web';
import { recordJobDuration } from '@mikrosync/connectors/queue';
import type { Liveness } from '../breaker.js';
import type { WorkerContext } from '../context.js';
import { withoutTransientMarks } from '../transient.js';
import { deadLetter } from './dead-letter.js';
import { failJob } from './failure.js';
import { findRecordHandler, recordHandlerFor } from './registry.js';

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
    const withDocument = findRecordHandler(data.table)?.outboxWithDocument === true;
    if (!withDocument) upto = (await latestOpenEvent(ctx.web, tables, data.recordId))?.id ?? data.outboxId ?? Number.MAX_SAFE_INTEGER;
    // Crash tests: MIKROSYNC_FAULT=record:<id> makes this one record kill its process each time.
    faultPoint(`record:${data.recordId}`);
    const handler = recordHandlerFor(data.table);
    const result = await handler.process(data, { ...ctx, log, ...(withDocument ? { outbox } : {}) });
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
    return failJob(
      {
        ctx,
        job,
        log,
        token,
        liveness,
        domain,
        what: `${data.table} ${data.recordId}`,
        noun: 'job',
        giveUp: (e, permanent) => (permanent ? deadLetter(ctx, job, e, true, upto) : finalFailure(ctx, job, token, e, data, upto)),
      },
      err,
    );
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
