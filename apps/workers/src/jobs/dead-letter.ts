/** The dead-letter copy of a finally failed job (record or task), and its outbox events marked failed. */
import type { Job } from 'bullmq';
import { errorMessage, PermanentError, recordJobSchema, tablesOfJob, type DeadLetter } from '@mikrosync/core';
import { latestOpenEvent, settleOutbox } from '@mikrosync/connectors/web';
import { recordDeadLetterHour } from '@mikrosync/connectors/queue';
import type { WorkerContext } from '../context.js';
import { withoutTransientMarks } from '../transient.js';

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
