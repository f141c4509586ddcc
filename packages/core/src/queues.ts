/**
 * Queue names, job ids and job payloads shared by the producer and the workers. What the domains
 * are (their tables and tasks) is in domains/.
 */
import { z } from 'zod';
import type { Domain } from './domains/index.js';
import { MAPPING_KINDS } from './errors.js';

/** Queue of the dead-letter copies of finally failed jobs. */
export const DEAD_LETTER_QUEUE = 'dead-letter';
/** Queue of maintenance jobs (outbox clean-up) run by any worker process. */
export const HOUSEKEEPING_QUEUE = 'housekeeping';

/**
 * The queue of a domain is named after it, and stays so: queue names are stored in Redis (jobs,
 * schedulers, metrics) and in compose files. The function marks the places that mean the queue.
 */
export function queueForDomain(domain: Domain): string {
  return domain;
}

/**
 * Job ids are derived from the record so that a burst of events for one record collapses into
 * one job. BullMQ keys jobs in Redis with ':' separators, so the id uses '__' instead.
 */
export function recordJobId(table: string, recordId: string): string {
  return `${table}__${recordId}`;
}

export const recordJobSchema = z.object({
  kind: z.literal('record'),
  table: z.string().min(1),
  recordId: z.string().min(1),
  /** Payload of a DELETE event (the web row is gone by the time the job runs). */
  deleted: z.record(z.string(), z.unknown()).nullable().optional(),
  /** Outbox id that caused this job (the newest one when events collapsed). */
  outboxId: z.number().int().optional(),
  /** Wall-clock ms of the web commit, for latency metrics. */
  capturedAt: z.number().optional(),
});
export type RecordJob = z.infer<typeof recordJobSchema>;

/**
 * A task job: a scheduled or "run now" piece of work of a domain (a catalog sync cycle, an Entegra
 * sync, a feed upload), as opposed to a record job. `task` names the processor within the domain.
 */
export const taskJobSchema = z.object({
  kind: z.literal('task'),
  task: z.string().min(1),
  args: z.record(z.string(), z.unknown()).optional(),
  /** Who asked for it: 'schedule', or the operator for a manual run. */
  requestedBy: z.string().optional(),
});
export type TaskJob = z.infer<typeof taskJobSchema>;

/** Progress a task reports while it runs (shown by `mikrosync run --wait` and the status page). */
export interface TaskProgress {
  step: string;
  done: number;
  total?: number;
}

/** What a task returns: a one-line summary and rows moved per table or step. */
export interface TaskResult {
  summary: string;
  rows?: Record<string, number>;
}

export function taskJobId(domain: string, task: string, at = Date.now()): string {
  return `${domain}__${task}__${at}`;
}

export const deadLetterSchema = z.object({
  queue: z.string(),
  jobId: z.string(),
  jobName: z.string(),
  data: z.unknown(),
  reason: z.string(),
  stack: z.string().optional(),
  attempts: z.number().int(),
  permanent: z.boolean(),
  failedAt: z.string(),
  record: z.object({ table: z.string(), id: z.string() }).optional(),
  /** The reason as a message key (PermanentError.says), rendered in the reader's language. */
  says: z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }).optional(),
  /** A missing mapping the operator can set on the page (PermanentError.mapping). */
  mapping: z.object({ kind: z.enum(MAPPING_KINDS), webCode: z.string() }).optional(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
