/** Re-enqueue and discard of dead letters, shared by the CLI and the HTTP surface. */
import { recordJobSchema, tablesOfJob } from '@mikrosync/core';
import { reopenFailed, type DeadLetterQueue, type WebPool } from '@mikrosync/connectors';

/** Moves a dead letter back to its queue and re-opens its failed outbox events. */
export async function requeueDeadLetter(dlq: DeadLetterQueue, web: WebPool, id: string): Promise<string | undefined> {
  const entry = await dlq.show(id);
  if (!entry) return undefined;
  const parsed = recordJobSchema.safeParse(entry.data);
  // Re-open first: if the job then runs at once, it settles these events as done.
  if (parsed.success) await reopenFailed(web, tablesOfJob(parsed.data.table), parsed.data.recordId);
  const moved = await dlq.requeue(id);
  return moved ? `${moved.queue}/${moved.jobId}` : undefined;
}
