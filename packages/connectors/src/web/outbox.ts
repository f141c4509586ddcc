/**
 * The outbox is the durable record of every web change (ARCHITECTURE.md rule 1). Its status
 * moves pending -> enqueued -> done | failed; the queue in Redis is only a work list built from it.
 */
import type { WebPool } from './pool.js';

export type OutboxStatus = 'pending' | 'enqueued' | 'done' | 'failed';

export interface OutboxRow {
  id: number;
  table_name: string;
  record_id: string;
  operation: 'INSERT' | 'UPDATE' | 'DELETE';
  payload: Record<string, unknown> | null;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  job_id: string | null;
  created_at: Date;
}

/** Newest open event per record among the given ids (a burst becomes one job). */
export async function loadOutboxRows(pool: WebPool, ids: number[]): Promise<OutboxRow[]> {
  if (ids.length === 0) return [];
  const res = await pool.query<OutboxRow>('SELECT * FROM sync_outbox WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);
  return res.rows;
}

/**
 * Events to (re)enqueue: pending ones, and enqueued ones older than `recheckAfterMs` (their job may
 * have been lost with Redis; enqueueing again is harmless because job ids are per record).
 */
export async function findOutboxToEnqueue(pool: WebPool, recheckAfterMs: number, limit: number): Promise<OutboxRow[]> {
  const res = await pool.query<OutboxRow>(
    `SELECT * FROM sync_outbox
      WHERE status = 'pending'
         OR (status = 'enqueued' AND enqueued_at < now() - make_interval(secs => $1::double precision / 1000))
      ORDER BY id
      LIMIT $2`,
    [recheckAfterMs, limit],
  );
  return res.rows;
}

export async function markEnqueued(pool: WebPool, ids: number[], jobIds: string[]): Promise<void> {
  if (ids.length === 0) return;
  await pool.query(
    `UPDATE sync_outbox o SET status = 'enqueued', job_id = j.job_id, enqueued_at = now(), updated_at = now()
       FROM unnest($1::bigint[], $2::text[]) AS j(id, job_id)
      WHERE o.id = j.id AND o.status IN ('pending', 'enqueued')`,
    [ids, jobIds],
  );
}

/** The newest outbox event of a record that is still open; the job settles everything up to it. */
export async function latestOpenEvent(pool: WebPool, tables: string | string[], recordId: string): Promise<OutboxRow | undefined> {
  const res = await pool.query<OutboxRow>(
    `SELECT * FROM sync_outbox WHERE table_name = ANY($1::text[]) AND record_id = $2 AND status IN ('pending', 'enqueued')
      ORDER BY id DESC LIMIT 1`,
    [[tables].flat(), recordId],
  );
  return res.rows[0];
}

/** Settles the open events of a record up to `uptoId` (later events stay open for a new job). */
export async function settleOutbox(
  pool: WebPool,
  tables: string | string[],
  recordId: string,
  uptoId: number,
  outcome: { status: 'done' } | { status: 'failed'; error: string; attempts: number },
): Promise<number> {
  const res = await pool.query(
    `UPDATE sync_outbox SET status = $4, last_error = $5, attempts = attempts + $6, processed_at = now(), updated_at = now()
      WHERE table_name = ANY($1::text[]) AND record_id = $2 AND id <= $3 AND status IN ('pending', 'enqueued')`,
    [[tables].flat(), recordId, uptoId, outcome.status, outcome.status === 'failed' ? outcome.error : null, outcome.status === 'failed' ? outcome.attempts : 1],
  );
  return res.rowCount ?? 0;
}

/** Re-opens failed events of a record for a re-enqueue by hand. */
export async function reopenFailed(pool: WebPool, tables: string | string[], recordId: string): Promise<number> {
  const res = await pool.query(
    `UPDATE sync_outbox SET status = 'enqueued', enqueued_at = now(), updated_at = now()
      WHERE table_name = ANY($1::text[]) AND record_id = $2 AND status = 'failed'`,
    [[tables].flat(), recordId],
  );
  return res.rowCount ?? 0;
}

export async function outboxCounts(pool: WebPool): Promise<Record<OutboxStatus, number>> {
  const res = await pool.query<{ status: OutboxStatus; n: number }>('SELECT status, count(*)::int AS n FROM sync_outbox GROUP BY status');
  const out: Record<OutboxStatus, number> = { pending: 0, enqueued: 0, done: 0, failed: 0 };
  for (const r of res.rows) out[r.status] = r.n;
  return out;
}

/** Deletes settled events older than the retention (housekeeping). */
export async function purgeOutbox(pool: WebPool, retentionDays: number): Promise<number> {
  const res = await pool.query(
    `DELETE FROM sync_outbox WHERE status = 'done' AND processed_at < now() - make_interval(days => $1)`,
    [retentionDays],
  );
  return res.rowCount ?? 0;
}
