/** The run log of task jobs (`sync_runs`). */
import type { TaskResult } from '@mikrosync/core';
import type { WebPool } from './pool.js';

export async function startRun(pool: WebPool, flow: string, task: string, jobId: string | undefined, requestedBy: string | undefined): Promise<number> {
  const res = await pool.query<{ id: number }>(
    `INSERT INTO sync_runs (flow, task, job_id, requested_by, status) VALUES ($1, $2, $3, $4, 'running') RETURNING id`,
    [flow, task, jobId ?? null, requestedBy ?? null],
  );
  return Number(res.rows[0]!.id);
}

export async function finishRun(pool: WebPool, id: number, outcome: { ok: true; result: TaskResult } | { ok: false; error: string }): Promise<void> {
  await pool.query(
    `UPDATE sync_runs SET status = $2, finished_at = now(), rows = $3, summary = $4, error = $5 WHERE id = $1`,
    outcome.ok
      ? [id, 'succeeded', JSON.stringify(outcome.result.rows ?? {}), outcome.result.summary, null]
      : [id, 'failed', null, null, outcome.error],
  );
}

export interface LastRun {
  flow: string;
  task: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  rows: Record<string, number> | null;
  summary: string | null;
  error: string | null;
}

export async function lastRuns(pool: WebPool): Promise<LastRun[]> {
  const res = await pool.query<LastRun>(
    `SELECT DISTINCT ON (flow, task) flow, task, status, started_at, finished_at, rows, summary, error
       FROM sync_runs ORDER BY flow, task, started_at DESC`,
  );
  return res.rows;
}
