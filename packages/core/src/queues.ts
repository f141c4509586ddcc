/**
 * Queue names, domains and job payloads shared by the producer and the workers.
 * A domain is a set of queues one worker process consumes (`--domain NAME`).
 */
import { z } from 'zod';
import { MAPPING_KINDS } from './errors.js';

export const DOMAINS = ['sales', 'purchases', 'returns', 'collections', 'stock', 'catalog', 'entegra', 'xml', 'bitrix'] as const;
export type Domain = (typeof DOMAINS)[number];

/** Queue of the dead-letter copies of finally failed jobs. */
export const DEAD_LETTER_QUEUE = 'dead-letter';
/** Queue of maintenance jobs (outbox clean-up) run by any worker process. */
export const HOUSEKEEPING_QUEUE = 'housekeeping';

/** A web table captured into the outbox, and where its events go. */
export interface CaptureSource {
  table: string;
  domain: Domain;
  /** Column whose value is the outbox record id (default `id`); a line table names its header. */
  keyColumn?: string;
  /** Table whose job an event belongs to: lines travel with their header's job. */
  jobTable?: string;
  /**
   * Delay before the job runs, so a burst of edits collapses into one job: OUTBOX_DEBOUNCE_MS, or
   * OUTBOX_DOCUMENT_DEBOUNCE_MS for documents with lines (a header and its lines written in
   * separate transactions then travel as one job; lines arriving later re-post it in place).
   */
  debounce?: 'record' | 'document';
}

/** Tables the capture trigger is attached to, with the domain that handles them. */
export const CAPTURE_SOURCES: readonly CaptureSource[] = [
  { table: 'tahsilatlar', domain: 'collections' },
  { table: 'satislar', domain: 'sales', debounce: 'document' },
  { table: 'satis_kalemleri', domain: 'sales', keyColumn: 'satis_id', jobTable: 'satislar', debounce: 'document' },
  { table: 'iadeler', domain: 'returns', debounce: 'document' },
  { table: 'iade_kalemleri', domain: 'returns', keyColumn: 'iade_id', jobTable: 'iadeler', debounce: 'document' },
  { table: 'alislar', domain: 'purchases', debounce: 'document' },
  { table: 'alis_kalemleri', domain: 'purchases', keyColumn: 'alis_id', jobTable: 'alislar', debounce: 'document' },
  // The web marks an Entegra order as printed (invoice_print 0 -> 1): written back into the SQLite file.
  { table: 'entegra_order', domain: 'entegra' },
  // Stock domain (web -> Mikro): cards, barcodes, prices, counts and transfers, web-made customers.
  { table: 'stoklar', domain: 'stock' },
  { table: 'urun_barkodlari', domain: 'stock' },
  { table: 'urun_fiyat_listeleri', domain: 'stock' },
  { table: 'stok_hareketleri', domain: 'stock' },
  { table: 'cari_hesaplar', domain: 'stock' },
];

/** The captured tables whose events settle with a job of `jobTable` (the header and its lines). */
export function tablesOfJob(jobTable: string): string[] {
  return CAPTURE_SOURCES.filter((s) => (s.jobTable ?? s.table) === jobTable).map((s) => s.table);
}

export function queueForDomain(domain: Domain): string {
  return domain;
}

export function sourceFor(table: string): CaptureSource | undefined {
  return CAPTURE_SOURCES.find((s) => s.table === table);
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
