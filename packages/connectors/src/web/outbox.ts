/**
 * The outbox is the durable record of every web change (docs/architecture.md rule 1). Its status
 * moves pending -> enqueued -> done | failed; the queue in Redis is only a work list built from it.
 */
import type { QueryResult } from 'pg';
import { batch, inlineParams, syncWriteBatch, type WebSqlValue, type WebPool } from './pool.js';

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

// The open events of a record ($1 its tables, $2 its id): the newest one is what a job settles up to.
const OPEN_EVENTS = `FROM sync_outbox WHERE table_name = ANY($1::text[]) AND record_id = $2 AND status IN ('pending', 'enqueued')`;
const SETTLE = `UPDATE sync_outbox SET status = $4, last_error = $5, attempts = attempts + $6, processed_at = now(), updated_at = now()
      WHERE table_name = ANY($1::text[]) AND record_id = $2 AND id <= $3 AND status IN ('pending', 'enqueued')`;

/** The newest outbox event of a record that is still open; the job settles everything up to it. */
export async function latestOpenEvent(pool: WebPool, tables: string | string[], recordId: string): Promise<OutboxRow | undefined> {
  const res = await pool.query<OutboxRow>(`SELECT * ${OPEN_EVENTS} ORDER BY id DESC LIMIT 1`, [[tables].flat(), recordId]);
  return res.rows[0];
}

type Outcome = { status: 'done' } | { status: 'failed'; error: string; attempts: number };
const settleValues = (tables: string | string[], recordId: string, uptoId: number, outcome: Outcome) =>
  [[tables].flat(), recordId, uptoId, outcome.status, outcome.status === 'failed' ? outcome.error : null, outcome.status === 'failed' ? outcome.attempts : 1] as const;

/** Settles the open events of a record up to `uptoId` (later events stay open for a new job). */
export async function settleOutbox(pool: WebPool, tables: string | string[], recordId: string, uptoId: number, outcome: Outcome): Promise<number> {
  const res = await pool.query(SETTLE, [...settleValues(tables, recordId, uptoId, outcome)]);
  return res.rowCount ?? 0;
}

/**
 * A record job's hold on its outbox events, for flows that read the document and write its result
 * in one web round trip each: the read batch records the newest open event it saw (`upto`), the
 * write batch settles the events up to it as done together with the mapping (`settled`). What a
 * flow did not settle that way, the job wrapper settles on its own.
 */
export interface OutboxSettlement {
  tables: string[];
  recordId: string;
  upto?: number;
  settled: boolean;
}

export function outboxSettlement(tables: string | string[], recordId: string): OutboxSettlement {
  return { tables: [tables].flat(), recordId, settled: false };
}

const inlineOutbox = (text: string, s: OutboxSettlement, rest: WebSqlValue[]) => inlineParams(text, [s.tables, s.recordId, ...rest]);

/**
 * A document's read batch in one round trip: the newest open event of the record first (into the
 * settlement), then `statements`. The document is read after the event, so the events settled later
 * are all ones whose change the job saw.
 */
export async function readWithOutbox(pool: WebPool, statements: string[], s: OutboxSettlement | undefined): Promise<QueryResult[]> {
  if (!s) return batch(pool, statements);
  const [event, ...results] = await batch(pool, [inlineOutbox(`SELECT max(id) AS id ${OPEN_EVENTS}`, s, []), ...statements]);
  // No open event (another run settled them): 0 settles nothing, and nothing is left to settle.
  s.upto = Number((event?.rows[0] as { id?: unknown } | undefined)?.id ?? 0);
  return results;
}

/**
 * A sync write batch (see syncWriteBatch) that also settles, as done, the events read with the
 * document: the mapping and the outbox commit together, in one round trip.
 */
export async function syncWriteSettling(pool: WebPool, statements: string[], s: OutboxSettlement | undefined): Promise<QueryResult[]> {
  const settle = s?.upto === undefined ? [] : [inlineOutbox(SETTLE, s, [...settleValues(s.tables, s.recordId, s.upto, { status: 'done' })].slice(2))];
  const results = await syncWriteBatch(pool, [...statements, ...settle]);
  if (s && settle.length > 0) s.settled = true;
  return results.slice(0, statements.length);
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
