/** What a domain folder gives the job runners: its record processors and its task processors. */
import type { Job } from 'bullmq';
import type { Domain, RecordJob, TaskProgress, TaskResult } from '@mikrosync/core';
import type { WorkerContext } from '../context.js';

export type RecordProcessor = (job: RecordJob, ctx: WorkerContext) => Promise<string>;

export interface RecordHandler {
  process: RecordProcessor;
  /**
   * The processor passes `ctx.outbox` to its web read and web write: the newest open event is read
   * with the document and settled with the mapping. Otherwise the job reads and settles it itself.
   */
  outboxWithDocument?: boolean;
}

export interface TaskRun {
  job: Job;
  args: Record<string, unknown>;
  /** Reports progress of a step (a table, a page); cheap enough to call per batch. */
  progress(p: TaskProgress): Promise<void>;
  /** Set when SIGTERM asks the process to stop: long tasks finish the current batch and return. */
  signal: AbortSignal;
}

export type TaskProcessor = (ctx: WorkerContext, run: TaskRun) => Promise<TaskResult>;

/**
 * The code of one domain folder. `domains` names the domains (manifests) it serves: usually one,
 * the folder's own; the invoices folder serves sales, purchases and returns.
 */
export interface DomainModule {
  domains: readonly Domain[];
  /** Per captured web table (the manifests' `captures`). */
  records?: Record<string, RecordProcessor | RecordHandler>;
  /** Per task name (the manifests' `tasks`); a folder with tasks serves one domain. */
  tasks?: Record<string, TaskProcessor>;
}
