/** The audit log of manual actions (`sync_audit_log`). */
import type { WebPool } from './pool.js';

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
  sourceIp?: string;
}

export async function recordAudit(pool: WebPool, e: AuditEntry): Promise<void> {
  await pool.query('INSERT INTO sync_audit_log (actor, action, target, details, source_ip) VALUES ($1, $2, $3, $4, $5)', [
    e.actor,
    e.action,
    e.target,
    e.details ? JSON.stringify(e.details) : null,
    e.sourceIp ?? null,
  ]);
}

export interface AuditRow {
  at: Date;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown> | null;
}

export async function recentAudit(pool: WebPool, limit = 50): Promise<AuditRow[]> {
  const res = await pool.query<AuditRow>('SELECT at, actor, action, target, details FROM sync_audit_log ORDER BY at DESC, id DESC LIMIT $1', [limit]);
  return res.rows;
}

/** Age in seconds of the oldest open outbox event per table (record flows' staleness). */
export async function oldestOpenEvents(pool: WebPool): Promise<Record<string, number>> {
  const res = await pool.query<{ table_name: string; age: number }>(
    `SELECT table_name, extract(epoch FROM now() - min(created_at))::float8 AS age
       FROM sync_outbox WHERE status IN ('pending', 'enqueued') GROUP BY table_name`,
  );
  return Object.fromEntries(res.rows.map((r) => [r.table_name, r.age]));
}
