/**
 * Re-enqueue, discard and purge of dead letters, shared by the CLI and the HTTP surface. Each
 * action that changed something is written to the audit log, whoever started it.
 */
import { userInfo } from 'node:os';
import { recordJobSchema, tablesOfJob, type Logger } from '@mikrosync/core';
import { recordAudit, reopenFailed, type WebPool } from '@mikrosync/connectors/web';
import type { DeadLetterQueue } from '@mikrosync/connectors/queue';

/** Who started an operator action: the page's login, or `cli:<os user>`. */
export interface Operator {
  actor: string;
  sourceIp?: string;
}

export function cliOperator(): Operator {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME; // no passwd entry (some containers)
  }
  return { actor: `cli:${user || 'unknown'}` };
}

/** Writes one operator action to the audit log and to the log. */
export async function recordOperatorAction(web: WebPool, log: Logger, by: Operator, action: string, target: string, result: unknown): Promise<void> {
  await recordAudit(web, { actor: by.actor, action, target, details: { result }, sourceIp: by.sourceIp });
  log.info({ actor: by.actor, action, target }, 'operator action');
}

/** Moves a dead letter back to its queue and re-opens its failed outbox events. */
export async function requeueDeadLetter(dlq: DeadLetterQueue, web: WebPool, log: Logger, id: string, by: Operator, opts: { audit?: boolean } = {}): Promise<string | undefined> {
  const entry = await dlq.show(id);
  if (!entry) return undefined;
  const parsed = recordJobSchema.safeParse(entry.data);
  // Re-open first: if the job then runs at once, it settles these events as done.
  if (parsed.success) await reopenFailed(web, tablesOfJob(parsed.data.table), parsed.data.recordId);
  const moved = await dlq.requeue(id);
  if (!moved) return undefined;
  const result = `${moved.queue}/${moved.jobId}`;
  // A caller whose action includes the re-enqueue (fix a mapping) writes the one audit entry itself.
  if (opts.audit !== false) await recordOperatorAction(web, log, by, 'requeue', id, result);
  return result;
}

export async function discardDeadLetter(dlq: DeadLetterQueue, web: WebPool, log: Logger, id: string, by: Operator): Promise<boolean> {
  if (!(await dlq.discard(id))) return false;
  await recordOperatorAction(web, log, by, 'discard', id, 'discarded');
  return true;
}

export async function purgeDeadLetters(dlq: DeadLetterQueue, web: WebPool, log: Logger, by: Operator): Promise<number> {
  const purged = await dlq.purge();
  await recordOperatorAction(web, log, by, 'purge', 'dead-letter', `${purged} purged`);
  return purged;
}
